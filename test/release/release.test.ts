import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/core/checksum.js";
import { strictVersion } from "../../src/core/version.js";
import { archiveTime, main, release, ReleaseError, validate } from "../../src/release/release.js";
import { UPKEEP_MARKER } from "../../src/release/render.js";
import { tmpDir } from "../helpers/fake-app.js";

const base = { app: "axolotlsay", version: "1.2.3", repo: "axodotdev/axolotlsay", binaries: "b", updater: "u", out: "o" };

describe("validate", () => {
  it("fills the defaults: tag v<version>, GitHub's download URL, CARGO_HOME", () => {
    expect(validate(base)).toEqual({
      ...base,
      owner: "axodotdev",
      repo: "axolotlsay",
      tag: "v1.2.3",
      baseUrl: "https://github.com/axodotdev/axolotlsay/releases/download/v1.2.3",
      mirrorUrl: "",
      installPath: "CARGO_HOME",
      aliases: [],
    });
    expect(validate({ ...base, "base-url": "https://m.example/a/", alias: ["axolotlsay=axo"], tag: "axolotlsay/1.2.3" })).toMatchObject({
      baseUrl: "https://m.example/a",
      aliases: [["axolotlsay", "axo"]],
      tag: "axolotlsay/1.2.3",
    });
  });

  it("--mirror URL: downloads from the mirror's <tag> directory (core's layout), records the mirror, needs no --repo", () => {
    const { repo: _, ...noRepo } = base;
    expect(validate({ ...noRepo, mirror: "http://127.0.0.1:8080/m/axolotlsay/" })).toMatchObject({
      owner: "",
      repo: "",
      baseUrl: "http://127.0.0.1:8080/m/axolotlsay/v1.2.3",
      mirrorUrl: "http://127.0.0.1:8080/m/axolotlsay",
    });
    expect(validate({ ...base, mirror: "https://m.example/a", tag: "axolotlsay/1.2.3" })).toMatchObject({
      owner: "axodotdev",
      baseUrl: "https://m.example/a/axolotlsay_1.2.3",
      mirrorUrl: "https://m.example/a",
    });
    expect(() => validate(noRepo)).toThrow("--repo is required (or --mirror URL");
  });

  it("--mirror refuses a URL that cannot be the mirror's directory, and --base-url beside it", () => {
    const rows: [mirror: string, message: string][] = [
      ["ftp://m.example/a", "must be a plain http(s) URL"],
      ["https://m.example/$(id)", "must be a plain http(s) URL"],
      ["m.example/a", "must be a plain http(s) URL"],
      ["https://m.example/a/releases.json", "the directory holding releases.json, not the file"],
    ];
    for (const [mirror, message] of rows) expect(() => validate({ ...base, mirror }), mirror).toThrow(message);
    expect(() => validate({ ...base, mirror: "https://m.example/a", "base-url": "https://m.example/a/v1.2.3" })).toThrow("give one");
  });

  it("takes exactly the versions the updater reads (core/version.ts)", () => {
    for (const version of ["1.2.3", "1.0.0-rc.1+build.5", "1.0.0-01", "v1.2.3", "1.2", "01.2.3", "1.2.3-", `1.2.3-${"a".repeat(300)}`]) {
      const accepted = (() => {
        try {
          validate({ ...base, version });
          return true;
        } catch (error) {
          expect(error).toBeInstanceOf(ReleaseError);
          expect((error as Error).message).toContain("is not a semantic version");
          return false;
        }
      })();
      expect(accepted, version).toBe(strictVersion(version) !== undefined);
    }
  });

  it("refuses what cannot sit in an installer", () => {
    expect(() => validate({ ...base, app: "my.app" })).toThrow("must start with a letter");
    expect(() => validate({ ...base, "install-path": "/opt/x" })).toThrow("must be CARGO_HOME, ~/dir or $VAR/dir");
    expect(() => validate({ ...base, "base-url": "https://x/$(id)" })).toThrow("must be a plain http(s) URL");
    expect(() => validate({ ...base, "base-url": "not a url" })).toThrow("is not a URL");
    expect(() => validate({ ...base, alias: ["a"] })).toThrow("must look like BIN=ALIAS");
    expect(() => validate({ ...base, tag: "v1 2" })).toThrow("has characters a release tag cannot have");
    expect(() => validate({ ...base, out: "" })).toThrow("--out is required");
  });
});

