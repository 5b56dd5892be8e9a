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

  // One parser for both names: [argv, <app>-update's (exit, stdout or error substring), upkeep's]
  const both: [string[], [number, string], [number, string]][] = [
    [["--version"], [2, "--version needs a value: the version to install"], [0, "upkeep 0.1.0\n"]],
    [["-V"], [0, "upkeep 0.1.0\n"], [0, "upkeep 0.1.0\n"]],
    [["--updater-version"], [0, "upkeep 0.1.0\n"], [0, "upkeep 0.1.0\n"]],
    [
      ["update", "--dry-rn"],
      [2, "unknown option '--dry-rn' (did you mean '--dry-run'?)"],
      [2, "unknown option '--dry-rn' (did you mean '--dry-run'?)"],
    ],
    [
      ["update", "--timeout", "1e3"],
      [2, '--timeout "1e3" is not a number of seconds between 0.1 and 3600'],
      [2, '--timeout "1e3" is not a number of seconds between 0.1 and 3600'],
    ],
    [
      ["update", "--tag", "v1", "--version", "1.0.0"],
      [2, "mutually exclusive"],
      [2, "mutually exclusive"],
    ],
    [
      ["update", "--tag"],
      [2, "--tag needs a value (TAG)"],
      [2, "--tag needs a value (TAG)"],
    ],
  ];
  for (const [argv, app, machine] of both) {
    it(`${argv.join(" ")}: the same parser under both names`, async () => {
      for (const [invokedAs, [code, want]] of [
        ["/h/.cargo/bin/axolotlsay-update", app],
        ["/usr/local/bin/upkeep", machine],
      ] as const) {
        const r = await runCliWith({ argv: [...argv, "--json"], env: { HOME: "/nonexistent" }, invokedAs });
        expect(r.code, invokedAs).toBe(code);
        if (code === 0) expect(r.stdout).toBe(want);
        else expect(r.json?.error, invokedAs).toMatchObject({ code: "USAGE", message: expect.stringContaining(want) });
        if (code === 0) continue;
        const text = await runCliWith({ argv, env: { HOME: "/nonexistent" }, invokedAs });
        expect(text.stderr, invokedAs).toContain(`error[USAGE]: `);
        expect(text.stderr, invokedAs).toContain(want);
      }
    });
  }
});
