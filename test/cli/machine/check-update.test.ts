// `upkeep check` and `upkeep update`: every app in turn, one failure not stopping the others; the same
// selection flags as <app>-update; results on stdout; one JSON envelope.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.js";
import { runCliWith } from "../../helpers/cli.js";
import { machineWorld as world } from "../../helpers/machine.js";

const COMMON = ["app", "result", "old_version", "new_version", "tag", "install_prefix", "signature", "warnings", "error"];

describe("upkeep check / update", () => {
  it("check --all: both apps, exit 100 when any update is available, in one envelope", async () => {
    const w = await world();
    const r = await w.upkeep(["check", "--all", "--json"]);
    expect(r.code).toBe(100);
    expect(Object.keys(r.json ?? {})).toEqual(["schema", "command", "results", "ok", "error"]);
    expect(r.json).toMatchObject({ schema: "upkeep/1", command: "check", ok: true, error: null });
    for (const result of r.json?.results ?? []) expect(Object.keys(result)).toEqual(COMMON);
    expect(r.json?.results.map((x: { app: string; result: string; new_version: string }) => [x.app, x.result, x.new_version])).toEqual([
      ["axolotlsay", "update_available", "2.0.0"],
      ["otherapp", "update_available", "5.0.0"],
    ]);
  });

  it("update --all: one app's failure does not stop the other; exit 1; the failure keeps what was known", async () => {
    const w = await world({ otherFails: true });
    const r = await w.upkeep(["update", "--all", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json?.ok).toBe(false);
    const [a, b] = r.json?.results ?? [];
    expect(a).toMatchObject({ app: "axolotlsay", result: "updated", new_version: "2.0.0" });
    expect(b).toMatchObject({
      app: "otherapp",
      result: "failed",
      old_version: "4.0.0",
      new_version: "5.0.0",
      tag: "v5.0.0",
      install_prefix: w.a.prefix,
      error: { code: "INSTALLER_FAILED" },
    });
    expect(b.error.message).toContain("Restored otherapp 4.0.0");
    expect(b.error.restored?.length).toBeGreaterThan(0);
    expect(w.version("axolotlsay")).toBe("axolotlsay 2.0.0");
    expect(w.version("otherapp")).toBe("otherapp 4.0.0");
  });

  it("update APP updates only that app; results on stdout, the installer's output on stderr; --quiet only what changed", async () => {
    const w = await world();
    const loud = await w.upkeep(["update", "otherapp"]);
    expect(loud.code).toBe(0);
    expect(loud.stdout).toMatch(/^otherapp: Updated otherapp from 4\.0\.0 to 5\.0\.0 \(v5\.0\.0\) in .*\notherapp: New release 5\.0\.0 installed!\n$/);
    expect(loud.stderr).not.toContain("New release");
    expect(loud.stderr).toContain("installing"); // the fake installer's own line
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
    const again = await w.upkeep(["update", "--all", "-q"]);
    expect(again.stdout).toBe("axolotlsay: New release 2.0.0 installed!\n");
    expect(again.stderr).toBe("");
    const nothing = await w.upkeep(["update", "--all", "-q"]);
    expect([nothing.stdout, nothing.stderr]).toEqual(["", ""]);
  });

  it("update APP --version V installs V (it is not upkeep's own --version), also with --json", async () => {
    const w = await world();
    const up = await w.upkeep(["update", "axolotlsay", "--version", "2.0.0", "--json"]);
    expect(up.code).toBe(0);
    expect(up.json?.results).toEqual([expect.objectContaining({ app: "axolotlsay", result: "updated", old_version: "1.0.0", new_version: "2.0.0" })]);
    const down = await w.upkeep(["update", "axolotlsay", "--version", "1.0.0"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain("axolotlsay: New release 1.0.0 installed!");
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
    const tag = await w.upkeep(["update", "axolotlsay", "--tag", "v2.0.0", "--json"]);
    expect(tag.json?.results[0]).toMatchObject({ result: "updated", tag: "v2.0.0" });
    expect(w.version("axolotlsay")).toBe("axolotlsay 2.0.0");
  });

  it("--dry-run, --force and --prerelease mean what they mean for <app>-update", async () => {
    const w = await world();
    const dry = await w.upkeep(["update", "--all", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(dry.json?.results.map((x: { result: string }) => x.result)).toEqual(["would_update", "would_update"]);
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
    expect(w.ghA.log.filter((l) => l.server === "download")).toEqual([]);
    await w.upkeep(["update", "axolotlsay", "-q"]);
    const forced = await w.upkeep(["update", "axolotlsay", "--force", "--json"]);
    expect(forced.json?.results[0]).toMatchObject({ result: "updated", old_version: "2.0.0", new_version: "2.0.0" });
    const pre = await w.upkeep(["check", "otherapp", "--prerelease", "--json"]);
    expect(pre.json?.results[0]).toMatchObject({ result: "update_available", new_version: "5.0.0" });
  });

  it("Ctrl-C during --jitter stops at once: INTERRUPTED, nothing asked, nothing changed", async () => {
    const w = await world();
    const controller = new AbortController();
    let stdout = "";
    const host = {
      env: w.env,
      platform: "linux" as const,
      home: w.a.home,
      cwd: w.a.home,
      tmpDir: path.join(w.a.home, "tmp"),
      invokedAs: "/usr/local/bin/upkeep",
      argv: ["update", "--all", "--jitter", "600", "--json"],
      stderrIsTTY: false,
      cacheDir: path.join(w.a.home, ".cache", "upkeep"),
      random: () => 1,
      signal: controller.signal,
    };
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const code = await runCli(host, { stdout: (t) => (stdout += t), stderr: () => {} });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ schema: "upkeep/1", command: "update", results: [], ok: false, error: { code: "INTERRUPTED" } });
    expect([...w.ghA.log, ...w.ghB.log]).toEqual([]);
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
  });

  it("a bad setting of one app is USAGE (exit 2) for the run, before any app is touched", async () => {
    const w = await world();
    const r = await runCliWith({
      argv: ["update", "--all", "--json"],
      env: { ...w.env, OTHERAPP_INSTALLER_GHE_BASE_URL: "not a url" },
      invokedAs: "/usr/local/bin/upkeep",
    });
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({
      command: "update",
      results: [],
      ok: false,
      error: { code: "USAGE", message: expect.stringContaining("OTHERAPP_INSTALLER_GHE_BASE_URL") },
    });
    expect([...w.ghA.log, ...w.ghB.log]).toEqual([]);
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
  });
});
