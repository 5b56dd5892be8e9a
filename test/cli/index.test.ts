// The executable's name decides which command line runs: `upkeep` (machine-wide) or `<app>-update`.
import { describe, expect, it } from "vitest";
import { runCliWith } from "../helpers/cli.js";

const MACHINE = "Usage: upkeep <COMMAND>";
const APP = "Updates this app to a newer release";

describe("runCli: dispatch by name", () => {
  // [invoked as, platform, extra env, which help]
  const cases: [string, NodeJS.Platform, Record<string, string>, string][] = [
    ["/usr/local/bin/upkeep", "linux", {}, MACHINE],
    ["upkeep", "linux", {}, MACHINE],
    ["/opt/upkeep.exe", "linux", {}, MACHINE],
    ["/opt/upkeep.EXE", "linux", {}, APP],
    ["/opt/UPKEEP", "linux", {}, APP],
    ["/opt/UPKEEP.EXE", "win32", {}, MACHINE],
    ["/opt/Upkeep", "win32", {}, MACHINE],
    ["/home/u/.cargo/bin/axolotlsay-update", "linux", {}, APP],
    // AXOUPDATER_APP_NAME makes even `upkeep` that app's updater (set, even empty).
    ["/usr/local/bin/upkeep", "linux", { AXOUPDATER_APP_NAME: "axolotlsay" }, APP],
    ["/usr/local/bin/upkeep", "linux", { AXOUPDATER_APP_NAME: "" }, APP],
  ];
  for (const [invokedAs, platform, env, want] of cases) {
    it(`${invokedAs} on ${platform}${Object.keys(env).length ? ` with ${JSON.stringify(env)}` : ""} → ${want === MACHINE ? "upkeep" : "<app>-update"}`, async () => {
      const r = await runCliWith({ argv: ["--help"], env: { HOME: "/nonexistent", ...env }, invokedAs, platform });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(want);
      expect(r.stdout).not.toContain(want === MACHINE ? APP : MACHINE);
    });
  }
});
