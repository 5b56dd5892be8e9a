// `upkeep check` and `upkeep update`: every app in turn, one failure not stopping the others.
import { describe, expect, it } from "vitest";
import { machineWorld as world } from "../../helpers/machine.js";

describe("upkeep check / update", () => {
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
});
