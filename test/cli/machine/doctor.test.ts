// `upkeep doctor`: what is wrong with each install, and with its source and token.
import { unlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliWith } from "../../helpers/cli.js";
import { machineWorld as world } from "../../helpers/machine.js";

type Check = { name: string; status: string; message: string };

describe("upkeep doctor", () => {
  it("doctor: receipt, binaries, updater, PATH, source and token per app, in the envelope", async () => {
    const w = await world();
    unlinkSync(path.join(w.a.bin, "otherapp"));
    const r = await w.upkeep(["doctor", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ schema: "upkeep/1", command: "doctor", ok: false, error: null });
    const [a, b] = r.json?.results ?? [];
    expect(a).toMatchObject({
      app: "axolotlsay",
      result: "ok",
      old_version: "1.0.0",
      new_version: "2.0.0",
      tag: "v2.0.0",
      install_prefix: w.a.prefix,
      signature: null,
      warnings: [expect.objectContaining({ code: "UNSIGNED" })],
      error: null,
    });
    expect(Object.keys(a)).toEqual(["app", "result", "old_version", "new_version", "tag", "install_prefix", "signature", "warnings", "error", "checks"]);
    expect(Object.fromEntries(a.checks.map((c: Check) => [c.name, c.status]))).toEqual({
      receipt: "ok",
      binaries: "ok",
      updater: "ok",
      path: "ok",
      source: "ok",
      signature: "ok",
      token: "ok",
    });
    expect(a.checks.find((c: Check) => c.name === "signature").message).toBe(
      "no signing key is pinned; updates are checked against the release's SHA-256 only",
    );
    expect(a.checks.find((c: Check) => c.name === "token").message).toMatch(/^none; \d+ of 60 API requests left this hour$/);
    expect(a.checks.find((c: Check) => c.name === "updater").message).toContain("upkeep 0.1.0");
    expect(b.result).toBe("problems");
    expect(b.checks.find((c: Check) => c.name === "binaries")).toMatchObject({ status: "fail", message: expect.stringContaining("otherapp") });
    const text = await w.upkeep(["doctor", "axolotlsay"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("axolotlsay: ok");
    expect(text.stdout).toContain("[ok] source");
  });

  it("doctor names where the token comes from, never its value", async () => {
    const w = await world();
    const r = await runCliWith({
      argv: ["doctor", "axolotlsay", "--json"],
      env: { ...w.env, AXOUPDATER_GITHUB_TOKEN: "ghp_doctor_secret" },
      invokedAs: "/usr/local/bin/upkeep",
    });
    const token = r.json?.results[0].checks.find((c: Check) => c.name === "token");
    expect(token.message).toContain("from AXOUPDATER_GITHUB_TOKEN");
    expect(r.stdout + r.stderr).not.toContain("ghp_doctor_secret");
  });

  it("a bad GitHub base is a failed check (with its USAGE error), not a crash of doctor", async () => {
    const w = await world();
    const r = await runCliWith({
      argv: ["doctor", "--json"],
      env: { ...w.env, OTHERAPP_INSTALLER_GHE_BASE_URL: "not a url" },
      invokedAs: "/usr/local/bin/upkeep",
    });
    expect(r.code).toBe(1);
    const [a, b] = r.json?.results ?? [];
    expect(a.result).toBe("ok");
    expect(b).toMatchObject({
      result: "problems",
      old_version: "4.0.0",
      error: { code: "USAGE", message: expect.stringContaining("OTHERAPP_INSTALLER_GHE_BASE_URL") },
    });
    expect(b.checks.find((c: Check) => c.name === "source")).toMatchObject({ status: "fail" });
    expect(b.checks.find((c: Check) => c.name === "token")).toMatchObject({ status: "fail" });
  });
});
