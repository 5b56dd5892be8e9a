// `upkeep` under its own name: list, check, update and doctor across every app of the user.
import { spawnSync } from "node:child_process";
import { unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliWith } from "./helpers/cli.js";
import { fakeRelease, installedApp } from "./helpers/fake-app.js";
import { startFakeGithub } from "./helpers/fake-github.js";

// Two apps in one HOME, each published on its own fake GitHub.
async function world(o: { otherFails?: boolean; otherPrelude?: string } = {}) {
  const ghA = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")] });
  const ghB = await startFakeGithub({
    repo: "otherapp",
    releases: [fakeRelease("5.0.0", { app: "otherapp", repo: "otherapp", ...(o.otherFails ? { prelude: "echo 'no space left' >&2; exit 4" } : o.otherPrelude ? { prelude: o.otherPrelude } : {}) })],
  });
  const a = installedApp();
  const b = installedApp({ app: "otherapp", version: "4.0.0", home: a.home, receipt: { source: { app_name: "otherapp", name: "otherapp", owner: "axodotdev", release_type: "github" } } });
  const updater = (app: string) => {
    writeFileSync(path.join(a.bin, `${app}-update`), '#!/bin/sh\n[ "$1" = -V ] && echo "upkeep 0.1.0"\nexit 0\n', { mode: 0o755 });
  };
  updater("axolotlsay");
  updater("otherapp");
  const env = { ...a.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: ghA.gheBase, OTHERAPP_INSTALLER_GHE_BASE_URL: ghB.gheBase };
  const upkeep = (argv: string[]) => runCliWith({ argv, env, invokedAs: "/usr/local/bin/upkeep" });
  const version = (app: string) => spawnSync(path.join(a.bin, app), { encoding: "utf8" }).stdout.trim();
  return { a, b, env, upkeep, version, ghA, ghB };
}

