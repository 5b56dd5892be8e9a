// Hostile-input rows: environment. How upkeep is started — from a deleted directory, under an odd name,
// with a bad or missing variable, as the machine-wide `upkeep` — and what its two front doors print.
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { runCliWith, type CliRun } from "../helpers/cli.js";
import { EXE, runJsonProcess, type World } from "../helpers/world.js";
import type { HostileRow } from "./row.js";

// A program started in a directory that is then deleted: `sh` enters it, removes it, and execs.
const fromDeletedDir = (w: World, program: string, argv: string[], env: Record<string, string> = {}): Promise<CliRun> => {
  const dir = path.join(w.root, "gone");
  mkdirSync(dir);
  const script = 'cd "$1" && rmdir "$1" && shift && exec "$@"';
  return runJsonProcess("sh", ["-c", script, "sh", dir, program, ...argv], { ...w.env, ...env }, { cwd: w.root });
};

// The machine-wide companion, in-process: the CLI dispatches on the name it was invoked by.
const machine = (w: World, argv: string[], env: Record<string, string> = w.env): Promise<CliRun> =>
  runCliWith({ argv, env, invokedAs: path.join(w.app.bin, "upkeep") });
// The table reads one outcome: the app's entry of `upkeep … --json`'s results.
const firstResult = (r: CliRun): CliRun => ({ ...r, json: r.json?.results?.[0] });

// An installer that prints every secret it was given (the tokens, the proxy password alone).
const chattyInstaller =
  'echo "tokens: $GITHUB_TOKEN ${AXOUPDATER_GITHUB_TOKEN:-none} $AXOLOTLSAY_GITHUB_TOKEN"; p="${HTTPS_PROXY#*proxyuser:}"; echo "proxy password: ${p%@*}" >&2';
// Without AXOUPDATER_GITHUB_TOKEN the app's own <APP>_GITHUB_TOKEN is the one used and given to the installer.
const withoutAxoToken = (w: World): Record<string, string> => {
  const { AXOUPDATER_GITHUB_TOKEN: _, ...env } = w.env;
  return env;
};

