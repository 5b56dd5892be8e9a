import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { machineWorld } from "../../helpers/machine.js";

describe("upkeep uninstall", () => {
  it("removes each named app, one line per item on stdout, and keeps the other app", async () => {
    const w = await machineWorld();
    const r = await w.upkeep(["uninstall", "axolotlsay"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`axolotlsay: removed ${path.join(w.a.bin, "axolotlsay")}\n`);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(`axolotlsay: Uninstalled axolotlsay 1.0.0 from ${w.a.prefix}.`);
    expect(existsSync(w.a.receiptPath)).toBe(false);
    expect(w.version("otherapp")).toBe("otherapp 4.0.0");
  });

  it("--dry-run --json: would_uninstall with the lists, nothing removed", async () => {
    const w = await machineWorld();
    const r = await w.upkeep(["uninstall", "otherapp", "--dry-run", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schema: "upkeep/1", command: "uninstall", ok: true, error: null });
    expect(doc.results[0]).toMatchObject({ app: "otherapp", result: "would_uninstall", old_version: "4.0.0", left: [] });
    expect(doc.results[0].removed.map((i: { kind: string }) => i.kind)).toEqual(["binary", "updater", "receipt"]);
    expect(existsSync(w.b.receiptPath)).toBe(true);
  });

  // [argv, message]
  const usage: [string[], string][] = [
    [["uninstall"], "name the app to uninstall"],
    [["uninstall", "--all"], "--all does not apply to 'upkeep uninstall'"],
    [["uninstall", "a", "--force"], "--force does not apply to 'upkeep uninstall'"],
  ];
  for (const [argv, message] of usage) {
    it(`${argv.join(" ")} → USAGE`, async () => {
      const w = await machineWorld();
      const r = await w.upkeep(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    });
  }
});
