// scripts/mirror.mjs builds a mirror (from GitHub or from release directories), verifying checksums and
// refreshing incrementally; <app>-update then updates through it, served by a plain static server or
// as a directory, with no GitHub at all.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { releaseFromDir, tmpDir } from "../helpers/fake-app.js";
import { startFakeGithub } from "../helpers/fake-github.js";
import { makeRelease } from "../helpers/installers.js";
import { testKeyPair } from "../helpers/minisign.js";
import { makeWorld } from "../helpers/world.js";

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../scripts/mirror.mjs");

// Asynchronously, since the fake GitHub answering it lives in this process.
const mirror = (args: string[]) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr }));
  });
const index = (out: string) => JSON.parse(readFileSync(path.join(out, "releases.json"), "utf8"));

describe("scripts/mirror.mjs", () => {
  it("mirrors GitHub releases (with a token), verifying each asset, and refreshes incrementally", async () => {
    const v1 = makeRelease({ version: "1.0.0" });
    const v2 = makeRelease({ version: "2.0.0" });
    const gh = await startFakeGithub({ releases: [releaseFromDir(v2, "v2.0.0"), releaseFromDir(v1, "v1.0.0")], token: "ghp_mirror" });
    const out = path.join(tmpDir(), "mirror");
    const args = ["--out", out, "--app", "axolotlsay", "--github", "axodotdev/axolotlsay", "--api-url", gh.apiBase, "--token", "ghp_mirror"];
    const first = await mirror(args);
    expect(first.stderr).toContain("2 releases; 22 assets copied, 0 unchanged, 0 without a published checksum");
    expect(first.code).toBe(0);
    const idx = index(out);
    expect(idx).toMatchObject({ schema: "upkeep-mirror/1", app: "axolotlsay" });
    expect(idx.releases.map((r: { tag: string }) => r.tag)).toEqual(["v2.0.0", "v1.0.0"]);
    for (const a of idx.releases[0].assets) {
      expect(spawnSync("sha256sum", [path.join(out, a.path)], { encoding: "utf8" }).stdout.split(" ")[0]).toBe(a.sha256);
    }
    // The token went to the API only, never to the storage host.
    expect(gh.log.filter((l) => l.server === "download").every((l) => l.headers.authorization === undefined)).toBe(true);
    const downloads = gh.log.filter((l) => l.server === "download").length;
    const again = await mirror(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("0 assets copied, 22 unchanged");
    expect(gh.log.filter((l) => l.server === "download").length).toBe(downloads);
  });

  it("stops on a checksum mismatch and leaves the mirror as it was", async () => {
    const v1 = makeRelease({ version: "1.0.0" });
    const release = releaseFromDir(v1, "v1.0.0");
    release.assets.find((a) => a.name.endsWith(".tar.xz"))!.digest = `sha256:${"0".repeat(64)}`;
    const gh = await startFakeGithub({ releases: [release] });
    const out = path.join(tmpDir(), "mirror");
    const r = await mirror(["--out", out, "--app", "axolotlsay", "--github", "axodotdev/axolotlsay", "--api-url", gh.apiBase]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("checksum mismatch for v1.0.0/axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
    expect(existsSync(path.join(out, "releases.json"))).toBe(false);
  });

  it("adds scripts/release.mjs output directories, checked against their own checksums", async () => {
    const out = path.join(tmpDir(), "mirror");
    const v1 = makeRelease({ version: "1.0.0" });
    expect((await mirror(["--out", out, "--app", "axolotlsay", "--from-release", v1])).code).toBe(0);
    const v2 = makeRelease({ version: "2.0.0" });
    expect((await mirror(["--out", out, "--app", "axolotlsay", "--from-release", v2, "--tag", "v2.0.0"])).code).toBe(0);
    expect(index(out).releases.map((r: { tag: string }) => r.tag)).toEqual(["v2.0.0", "v1.0.0"]);
    writeFileSync(path.join(v2, "axolotlsay-installer.sh"), "#!/bin/sh\necho tampered\n");
    const bad = await mirror(["--out", path.join(tmpDir(), "m2"), "--app", "axolotlsay", "--from-release", v2, "--tag", "v2.0.0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("checksum mismatch for v2.0.0/axolotlsay-installer.sh");
  });

  it("with --public-key, mirrors a release signed by that key (signatures included) and refuses an unsigned one unchanged", async () => {
    const key = testKeyPair();
    const keyFile = path.join(tmpDir(), "app.key");
    writeFileSync(keyFile, key.secretKeyFile);
    const pubFile = path.join(tmpDir(), "app.pub");
    writeFileSync(pubFile, key.publicKeyFile);
    const out = path.join(tmpDir(), "mirror");
    const signed = makeRelease({ version: "1.0.0", signKey: keyFile });
    const ok = await mirror(["--out", out, "--app", "axolotlsay", "--from-release", signed, "--public-key", pubFile]);
    expect(ok.stderr).toContain(`signature checked: v1.0.0/axolotlsay-installer.sh: sha256.sum.minisig by key ${key.keyId}`);
    expect(ok.code).toBe(0);
    expect(readFileSync(path.join(out, "v1.0.0", "sha256.sum.minisig"), "utf8")).toBe(readFileSync(path.join(signed, "sha256.sum.minisig"), "utf8"));
    const before = readFileSync(path.join(out, "releases.json"), "utf8");
    const unsigned = makeRelease({ version: "2.0.0" });
    const bad = await mirror(["--out", out, "--app", "axolotlsay", "--from-release", unsigned, "--public-key", key.publicKeyLine]);
    expect(bad.stderr).toContain("[SIGNATURE_MISSING] Release v2.0.0 of axolotlsay is not signed");
    expect(bad.stderr).toContain("The mirror was not changed");
    expect(bad.code).toBe(1);
    expect(readFileSync(path.join(out, "releases.json"), "utf8")).toBe(before);
    const wrongKey = await mirror(["--out", out, "--app", "axolotlsay", "--from-release", unsigned, "--public-key", "not-a-key!"]);
    expect(wrongKey.stderr).toContain("--public-key not-a-key! is neither a file nor a minisign public key");
    expect(wrongKey.code).toBe(1);
  });

  // The mirror follows core/version.ts (strictVersion, versionFromTag): 1.0.0-01 has a numeric
  // prerelease identifier with a leading zero, which no updater reads, so no mirror may carry it.
  it("refuses a release whose version is 1.0.0-01, as the updater does, and changes nothing", async () => {
    const out = path.join(tmpDir(), "mirror");
    const dir = makeRelease({ version: "1.0.0" });
    const installer = path.join(dir, "axolotlsay-installer.sh");
    writeFileSync(installer, readFileSync(installer, "utf8").replace("APP_VERSION='1.0.0'", "APP_VERSION='1.0.0-01'"));
    for (const extra of [[], ["--tag", "v1.0.0-01"]]) {
      const r = await mirror(["--out", out, "--app", "axolotlsay", "--from-release", dir, ...extra]);
      expect(r.stderr).toBe(
        "mirror: the tag v1.0.0-01 names no version of axolotlsay that upkeep reads (a strict semantic version such as 1.2.3 or 1.2.3-rc.1: " +
          "no leading v, no leading zeros), so no updater would ever pick this release; the mirror was not changed\n",
      );
      expect(r.code).toBe(1);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("from GitHub, skips a release tagged v1.0.0-01 (the updater would never pick it)", async () => {
    const v1 = makeRelease({ version: "1.0.0" });
    const gh = await startFakeGithub({ releases: [releaseFromDir(v1, "v1.0.0-01"), releaseFromDir(v1, "v1.0.0")] });
    const out = path.join(tmpDir(), "mirror");
    const r = await mirror(["--out", out, "--app", "axolotlsay", "--github", "axodotdev/axolotlsay", "--api-url", gh.apiBase]);
    expect(r.stderr).toContain("mirror: skipping v1.0.0-01: its tag names no version");
    expect(r.code).toBe(0);
    expect(index(out).releases.map((x: { tag: string }) => x.tag)).toEqual(["v1.0.0"]);
  });
});

describe("updating through a mirror, with no GitHub at all", () => {
  // Nothing installed from GitHub: the world's fake GitHub publishes nothing, and is never asked.
  async function world() {
    const w = await makeWorld({ installed: false, releases: [], secrets: false });
    const out = w.mirrorDir;
    const v1 = makeRelease({ version: "1.0.0" });
    const v2 = makeRelease({ version: "2.0.0" });
    for (const [dir, tag] of [
      [v1, "v1.0.0"],
      [v2, "v2.0.0"],
    ] as const) {
      expect((await mirror(["--out", out, "--app", "axolotlsay", "--from-release", dir, "--tag", tag])).code).toBe(0);
    }
    // Install v1 from the mirror too: the installer downloads from <APP>_DOWNLOAD_URL.
    const install = spawnSync("sh", [path.join(v1, "axolotlsay-installer.sh"), "-q"], {
      env: { ...w.env, AXOLOTLSAY_DOWNLOAD_URL: `${out}/v1.0.0`.replace(/^/, "file://") },
    });
    expect(install.status).toBe(0);
    return { out, server: w.mirror, home: w.home, app: w.version, run: w.run, github: () => w.gh.log };
  }

  // [how the mirror is chosen]
  const ways: [string, (w: Awaited<ReturnType<typeof world>>) => [string[], Record<string, string>]][] = [
    ["--source <http URL>", (w) => [["--source", w.server.url], {}]],
    ["UPKEEP_SOURCE", (w) => [[], { UPKEEP_SOURCE: w.server.url }]],
    ["<APP>_UPKEEP_SOURCE", (w) => [[], { AXOLOTLSAY_UPKEEP_SOURCE: w.server.url }]],
    ["--source <directory>", (w) => [["--source", w.out], {}]],
  ];
  for (const [label, choose] of ways) {
    it(`chosen by ${label}: checks, then updates, downloading everything from the mirror`, async () => {
      const w = await world();
      expect(w.app()).toContain("axolotlsay 1.0.0");
      const [argv, env] = choose(w);
      const check = await w.run([...argv, "--check", "--json"], env);
      expect(check.json).toMatchObject({ result: "update_available", new_version: "2.0.0" });
      const up = await w.run([...argv, "--json"], env);
      expect(up.json?.error).toBeNull();
      expect(up.json).toMatchObject({ result: "updated", new_version: "2.0.0", warnings: [expect.objectContaining({ code: "UNSIGNED" })] });
      expect(w.app()).toContain("axolotlsay 2.0.0");
      if (label.includes("http") || label.includes("SOURCE")) {
        expect(w.server.log.map((l) => l.path)).toContain("/releases.json");
        expect(w.server.log.map((l) => l.path)).toContain("/v2.0.0/axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
      }
      expect(w.github(), "GitHub was asked").toEqual([]);
    });
  }

  it("a receipt whose source is the mirror needs no flag", async () => {
    const w = await world();
    const receiptPath = path.join(w.home, ".config", "axolotlsay", "axolotlsay-receipt.json");
    const receipt = JSON.parse(readFileSync(receiptPath, "utf8"));
    writeFileSync(receiptPath, JSON.stringify({ ...receipt, source: { ...receipt.source, release_type: "mirror", url: w.server.url } }));
    const r = await w.run(["--json"]);
    expect(r.json).toMatchObject({ result: "updated", new_version: "2.0.0" });
    expect(w.github(), "GitHub was asked").toEqual([]);
  });

  it("a mirror without the app says so", async () => {
    const w = await world();
    const r = await w.run(["--json", "--check"], { UPKEEP_SOURCE: `${w.server.url}nothing/` });
    expect(r.json?.error).toMatchObject({ code: "RELEASE_NOT_FOUND", message: expect.stringContaining("has no releases.json for axolotlsay") });
  });
});
