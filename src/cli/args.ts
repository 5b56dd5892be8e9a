// Over 200 lines: the one flag table and the one parser of both front doors, which must not drift apart.
// `<app>-update` and `upkeep <command>` share them, with our own wording (and a "did you mean") for every
// mistake. The help texts are rendered from the table (help.ts).
import { checkApp } from "../config.js";
import { closest } from "../core/suggest.js";
import { parseTimeout } from "../core/timeout.js";
import { versionFromArgument } from "../core/version.js";
import { UpdaterError } from "../errors.js";
import type { UpdateRequest } from "../types.js";

/** The commands of `upkeep` under its own name. */
export const COMMANDS = ["list", "check", "update", "doctor", "uninstall"] as const;
export type Command = (typeof COMMANDS)[number];

/** One flag: its long name, short letter, value, help line, and where it is accepted. */
export interface Flag {
  name: string;
  short?: string;
  /** The value's placeholder; absent for a switch. */
  value?: string;
  help: string;
  /** Accepted by `<app>-update`. */
  app: boolean;
  /** The `upkeep` commands that accept it (none: not a flag of `upkeep`). */
  commands: readonly Command[];
  /** May be given several times (its values are kept in order). */
  repeat?: boolean;
}

const ALL = COMMANDS;
const SELECT = ["check", "update"] as const;
const NETWORK = ["check", "update", "doctor"] as const;

/** The flag table of both front doors (README "For scripts" has the same table). */
export const FLAGS: readonly Flag[] = [
  { name: "tag", value: "TAG", app: true, commands: SELECT, help: "Install the release with this tag instead of the latest" },
  { name: "version", value: "VERSION", app: true, commands: SELECT, help: "Install this version instead of the latest (downgrades allowed)" },
  { name: "prerelease", app: true, commands: SELECT, help: "Allow prereleases when looking for the latest release" },
  { name: "check", app: true, commands: [], help: "Only check: exit 100 if an update is available, 0 if not" },
  {
    name: "notify",
    app: true,
    commands: [],
    help: "For apps at start-up: one line on stderr when a newer version is out, at most daily; exits 0",
  },
  { name: "dry-run", app: true, commands: ["update", "uninstall"], help: "Show what would be installed; download and change nothing" },
  { name: "force", app: true, commands: SELECT, help: "Reinstall even when already up to date" },
  { name: "uninstall", app: true, commands: [], help: "Remove the app as its receipt lists it (with --dry-run: only list it)" },
  { name: "all", app: false, commands: ["list", "check", "update", "doctor"], help: "Every app found by `upkeep list` (the default when no APP is named)" },
  { name: "json", app: true, commands: ALL, help: "Print one JSON document with the result on stdout" },
  { name: "quiet", short: "q", app: true, commands: ALL, help: "Print only errors and a successful update" },
  { name: "verbose", short: "v", app: true, commands: ALL, help: "Print each request and step" },
  { name: "token", value: "TOKEN", app: true, commands: NETWORK, help: "GitHub token (else AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN, GITHUB_TOKEN)" },
  { name: "timeout", value: "SECONDS", app: true, commands: NETWORK, help: "Network timeout per request (default 30, or UPKEEP_TIMEOUT)" },
  { name: "source", value: "URL|DIR", app: true, commands: NETWORK, help: "Update from this mirror (else <APP>_UPKEEP_SOURCE, UPKEEP_SOURCE, the receipt)" },
  {
    name: "public-key",
    value: "KEY",
    app: true,
    commands: SELECT,
    repeat: true,
    help: "Run only installers signed by this minisign key (repeatable; else <APP>_UPKEEP_PUBLIC_KEY, the receipt, the trust file)",
  },
  { name: "allow-legacy-signature", app: true, commands: SELECT, help: "Accept legacy (not prehashed) minisign signatures" },
  { name: "jitter", value: "SECONDS", app: true, commands: SELECT, help: "First wait a random time up to this long (for fleets run from cron)" },
  { name: "updater-version", short: "V", app: true, commands: ALL, help: "Print upkeep's own version" },
  { name: "help", short: "h", app: true, commands: ALL, help: "Print help" },
];

/** What both command lines share. */
export interface CommonArgs {
  help: boolean;
  updaterVersion: boolean;
  request: UpdateRequest;
  dryRun: boolean;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  force: boolean;
  token?: string | undefined;
  timeoutSeconds?: number | undefined;
  /** A mirror to update from (URL or directory). */
  source?: string | undefined;
  /** Wait a random 0..jitter seconds first, so a fleet does not hit the source at once. */
  jitterSeconds?: number | undefined;
  /** Minisign public keys to pin for this run (`--public-key`, in order). */
  publicKeys?: string[] | undefined;
  allowLegacySignature: boolean;
}

/** Everything the `<app>-update` command line asked for. */
export interface CliArgs extends CommonArgs {
  check: boolean;
  /** `--notify`: the update notice for an app's start-up, nothing else. */
  notify: boolean;
  /** `--uninstall`: remove the app instead of updating it. */
  uninstall: boolean;
}

