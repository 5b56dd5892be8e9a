// `upkeep doctor`: what is wrong with each install, and with its source and token.
import { unlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliWith } from "../../helpers/cli.js";
import { machineWorld as world } from "../../helpers/machine.js";

describe("upkeep doctor", () => {
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
});