describe("upkeep (machine-wide)", () => {
  it("list: every app with its version, prefix, source and updater", async () => {
    const w = await world();
    unlinkSync(path.join(w.a.bin, "otherapp-update"));
    const r = await w.upkeep(["list", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json?.apps).toEqual([
      { app: "axolotlsay", version: "1.0.0", install_prefix: w.a.prefix, source: "github axodotdev/axolotlsay", receipt: w.a.receiptPath, updater: path.join(w.a.bin, "axolotlsay-update"), error: null },
      { app: "otherapp", version: "4.0.0", install_prefix: w.a.prefix, source: "github axodotdev/otherapp", receipt: w.b.receiptPath, updater: null, error: null },
    ]);
    const text = await w.upkeep(["list"]);
    expect(text.stdout).toContain(`axolotlsay\t1.0.0\t${w.a.prefix}\tgithub axodotdev/axolotlsay\tupdater present`);
  });

  it("check --all: both apps, exit 100 when any update is available", async () => {
    const w = await world();
    const r = await w.upkeep(["check", "--all", "--json"]);
    expect(r.code).toBe(100);
    expect(r.json?.results.map((x: { app: string; result: string; new_version: string }) => [x.app, x.result, x.new_version])).toEqual([
      ["axolotlsay", "update_available", "2.0.0"],
      ["otherapp", "update_available", "5.0.0"],
    ]);
  });

  it("update --all: one app's failure does not stop the other; exit 1", async () => {
    const w = await world({ otherFails: true });
    const r = await w.upkeep(["update", "--all", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json?.ok).toBe(false);
    const [a, b] = r.json?.results ?? [];
    expect(a).toMatchObject({ app: "axolotlsay", result: "updated", new_version: "2.0.0" });
    expect(b).toMatchObject({ app: "otherapp", result: "failed", error: { code: "INSTALLER_FAILED" } });
    expect(b.error.message).toContain("Restored otherapp 4.0.0");
    expect(w.version("axolotlsay")).toBe("axolotlsay 2.0.0");
    expect(w.version("otherapp")).toBe("otherapp 4.0.0");
  });

  it("update APP updates only that app; --quiet prints only what changed", async () => {
    const w = await world();
    const r = await w.upkeep(["update", "otherapp", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("otherapp: New release 5.0.0 installed!\n");
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
    const again = await w.upkeep(["update", "--all", "-q"]);
    expect(again.stderr).toBe("axolotlsay: New release 2.0.0 installed!\n");
    expect((await w.upkeep(["update", "--all", "-q"])).stderr).toBe("");
  });

  it("doctor: receipt, binaries, updater, PATH, source and token per app", async () => {
    const w = await world();
    unlinkSync(path.join(w.a.bin, "otherapp"));
    const r = await w.upkeep(["doctor", "--json"]);
    expect(r.code).toBe(1);
    const [a, b] = r.json?.apps ?? [];
    expect(a.ok).toBe(true);
    expect(Object.fromEntries(a.checks.map((c: { name: string; status: string }) => [c.name, c.status]))).toEqual({ receipt: "ok", binaries: "ok", updater: "ok", path: "ok", source: "ok", token: "ok" });
    expect(a.checks.find((c: { name: string }) => c.name === "token").message).toMatch(/^none; \d+ of 60 API requests left this hour$/);
    expect(a.checks.find((c: { name: string }) => c.name === "updater").message).toContain("upkeep 0.1.0");
    expect(b.ok).toBe(false);
    expect(b.checks.find((c: { name: string }) => c.name === "binaries")).toMatchObject({ status: "fail", message: expect.stringContaining("otherapp") });
    const text = await w.upkeep(["doctor", "axolotlsay"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("axolotlsay: ok");
    expect(text.stdout).toContain("[ok] source");
  });

  it("doctor names where the token comes from, never its value, and a rejected token fails", async () => {
    const w = await world();
    const r = await runCliWith({ argv: ["doctor", "axolotlsay", "--json"], env: { ...w.env, AXOUPDATER_GITHUB_TOKEN: "ghp_doctor_secret" }, invokedAs: "/usr/local/bin/upkeep" });
    const token = r.json?.apps[0].checks.find((c: { name: string }) => c.name === "token");
    expect(token.message).toContain("from AXOUPDATER_GITHUB_TOKEN");
    expect(r.stdout + r.stderr).not.toContain("ghp_doctor_secret");
  });

  it("update redacts the installer's output and every message: each app's own <APP>_GITHUB_TOKEN and proxy passwords", async () => {
    const w = await world({ otherPrelude: 'echo "installer-says $OTHERAPP_GITHUB_TOKEN proxy ${HTTPS_PROXY#*:*:}"; echo "failing with $OTHERAPP_GITHUB_TOKEN" >&2; exit 5' });
    const env = { ...w.env, OTHERAPP_GITHUB_TOKEN: "ghp_other_app_secret", HTTPS_PROXY: "http://u:pr0xy-pass@127.0.0.1:9", NO_PROXY: "127.0.0.1" };
    const text = await runCliWith({ argv: ["update", "otherapp"], env, invokedAs: "/usr/local/bin/upkeep" });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain("installer-says *** proxy ***@127.0.0.1:9");
    expect(text.stderr).toContain("failing with ***");
    const json = await runCliWith({ argv: ["update", "otherapp", "--json", "--verbose"], env, invokedAs: "/usr/local/bin/upkeep" });
    expect(json.json?.results[0].error.message).toContain("failing with ***");
    // Under --json the installer's output is not shown at all.
    expect(json.stderr).not.toContain("installer-says");
    for (const r of [text, json]) {
      expect(r.stdout + r.stderr).not.toContain("ghp_other_app_secret");
      expect(r.stdout + r.stderr).not.toContain("pr0xy-pass");
    }
  });

  // [argv, exit, code]
  const usage: [string[], number, string][] = [
    [[], 2, "USAGE"],
    [["frobnicate"], 2, "USAGE"],
    [["update", "--all", "axolotlsay"], 2, "USAGE"],
    [["check", "--bogus"], 2, "USAGE"],
    [["update", "nothing-here"], 1, "RECEIPT_NOT_FOUND"],
  ];
  for (const [argv, code, error] of usage) {
    it(`upkeep ${argv.join(" ") || "(nothing)"} → ${error}`, async () => {
      const w = await world();
      const r = await w.upkeep([...argv, "--json"]);
      expect(r.code).toBe(code);
      expect(r.json?.error.code).toBe(error);
    });
  }

  it("--help and -V", async () => {
    const w = await world();
    expect((await w.upkeep(["--help"])).stdout).toContain("Usage: upkeep <COMMAND>");
    expect((await w.upkeep(["-V"])).stdout).toMatch(/^upkeep \d/);
  });
});