describe("release", () => {
  it("stamps the archives with the given time, so two runs are identical", () => {
    const work = tmpDir();
    mkdirSync(path.join(work, "b", "x86_64-unknown-linux-gnu"), { recursive: true });
    mkdirSync(path.join(work, "u", "x86_64-unknown-linux-gnu"), { recursive: true });
    writeFileSync(path.join(work, "b", "x86_64-unknown-linux-gnu", "axolotlsay"), "bin\n");
    writeFileSync(path.join(work, "u", "x86_64-unknown-linux-gnu", "upkeep"), "upkeep\n");
    const o = { ...base, binaries: path.join(work, "b"), updater: path.join(work, "u"), mtime: 1_700_000_000 };
    const files = release({ ...o, out: path.join(work, "1") });
    release({ ...o, out: path.join(work, "2") });
    expect(readdirSync(path.join(work, "1")).sort()).toEqual([...files].sort());
    expect(readFileSync(path.join(work, "1", "sha256.sum"), "utf8")).toBe(readFileSync(path.join(work, "2", "sha256.sum"), "utf8"));
    expect(readFileSync(path.join(work, "1", "sha256.sum"), "utf8")).toMatch(/^[0-9a-f]{64} \*axolotlsay-installer\.sh$/m);
  });
});

describe("release: the updater", () => {
  const UPKEEP = `#!/bin/sh\n# ${UPKEEP_MARKER}\necho upkeep\n`;
  const FOREIGN = "#!/bin/sh\necho axoupdater\n";

  it("is published plain and compressed (.xz; .zip for Windows), each with its .sha256 and a sha256.sum line, both checksums rendered", () => {
    const work = tmpDir();
    const targets = { "x86_64-unknown-linux-gnu": UPKEEP, "aarch64-unknown-linux-gnu": FOREIGN, "x86_64-pc-windows-msvc": UPKEEP };
    for (const [t, body] of Object.entries(targets)) {
      const windows = t.includes("windows");
      mkdirSync(path.join(work, "b", t), { recursive: true });
      mkdirSync(path.join(work, "u", t), { recursive: true });
      writeFileSync(path.join(work, "b", t, windows ? "axolotlsay.exe" : "axolotlsay"), "bin\n");
      writeFileSync(path.join(work, "u", t, windows ? "upkeep.exe" : "upkeep"), body);
    }
    const out = path.join(work, "out");
    const files = release({ ...base, binaries: path.join(work, "b"), updater: path.join(work, "u"), out, mtime: 1_700_000_000 });
    const sums = readFileSync(path.join(out, "sha256.sum"), "utf8");
    const sh = readFileSync(path.join(out, "axolotlsay-installer.sh"), "utf8");
    const ps1 = readFileSync(path.join(out, "axolotlsay-installer.ps1"), "utf8");
    for (const [t, body] of Object.entries(targets)) {
      const windows = t.includes("windows");
      const plain = `axolotlsay-${t}-update`;
      const packed = `${plain}${windows ? ".zip" : ".xz"}`;
      for (const f of [plain, packed]) {
        const hex = sha256Hex(readFileSync(path.join(out, f)));
        expect(files).toEqual(expect.arrayContaining([f, `${f}.sha256`]));
        expect(readFileSync(path.join(out, `${f}.sha256`), "utf8")).toBe(`${hex} *${f}\n`);
        expect(sums).toContain(`${hex} *${f}\n`);
      }
      expect(readFileSync(path.join(out, plain), "utf8")).toBe(body);
      const unpacked = windows
        ? execFileSync("unzip", ["-p", path.join(out, packed), "axolotlsay-update.exe"], { encoding: "utf8" })
        : execFileSync("xz", ["-dc", path.join(out, packed)], { encoding: "utf8" });
      expect(unpacked).toBe(body);
      // The installer for the target's platform lists both, the plain one marked when it is upkeep.
      const table = windows ? /\$Artifacts = @'\r\n([\s\S]*?)\r\n'@/.exec(ps1) : /^ARTIFACTS='([^']*)'$/m.exec(sh);
      const lines = (table?.[1] ?? "").split(/\r?\n/);
      const mark = body === UPKEEP ? " upkeep" : "";
      expect(lines).toContain(`updater ${t} ${plain} ${sha256Hex(body)}${mark}`);
      expect(lines).toContain(`updater-${windows ? "zip" : "xz"} ${t} ${packed} ${sha256Hex(readFileSync(path.join(out, packed)))}`);
    }
  });
});

describe("main", () => {
  it("exits 2 on a usage error, 0 for --help, 1 for a refusal", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(await main(["--sign"])).toBe(2);
      expect(await main(["--help"])).toBe(0);
      expect(await main(["--app", "a"])).toBe(1);
      expect(String(err.mock.calls.at(-1)?.[0])).toContain("--version is required");
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });

  it("takes SOURCE_DATE_EPOCH from the launcher as the archives' time", () => {
    expect(archiveTime({ sourceDateEpoch: "1700000000" })).toBe(1_700_000_000);
    expect(archiveTime({})).toBeUndefined();
  });
});