export const environmentRows: HostileRow[] = [
  {
    name: "finding 12: from a deleted working directory the real executable updates and prints its one JSON object",
    world: { updater: "link" },
    run: (w) => fromDeletedDir(w, w.updater, ["--json"]),
    exit: 0,
    code: null,
    result: "updated",
    check: (_w, r) => expect(r.stderr, "no human lines under --json").toBe(""),
  },
  {
    name: "finding 12: AXOUPDATER_CONFIG_WORKING_DIR with a deleted working directory is a clear RECEIPT_NOT_FOUND, in JSON",
    world: { updater: "link" },
    run: (w) => fromDeletedDir(w, w.updater, ["--json"], { AXOUPDATER_CONFIG_WORKING_DIR: "1" }),
    exit: 1,
    code: "RECEIPT_NOT_FOUND",
    message: "AXOUPDATER_CONFIG_WORKING_DIR is set, so the receipt is looked for in the current directory, but the current directory no longer exists",
  },
  {
    name: "finding 12: `upkeep check --json` (machine mode) from a deleted working directory prints its document",
    setup: (w) => symlinkSync(EXE, path.join(w.app.bin, "upkeep")),
    run: async (w) => firstResult(await fromDeletedDir(w, path.join(w.app.bin, "upkeep"), ["check", "--json"])),
    exit: 100,
    code: null,
    result: "update_available",
  },
  {
    name: 'finding 12: an updater named `-update` gets its own APP_NAME message (not "AXOUPDATER_APP_NAME is set but empty")',
    run: (w) => runCliWith({ argv: ["--json"], env: w.env, invokedAs: path.join(w.app.bin, "-update") }),
    exit: 2,
    code: "APP_NAME",
    message: 'this updater runs as "-update", which has no app name before "-update"',
  },
  {
    name: "finding 12: AXOUPDATER_APP_NAME set but empty keeps its own APP_NAME message",
    run: (w) => w.run(["--json"], { AXOUPDATER_APP_NAME: "" }),
    exit: 2,
    code: "APP_NAME",
    message: "AXOUPDATER_APP_NAME is set but empty",
  },
  {
    name: "finding 12: a failed --json result keeps the warnings gathered before the failure (NO_CHECKSUM and UNSIGNED, then INSTALLER_FAILED)",
    world: { release: { installerDigest: null, beforeReceipt: "echo disk full >&2; exit 3" } },
    exit: 1,
    code: "INSTALLER_FAILED",
    message: "exited with status 3",
    check: (_w, r) => {
      expect(r.json?.warnings).toEqual([expect.objectContaining({ code: "NO_CHECKSUM" }), expect.objectContaining({ code: "UNSIGNED" })]);
      expect(r.json?.error.restored?.length, "rolled back").toBeGreaterThan(0);
    },
  },
  {
    name: "finding 12: under --json the installer's lines never reach stderr (no human lines)",
    world: { release: { prelude: chattyInstaller } },
    exit: 0,
    code: null,
    result: "updated",
    check: (_w, r) => expect(r.stderr).toBe(""),
  },
  {
    name: "finding 8: `upkeep update` (machine mode) redacts the installer's output: <APP>_GITHUB_TOKEN and the proxy password",
    world: { release: { prelude: chattyInstaller } },
    run: (w) => machine(w, ["update", "axolotlsay"], withoutAxoToken(w)),
    exit: 0,
    code: null,
    check: (_w, r) => {
      expect(r.stdout, "results on stdout").toContain("axolotlsay: New release 2.0.0 installed!");
      expect(r.stderr, "the installer's output is shown, redacted").toContain("tokens: *** none ***");
      expect(r.stderr).toContain("proxy password: ***");
    },
  },
  {
    name: "finding 8: `upkeep update --json` redacts every message (an installer failure quoting the token) and prints no installer lines",
    world: { release: { prelude: `${chattyInstaller}; echo "failed with $AXOLOTLSAY_GITHUB_TOKEN" >&2; exit 4` } },
    run: async (w) => firstResult(await machine(w, ["update", "axolotlsay", "--json"], withoutAxoToken(w))),
    exit: 1,
    code: "INSTALLER_FAILED",
    message: "failed with ***",
    check: (_w, r) => {
      expect(r.stderr, "no installer lines on stderr under --json").toBe("");
      expect(r.json?.error.message).toContain("proxy password: ***");
    },
  },
  {
    name: "finding 8: `upkeep update --verbose` (machine mode) shows no secret in any line",
    world: { release: { prelude: chattyInstaller } },
    run: (w) => machine(w, ["update", "--verbose"], withoutAxoToken(w)),
    exit: 0,
    code: null,
    check: (_w, r) => expect(r.stdout).toContain("axolotlsay: New release 2.0.0 installed!"),
  },
  {
    name: "environment: a bad UPKEEP_TIMEOUT is USAGE (exit 2) naming the variable, nothing downloaded",
    run: (w) => w.run(["--json"], { UPKEEP_TIMEOUT: "soon" }),
    exit: 2,
    code: "USAGE",
    message: 'UPKEEP_TIMEOUT="soon" is not a number of seconds',
    check: (w) => expect(w.gh.log).toEqual([]),
  },
  {
    name: "environment: HOME unset is RECEIPT_NOT_FOUND saying there is nowhere to look",
    run: (w) => {
      const { HOME: _, ...env } = w.env;
      return runCliWith({ argv: ["--json"], env, invokedAs: w.updater });
    },
    exit: 1,
    code: "RECEIPT_NOT_FOUND",
    message: "no home directory is set, so there is nowhere to look",
  },
  {
    name: "environment: a bad UPKEEP_LOCK_WAIT is USAGE (exit 2), in JSON",
    run: (w) => w.run(["--json"], { UPKEEP_LOCK_WAIT: "-1" }),
    exit: 2,
    code: "USAGE",
    message: 'UPKEEP_LOCK_WAIT="-1" is not a number of seconds',
  },
];