/** The flags `--notify` may be given with (the rest choose or do what a notice never does). */
const WITH_NOTIFY = new Set(["notify", "token", "source"]);

/** Everything the `upkeep` command line asked for (`command` is undefined only with --help or -V). */
export interface MachineArgs extends CommonArgs {
  command: Command | undefined;
  /** The apps named, in order, without repeats. */
  apps: string[];
  all: boolean;
}

type Mode = "app" | "machine";
type Values = Record<string, string | true | string[]>;

const HINT: Record<Mode, string> = { app: "Run with --help to see the options.", machine: "Run upkeep --help to see the commands and options." };
const usage = (mode: Mode, message: string, hint = HINT[mode]): UpdaterError => new UpdaterError("USAGE", message, { hint });

/**
 * Parses `<app>-update`'s arguments. A leading `update` is accepted and ignored so that `app update …`
 * can be dispatched git/cargo-style to `app-update update …`.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values, positionals } = tokenize(argv, "app");
  const extra = positionals[0] === "update" ? positionals.slice(1) : positionals;
  const head = { help: values.help === true, updaterVersion: values["updater-version"] === true };
  if (head.help || head.updaterVersion) return { ...head, ...defaults(), check: false, notify: false, uninstall: false };
  if (extra.length > 0) throw usage("app", `unexpected argument '${extra[0]}'`);
  if (values.version === true) {
    throw usage("app", "--version needs a value: the version to install, such as 1.2.3", "To print upkeep's own version, use -V (--updater-version).");
  }
  if (values.check && values["dry-run"]) throw usage("app", "--check and --dry-run cannot be used together");
  const other = values.notify ? Object.keys(values).find((name) => !WITH_NOTIFY.has(name)) : undefined;
  if (other !== undefined) throw usage("app", `--notify cannot be used with --${other} (it takes only --token and --source)`);
  if (values.uninstall) {
    // Only the switches that mean something when removing: the rest pick or fetch a release.
    const other = Object.keys(values).find((n) => !["uninstall", "dry-run", "json", "quiet", "verbose"].includes(n));
    if (other) throw usage("app", `--uninstall cannot be used with --${other}`);
  }
  return { ...common(values, "app"), check: values.check === true, notify: values.notify === true, uninstall: values.uninstall === true };
}

/** Parses the arguments of `upkeep <command> [--all | APP…] [OPTIONS]`. */
export function parseMachineArgs(argv: readonly string[]): MachineArgs {
  const { values, positionals } = tokenize(argv, "machine");
  const [first, ...named] = positionals;
  const help = values.help === true;
  // `upkeep --version` with no command is upkeep's own version, as for most programs; -V always is.
  const updaterVersion = values["updater-version"] === true || (values.version === true && first === undefined);
  if (help || updaterVersion) return { help, updaterVersion, ...defaults(), command: undefined, apps: [], all: false };
  if (first === undefined) throw usage("machine", "name a command: list, check, update, doctor or uninstall");
  const command = COMMANDS.find((c) => c === first);
  if (!command) {
    const guess = closest(first, COMMANDS);
    throw usage(
      "machine",
      `unknown command '${first}'${guess ? ` (did you mean '${guess}'?)` : ""}; the commands are list, check, update, doctor and uninstall`,
    );
  }
  for (const name of Object.keys(values)) {
    const flag = FLAGS.find((f) => f.name === name);
    if (flag && !flag.commands.includes(command))
      throw usage("machine", `--${name} does not apply to 'upkeep ${command}' (only to: ${flag.commands.join(", ")})`);
  }
  if (values.version === true) {
    throw usage(
      "machine",
      `--version needs a value: the version to install, as in 'upkeep ${command} APP --version 1.2.3'`,
      "To print upkeep's own version, run upkeep -V.",
    );
  }
  const shared = common(values, "machine");
  const apps = [...new Set(named)];
  for (const app of apps) checkApp(app, "named on the command line");
  if (apps.length > 0 && values.all) throw usage("machine", "name apps or pass --all, not both");
  if (command === "uninstall" && apps.length === 0) throw usage("machine", "name the app to uninstall: upkeep uninstall APP (see upkeep list)");
  for (const name of ["version", "tag"] as const) {
    if (values[name] !== undefined && apps.length !== 1) {
      throw usage(
        "machine",
        `--${name} picks a release of one app: name exactly one APP (upkeep ${command} APP --${name} ${name === "tag" ? "v1.2.3" : "1.2.3"})`,
      );
    }
  }
  if (values["public-key"] !== undefined && apps.length !== 1) {
    throw usage("machine", `--public-key is one app's signing key: name exactly one APP (upkeep ${command} APP --public-key KEY)`);
  }
  return { ...shared, command, apps, all: values.all === true };
}

function defaults(): Omit<CommonArgs, "help" | "updaterVersion"> {
  return { request: { kind: "latest" }, dryRun: false, json: false, quiet: false, verbose: false, force: false, allowLegacySignature: false };
}

