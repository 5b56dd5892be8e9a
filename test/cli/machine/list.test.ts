// `upkeep list`: the apps found in the standard receipt places.
import { unlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { machineWorld as world } from "../../helpers/machine.js";

describe("upkeep list", () => {
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
});
