// The `<app>-update` command line: its options, their checks, and its --help text.
import { parseArgs } from "node:util";
import { UpdaterError } from "../errors.js";
import type { UpdateRequest } from "../types.js";
import { parseTimeout } from "../core/timeout.js";
import { versionFromArgument } from "../core/version.js";

/** Everything the command line asked for. */
export interface CliArgs {
  help: boolean;
  updaterVersion: boolean;
  request: UpdateRequest;
  check: boolean;
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
}

const OPTIONS = {
  tag: { type: "string" },
  version: { type: "string" },
  prerelease: { type: "boolean" },
  check: { type: "boolean" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  token: { type: "string" },
  timeout: { type: "string" },
  force: { type: "boolean" },
  source: { type: "string" },
  jitter: { type: "string" },
  "updater-version": { type: "boolean", short: "V" },
  help: { type: "boolean", short: "h" },
} as const;

const usage = (message: string): UpdaterError =>
  new UpdaterError("USAGE", message, { hint: "Run with --help to see the options." });

/**
 * Parses the arguments after the program name. A leading `update` is accepted and ignored so that
 * `app update …` can be dispatched git/cargo-style to `app-update update …`.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage(describeParseError(error));
  }
  const { values, positionals } = parsed;
  const extra = positionals[0] === "update" ? positionals.slice(1) : positionals;
  if (extra.length > 0) throw usage(`unexpected argument '${extra[0]}'`);

  if (values.tag !== undefined && values.version !== undefined) {
    // axoupdater's wording, kept for scripts that match on it.
    throw usage("Both `tag` and `version` are specified; these options are mutually exclusive!");
  }
  if (values.check && values["dry-run"]) throw usage("--check and --dry-run cannot be used together");
  if (values.quiet && values.verbose) throw usage("--quiet and --verbose cannot be used together");

  let request: UpdateRequest = values.prerelease ? { kind: "prerelease" } : { kind: "latest" };
  if (values.tag !== undefined) {
    if (values.tag.trim() === "") throw usage("--tag needs a non-empty tag");
    request = { kind: "tag", tag: values.tag };
  } else if (values.version !== undefined) {
    const version = versionFromArgument(values.version);
    if (version === undefined) throw usage(`--version "${values.version}" is not a semantic version such as 1.2.3`);
    request = { kind: "version", version };
  }

  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = parseTimeout(values.timeout);
    if (timeoutSeconds === undefined) throw usage(`--timeout "${values.timeout}" is not a number of seconds between 0.1 and 3600`);
  }
  if (values.token !== undefined && values.token === "") throw usage("--token needs a value");
  if (values.source !== undefined && values.source.trim() === "") throw usage("--source needs a URL or directory");
  let jitterSeconds: number | undefined;
  if (values.jitter !== undefined) {
    jitterSeconds = /^\d+(\.\d+)?$/.test(values.jitter) ? Number(values.jitter) : NaN;
    if (!(jitterSeconds >= 0 && jitterSeconds <= 86400)) throw usage(`--jitter "${values.jitter}" is not a number of seconds between 0 and 86400`);
  }

  return {
    help: values.help ?? false,
    updaterVersion: values["updater-version"] ?? false,
    request,
    check: values.check ?? false,
    dryRun: values["dry-run"] ?? false,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    verbose: values.verbose ?? false,
    force: values.force ?? false,
    token: values.token,
    timeoutSeconds,
    source: values.source,
    jitterSeconds,
  };
}

function describeParseError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const option = /'([^']+)'/.exec(e.message ?? "")?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${option ?? "?"}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return (e.message ?? "invalid option value").replace(/\.$/, "");
    default:
      return e.message ?? String(error);
  }
}

/** The `--help` text, with the program name as invoked. */
export function helpText(program: string, version: string): string {
  return `${program} ${version ? `(upkeep ${version})` : ""}
Updates this app to a newer release, the way its installer installed it.

Usage: ${program} [update] [OPTIONS]

Options:
      --tag <TAG>          Install the release with this tag instead of the latest
      --version <VERSION>  Install this version instead of the latest (downgrades allowed)
      --prerelease         Allow prereleases when looking for the latest release
      --check              Only check: exit 100 if an update is available, 0 if not
      --dry-run            Show what would be installed; download and change nothing
      --json               Print one JSON object with the result on stdout
  -q, --quiet              Print only errors and a successful update
  -v, --verbose            Print each request and step
      --token <TOKEN>      GitHub token (else AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN, GITHUB_TOKEN)
      --timeout <SECONDS>  Network timeout per request (default 30, or UPKEEP_TIMEOUT)
      --force              Reinstall even when already up to date
      --source <URL|DIR>   Update from this mirror (else <APP>_UPKEEP_SOURCE, UPKEEP_SOURCE, the receipt)
      --jitter <SECONDS>   First wait a random time up to this long (for fleets run from cron)
  -V, --updater-version    Print upkeep's own version
  -h, --help               Print help

Exit codes: 0 updated or up to date, 1 failed, 2 usage error, 100 update available (--check).
`;
}
