// The command line's first phase, for both front doors: which door, the arguments, and the answers that
// need no work (--help, -V and usage errors). It loads and touches nothing else (no streams it does not
// write, no signal handlers, no update code), so these answers start about as fast as a hello world.
import path from "node:path";
import { appNameOverridden, frontDoorEnv, secretsToRedact, type Host } from "../config.js";
import { redact } from "../core/redact.js";
import { VERSION } from "../version.js";
import { COMMANDS, parseCliArgs, parseMachineArgs, type CliArgs, type Command, type MachineArgs } from "./args.js";
import { helpText, machineHelp } from "./help.js";
import type { MachineOutput, Output } from "./output.js";
import { emptyOutcome, failOutcome, writeAppOutcome, writeMachineFailure } from "./report.js";

/** What the first phase reads of the host (`stderrIsTTY` only to print an error). */
export type FrontHost = Pick<Host, "argv" | "invokedAs" | "platform" | "env" | "home" | "cwd" | "stderrIsTTY">;

/** Arguments that ask for work, with the door they came through. */
export type Parsed = { door: "app"; args: CliArgs } | { door: "machine"; args: MachineArgs & { command: Command } };

/** The first phase's result: the exit status when it answered, else the work to do. */
export type Front = { done: number } | Parsed;

/** Answers --help, -V and usage errors of either door; otherwise returns the parsed arguments. */
export function front(host: FrontHost, out: Output): Front {
  return runsAsMachine(host) ? machineFront(host, out) : appFront(host, out);
}

/** True when the executable is `upkeep` under its own name (and AXOUPDATER_APP_NAME is not set). */
export function runsAsMachine(host: Pick<Host, "invokedAs" | "platform" | "env">): boolean {
  const program = path.basename(host.invokedAs);
  const stem = program.replace(host.platform === "win32" ? /\.exe$/i : /\.exe$/, "");
  return (host.platform === "win32" ? stem.toLowerCase() : stem) === "upkeep" && !appNameOverridden(host.env);
}

/**
 * `raw` with every secret in `secrets` hidden, longest first. The set may grow as apps become known (each
 * may have its own <APP>_GITHUB_TOKEN): everything `upkeep` prints passes through here.
 */
export function redactingOutput(raw: Output, secrets: ReadonlySet<string>): MachineOutput {
  const hide = (text: string): string =>
    redact(
      text,
      [...secrets].sort((a, b) => b.length - a.length),
    );
  return {
    stdout: (text) => raw.stdout(hide(text)),
    stderr: (text) => raw.stderr(hide(text)),
    // Strings redacted one by one: redacting the serialized text could match across JSON fields.
    json: (doc) => raw.stdout(`${JSON.stringify(doc, (_key, value: unknown) => (typeof value === "string" ? hide(value) : value))}\n`),
  };
}

// `<app>-update`: a bad command line is reported as the run's outcome, in text or as the --json document.
function appFront(host: FrontHost, out: Output): Front {
  let args: CliArgs;
  try {
    args = parseCliArgs(host.argv);
  } catch (caught) {
    // Known before the app is: a message about a bad argument must not print a token either.
    const secrets = secretsToRedact(undefined, undefined, host.env);
    const outcome = failOutcome(emptyOutcome(null), caught, secrets);
    const json = host.argv.includes("--json");
    // Asked only when an error is printed there: opening stderr costs start-up.
    const color = !json && host.stderrIsTTY && !frontDoorEnv(host).noColor;
    return { done: writeAppOutcome(out, outcome, { json, quiet: false, color, secrets }) };
  }
  if (args.help) {
    out.stdout(helpText(path.basename(host.invokedAs), VERSION));
    return { done: 0 };
  }
  if (args.updaterVersion) {
    out.stdout(`upkeep ${VERSION}\n`);
    return { done: 0 };
  }
  return { door: "app", args };
}

// `upkeep`: a bad command line fails the whole run; plain `upkeep` shows the help first, as git does.
function machineFront(host: FrontHost, raw: Output): Front {
  const out = redactingOutput(raw, new Set(secretsToRedact(undefined, undefined, host.env)));
  let args: MachineArgs;
  try {
    args = parseMachineArgs(host.argv);
  } catch (caught) {
    const command = COMMANDS.find((c) => host.argv.includes(c)) ?? null;
    const json = host.argv.includes("--json");
    if (!json && !host.argv.some((a) => !a.startsWith("-"))) out.stderr(machineHelp(VERSION));
    return { done: writeMachineFailure(out, json, command, caught) };
  }
  if (args.help) {
    out.stdout(machineHelp(VERSION));
    return { done: 0 };
  }
  if (args.updaterVersion || !args.command) {
    out.stdout(`upkeep ${VERSION}\n`);
    return { done: 0 };
  }
  return { door: "machine", args: { ...args, command: args.command } };
}