// The checks both command lines share, with the flag named in each message.
function common(values: Values, mode: Mode): CommonArgs {
  const text = (name: string): string | undefined => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const [tag, version] = [text("tag"), text("version")];
  // axoupdater's wording, kept for scripts that match on it.
  if (tag !== undefined && version !== undefined) throw usage(mode, "Both `tag` and `version` are specified; these options are mutually exclusive!");
  if (values.quiet && values.verbose) throw usage(mode, "--quiet and --verbose cannot be used together");

  let request: UpdateRequest = values.prerelease ? { kind: "prerelease" } : { kind: "latest" };
  if (tag !== undefined) {
    if (tag.trim() === "") throw usage(mode, "--tag needs a non-empty tag");
    request = { kind: "tag", tag };
  } else if (version !== undefined) {
    const v = versionFromArgument(version);
    if (v === undefined) throw usage(mode, `--version "${version}" is not a semantic version such as 1.2.3`);
    request = { kind: "version", version: v };
  }
  let timeoutSeconds: number | undefined;
  const timeout = text("timeout");
  if (timeout !== undefined) {
    timeoutSeconds = parseTimeout(timeout);
    if (timeoutSeconds === undefined) throw usage(mode, `--timeout "${timeout}" is not a number of seconds between 0.1 and 3600`);
  }
  const token = text("token");
  if (token === "") throw usage(mode, "--token needs a value");
  const publicKeys = Array.isArray(values["public-key"]) ? values["public-key"] : undefined;
  if (publicKeys?.some((k) => k.trim() === "")) throw usage(mode, "--public-key needs a value: the base64 line of the app's minisign .pub file");
  const source = text("source");
  if (source !== undefined && source.trim() === "") throw usage(mode, "--source needs a URL or directory");
  let jitterSeconds: number | undefined;
  const jitter = text("jitter");
  if (jitter !== undefined) {
    jitterSeconds = /^\d+(\.\d+)?$/.test(jitter) ? Number(jitter) : NaN;
    if (!(jitterSeconds >= 0 && jitterSeconds <= 86400)) throw usage(mode, `--jitter "${jitter}" is not a number of seconds between 0 and 86400`);
  }
  return {
    help: false,
    updaterVersion: false,
    request,
    dryRun: values["dry-run"] === true,
    json: values.json === true,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    force: values.force === true,
    token,
    timeoutSeconds,
    source,
    jitterSeconds,
    publicKeys,
    allowLegacySignature: values["allow-legacy-signature"] === true,
  };
}

// Splits the arguments into flags (by the table, for this front door) and positionals. `--version` without a
// value is kept as `true`: upkeep's own version for `upkeep` with no command, a usage error otherwise.
function tokenize(argv: readonly string[], mode: Mode): { values: Values; positionals: string[] } {
  const known = FLAGS.filter((f) => (mode === "app" ? f.app : f.commands.length > 0));
  const values: Values = {};
  const positionals: string[] = [];
  const set = (flag: Flag, value: string | true): void => {
    const before = values[flag.name];
    if (flag.repeat && typeof value === "string") {
      values[flag.name] = [...(Array.isArray(before) ? before : []), value];
      return;
    }
    if (flag.value && before !== undefined) throw usage(mode, `--${flag.name} is given more than once`);
    values[flag.name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const flag = known.find((f) => f.name === name);
      if (!flag) throw unknownOption(mode, `--${name}`, name, known);
      if (!flag.value) {
        if (eq >= 0) throw usage(mode, `--${name} takes no value`);
        set(flag, true);
      } else if (eq >= 0) {
        set(flag, arg.slice(eq + 1));
      } else {
        const next = argv[i + 1];
        if (next !== undefined && !(next.startsWith("-") && next !== "-")) {
          set(flag, next);
          i++;
        } else if (name === "version") {
          set(flag, true);
        } else {
          throw usage(mode, `--${name} needs a value (${flag.value})${next === undefined ? "" : `; to pass one starting with '-', write --${name}=${next}`}`);
        }
      }
    } else if (arg.startsWith("-") && arg !== "-") {
      const flags = [...arg.slice(1)].map((letter) => ({ letter, flag: known.find((f) => f.short === letter) }));
      const bad = flags.find((f) => !f.flag);
      if (bad)
        throw unknownOption(
          mode,
          arg.length > 2 &&
            closest(
              arg.slice(1),
              known.map((f) => f.name),
            )
            ? arg
            : `-${bad.letter}`,
          arg.slice(1),
          known,
        );
      for (const { flag } of flags) set(flag as Flag, true);
    } else {
      positionals.push(arg);
    }
  }
  return { values, positionals };
}

function unknownOption(mode: Mode, shown: string, name: string, known: readonly Flag[]): UpdaterError {
  if (mode === "machine" && name === "check") return usage(mode, "unknown option '--check': here checking is a command, 'upkeep check'");
  if (mode === "app" && name === "all") return usage(mode, "unknown option '--all': this updater updates one app; 'upkeep update --all' updates every app");
  const guess =
    name.length > 1
      ? closest(
          name,
          known.map((f) => f.name),
        )
      : undefined;
  return usage(mode, `unknown option '${shown}'${guess ? ` (did you mean '--${guess}'?)` : ""}`);
}
