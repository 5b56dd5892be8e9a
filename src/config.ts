// Over 200 lines: the one module that reads the environment (test/structure.test.ts), so every variable is read here.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { appNameFromPath, appNameProblem } from "./core/app-name.js";
import { DISABLED_VAR } from "./core/disabled.js";
import { appEnvVar } from "./core/env-name.js";
import { DEFAULT_API_BASE, githubApiBase, githubBaseVars } from "./core/github.js";
import { mirrorSourceProblem } from "./core/mirror.js";
import type { NoticeVars } from "./core/notice.js";
import { parsePublicKeys, type PublicKey } from "./core/minisign.js";
import { trustFilePath, userCacheDir } from "./core/paths.js";
import { receiptCandidates, receiptRoots, type ReceiptVars } from "./core/receipt-paths.js";
import { isTimeoutSeconds, parseTimeout } from "./core/timeout.js";
import { strictVersion } from "./core/version.js";
import { UpdaterError } from "./errors.js";
import type { Platform, UpdateRequest } from "./types.js";
import { VERSION } from "./version.js";

/** Environment variables, as a plain snapshot (never `process.env` itself). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What the process was started with. {@link readHost} is the only code in upkeep that reads `process`
 * for these; everything else receives them as values, so tests pass their own.
 */
export interface Host {
  env: Env;
  platform: Platform;
  home: string | undefined;
  /** The working directory; when it was deleted, HOME (or `/`) instead, and `cwdMissing` is set. */
  cwd: string;
  /** The process's working directory no longer exists (`cwd` is a fallback). */
  cwdMissing?: boolean;
  tmpDir: string;
  /** The path or name the executable was invoked by (a symlink keeps its own name). */
  invokedAs: string;
  /** User arguments (after the program name). */
  argv: string[];
  stderrIsTTY: boolean;
  /** upkeep's cache directory (locks, journals, HTTP cache), by env-paths' rules ({@link userCacheDir}). */
  cacheDir: string;
  /** Aborted on SIGINT/SIGTERM (set by the entry point). */
  signal?: AbortSignal | undefined;
  /** Random numbers in [0, 1) for --jitter (replaceable in tests). */
  random?: () => number;
}

/** Reads the real process once. Inside the single executable `argv[1]` is the name as typed. */
export function readHost(): Host {
  const sea = isSingleExecutable();
  const home = safeHomedir();
  const cwd = currentDir();
  return {
    env: { ...process.env },
    platform: process.platform,
    home,
    // A deleted working directory must not matter to an update (only AXOUPDATER_CONFIG_WORKING_DIR needs it).
    cwd: cwd ?? (home && existsSync(home) ? home : "/"),
    ...(cwd === undefined ? { cwdMissing: true } : {}),
    tmpDir: os.tmpdir(),
    invokedAs: sea ? (process.argv[1] ?? process.execPath) : process.execPath,
    argv: process.argv.slice(2),
    // A getter: touching process.stderr loads the tty or net module, which --help and -V never need.
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
    cacheDir: userCacheDir({ localAppData: process.env.LOCALAPPDATA, xdgCacheHome: process.env.XDG_CACHE_HOME }, process.platform, home ?? os.tmpdir()),
  };
}

function isSingleExecutable(): boolean {
  try {
    // `node:sea` exists from Node 20.12; loaded lazily so the library also runs on older runtimes.
    const { getBuiltinModule } = process as unknown as { getBuiltinModule?: (id: string) => unknown };
    const sea = getBuiltinModule?.("node:sea") as { isSea?: () => boolean } | undefined;
    return sea?.isSea?.() === true;
  } catch {
    return false;
  }
}

function currentDir(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined; // ENOENT: the directory was deleted while we were in it
  }
}

function safeHomedir(): string | undefined {
  try {
    return os.homedir() || undefined;
  } catch {
    return undefined;
  }
}

/** Callbacks through which the library reports progress; all optional. */
export interface UpdaterHooks {
  /** A detail line for `--verbose` (secrets already removed). */
  verbose?(line: string): void;
  /** A chunk of the installer's stdout or stderr. */
  installerOutput?(text: string): void;
  /** Long steps starting, advancing and ending (for a progress display). */
  progress?(event: ProgressEvent): void;
}

/** What {@link UpdaterHooks.progress} reports. */
export type ProgressEvent =
  | { step: "download"; name: string; received: number; total: number | undefined }
  | { step: "install"; name: string }
  | { step: "done" };

/** Options of the library calls (`checkForUpdate`, `update`, `loadReceipt`). */
export interface UpdaterOptions {
  /** The app to update; default: from this executable's name, as `<app>-update`. */
  app?: string;
  /** Which release; default the latest stable one. */
  request?: UpdateRequest;
  /** Reinstall even when not newer. */
  force?: boolean;
  /** Resolve everything but download and run nothing. */
  dryRun?: boolean;
  /** GitHub token; default from AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN, GITHUB_TOKEN. */
  token?: string;
  /** Per-request network timeout; default UPKEEP_TIMEOUT or 30. */
  timeoutSeconds?: number;
  /** Path of the updater executable to check against the receipt's prefix; no check when omitted. */
  executablePath?: string;
  /** Environment to use instead of `process.env` (also the base of the installer's environment). */
  env?: Env;
  /** Platform to act for; default the running one. */
  platform?: Platform;
  /** Working directory (for AXOUPDATER_CONFIG_WORKING_DIR); default the process's. */
  cwd?: string;
  /** Callbacks for detail lines, the installer's output and progress. */
  hooks?: UpdaterHooks;
  /** Attempts per request on network errors, 5xx and 429 (default 3). */
  attempts?: number;
  /** upkeep's cache (update locks, journals, HTTP cache); default upkeep's user cache directory. */
  cacheDir?: string;
  /** A static mirror to use instead of the receipt's source (URL or directory). */
  source?: string;
  /** Aborting it stops the update; a running installer is stopped and the previous version restored. */
  signal?: AbortSignal;
  /**
   * The app's minisign public keys (base64 key lines) to pin for this run, ahead of
   * `<APP>_UPKEEP_PUBLIC_KEY`, the receipt and the trust file: the installer then runs only when one of
   * them signed it (or a `sha256.sum` listing it) for the version being installed.
   */
  publicKeys?: string[];
  /** Accept legacy (not prehashed, `Ed`) minisign signatures; default `<APP>_UPKEEP_ALLOW_LEGACY_SIGNATURE=1`. */
  allowLegacySignature?: boolean;
}

/** Keys given for one run (`--public-key`, `<APP>_UPKEEP_PUBLIC_KEY`), parsed. */
export interface GivenKeys {
  keys: PublicKey[];
  source: "option" | "env";
  /** `--public-key` or the variable's name, for messages and `--json`. */
  from: string;
}

/** Settings of one run, fully resolved. Passed down; nothing below re-reads the environment. */
export interface Config {
  app: string;
  platform: Platform;
  /**
   * The environment as given: the base of the installer's environment and of the new binaries' checks,
   * the only raw environment passed down. Nothing below reads a variable of it; those are read here.
   */
  env: Env;
  /** The variables that steer the receipt search (AXOUPDATER_CONFIG_*, XDG_CONFIG_HOME, LOCALAPPDATA). */
  receiptVars: ReceiptVars;
  /** PATH (Path), to tell whether an updated binary is shadowed by another copy earlier on it. */
  searchPath: string | undefined;
  /**
   * The GitHub API root for {@link Config.app} (`<APP>_INSTALLER_GHE_BASE_URL`, `<APP>_INSTALLER_GITHUB_BASE_URL`),
   * judged once by {@link resolveConfig} (USAGE when bad or both set); api.github.com, unjudged, when a
   * mirror is chosen for the run. A function: Windows may respell the app from its receipt.
   */
  githubApiBase(): string;
  home: string | undefined;
  cwd: string;
  tmpDir: string;
  request: UpdateRequest;
  force: boolean;
  dryRun: boolean;
  token: { value: string; from: string } | undefined;
  timeoutMs: number;
  attempts: number;
  userAgent: string;
  proxy: { http: string; https: string; noProxy: string };
  /** Extra CA certificate files (PEM) to trust: UPKEEP_CA_FILE, NODE_EXTRA_CA_CERTS. */
  caFiles: string[];
  installerPath: string | undefined;
  executablePath: string | undefined;
  hooks: UpdaterHooks;
  cacheDir: string;
  /** Mirror chosen for this run: --source, <APP>_UPKEEP_SOURCE, UPKEEP_SOURCE (first set wins). */
  source: string | undefined;
  lockWaitMs: number;
  signal: AbortSignal | undefined;
  /** Keys pinned for this run by the option or `<APP>_UPKEEP_PUBLIC_KEY`; else the receipt's or the trust file's count. */
  givenKeys: GivenKeys | undefined;
  allowLegacySignature: boolean;
  /** The app's trust file of pinned keys (it may not exist); undefined when there is no home to put it in. */
  trustFile: string | undefined;
  /** UPKEEP_DISABLED, when set and not empty: updates are switched off, its text the packager's message. */
  disabledVar: string | undefined;
  /** Windows: reg.exe, from `%SystemRoot%\System32` (never the working directory's); edits the user's Path on uninstall. */
  regExe: string;
  /** Windows: cmd.exe, from `%SystemRoot%\System32` (never the working directory's); deletes a renamed-aside updater on uninstall. */
  cmdExe: string;
}

/** How {@link resolveConfig} treats the GitHub base-URL variables. */
export interface ResolveMode {
  /**
   * `now` (the default): judged here, so a bad base is USAGE before any I/O (unless a mirror is chosen for
   * the run: then they are not judged at all). `when-used`: judged by `githubApiBase()` only, for callers
   * that report a bad base as one finding among others (`upkeep list` and `doctor`).
   */
  githubBase?: "now" | "when-used";
}

/**
 * Turns options plus the host into a {@link Config}, validating every setting up front: each bad value is
 * APP_NAME or USAGE naming the value (or, for a token, where it came from), before anything is read or sent.
 */
export function resolveConfig(options: UpdaterOptions, host: Host = readHost(), mode: ResolveMode = {}): Config {
  const env = options.env ?? host.env;
  if (options.cwd === undefined) checkWorkingDir(env, host);
  const platform = options.platform ?? host.platform;
  if (options.app !== undefined) checkApp(options.app, "the app option");
  const app = options.app ?? appFromHost(host.invokedAs, platform, env);
  const home = options.env ? (platform === "win32" ? env.USERPROFILE : env.HOME) : host.home;
  const tmpDir = (platform === "win32" ? env.TEMP || env.TMP : env.TMPDIR) || host.tmpDir;

  const { timeoutSeconds, attempts, lockWaitMs } = sharedSettings(options, env);
  const source = pickSource(app, options.source, env, platform);
  const token = pickToken(app, options.token, env);
  const givenKeys = pickKeys(app, options.publicKeys, env);
  const allowLegacySignature = options.allowLegacySignature ?? legacyAllowed(app, env);
  // Resolved once. A mirror chosen for the run talks to no GitHub: the variables are not judged, and the
  // API origin is only the (unused) default. A receipt naming a mirror is known only once it is read, so
  // the variables are judged then too: a bad one is refused up front rather than after the receipt.
  const apiBaseFor = (name: string): string => {
    const vars = githubBaseVars(name);
    return githubApiBase(name, env[vars.ghe], env[vars.gh]);
  };
  const apiBase = source ? DEFAULT_API_BASE : mode.githubBase === "when-used" ? undefined : apiBaseFor(app);

  const config: Config = {
    app,
    platform,
    env,
    receiptVars: receiptVars(env),
    searchPath: env.PATH ?? env.Path,
    // Judged again only for the receipt's own spelling of the name (Windows), or when the mode deferred it.
    githubApiBase: () => (source ? DEFAULT_API_BASE : apiBase !== undefined && config.app === app ? apiBase : apiBaseFor(config.app)),
    home,
    cwd: options.cwd ?? host.cwd,
    tmpDir,
    request: options.request ?? { kind: "latest" },
    force: options.force ?? false,
    dryRun: options.dryRun ?? false,
    token,
    timeoutMs: Math.round((timeoutSeconds ?? 30) * 1000),
    attempts,
    userAgent: `upkeep/${VERSION}`,
    proxy: {
      // Lower case first, as curl and undici do; ALL_PROXY as reqwest (axoupdater) honours it.
      http: env.http_proxy || env.HTTP_PROXY || env.all_proxy || env.ALL_PROXY || "",
      https: env.https_proxy || env.HTTPS_PROXY || env.all_proxy || env.ALL_PROXY || "",
      noProxy: env.no_proxy || env.NO_PROXY || "",
    },
    caFiles: [env.UPKEEP_CA_FILE, env.NODE_EXTRA_CA_CERTS].filter((f): f is string => Boolean(f)),
    installerPath: env.AXOUPDATER_INSTALLER_PATH || undefined,
    executablePath: options.executablePath,
    hooks: options.hooks ?? {},
    cacheDir:
      options.cacheDir ??
      (options.env
        ? userCacheDir({ localAppData: env.LOCALAPPDATA, xdgCacheHome: env.XDG_CACHE_HOME }, platform, home ?? cwdFallback(options, host))
        : host.cacheDir),
    source,
    lockWaitMs,
    signal: options.signal,
    givenKeys,
    allowLegacySignature,
    trustFile: home === undefined ? undefined : trustFilePath({ xdgConfigHome: env.XDG_CONFIG_HOME, localAppData: env.LOCALAPPDATA }, platform, home, app),
    // Empty counts as unset, as for the other variables (a wrapper's `UPKEEP_DISABLED=` turns nothing off).
    disabledVar: env[DISABLED_VAR] || undefined,
    regExe: path.win32.join(systemDir(env), "reg.exe"),
    cmdExe: path.win32.join(systemDir(env), "cmd.exe"),
  };
  return config;
}

// The settings that are no one app's: timeout, attempts, request, UPKEEP_LOCK_WAIT (USAGE when bad).
function sharedSettings(options: UpdaterOptions, env: Env): { timeoutSeconds: number | undefined; attempts: number; lockWaitMs: number } {
  let timeoutSeconds = options.timeoutSeconds;
  if (timeoutSeconds !== undefined && !isTimeoutSeconds(timeoutSeconds)) {
    throw new UpdaterError("USAGE", `timeoutSeconds ${String(timeoutSeconds)} is not a number of seconds between 0.1 and 3600.`);
  }
  if (timeoutSeconds === undefined && env.UPKEEP_TIMEOUT !== undefined && env.UPKEEP_TIMEOUT !== "") {
    timeoutSeconds = parseTimeout(env.UPKEEP_TIMEOUT);
    if (timeoutSeconds === undefined) {
      throw new UpdaterError("USAGE", `UPKEEP_TIMEOUT="${env.UPKEEP_TIMEOUT}" is not a number of seconds between 0.1 and 3600.`);
    }
  }
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10)
    throw new UpdaterError("USAGE", `attempts ${String(attempts)} is not a whole number between 1 and 10.`);
  checkRequest(options.request);
  return { timeoutSeconds, attempts, lockWaitMs: Math.round(seconds(env, "UPKEEP_LOCK_WAIT", 10) * 1000) };
}

/**
 * Judges the settings of a run that are not any one app's, before its apps are known (`upkeep check` with
 * none found yet): those of {@link resolveConfig} less the app's own variables, plus the option's
 * source and token and UPKEEP_SOURCE. USAGE when one is bad.
 */
export function checkSharedSettings(options: UpdaterOptions, host: Host = readHost()): void {
  const env = options.env ?? host.env;
  const platform = options.platform ?? host.platform;
  sharedSettings(options, env);
  if (options.source !== undefined) pickSource("", options.source, {}, platform);
  else pickSource("", undefined, { UPKEEP_SOURCE: env.UPKEEP_SOURCE }, platform);
  if (options.token !== undefined) pickToken("", options.token, {});
  if (options.publicKeys?.length) pickKeys("", options.publicKeys, {});
}

/** The receipt search's variables, as axoupdater reads them (an override counts as set even when empty). */
export function receiptVars(env: Env): ReceiptVars {
  return {
    workingDir: env.AXOUPDATER_CONFIG_WORKING_DIR !== undefined,
    configPath: env.AXOUPDATER_CONFIG_PATH,
    xdgConfigHome: env.XDG_CONFIG_HOME,
    localAppData: env.LOCALAPPDATA,
  };
}

/** What the front doors (src/cli/) need from the environment besides a {@link Config}. */
export interface FrontDoorEnv {
  /** AXOUPDATER_APP_NAME is set (even empty): under its own name upkeep is then that app's updater. */
  appNameSet: boolean;
  /** NO_COLOR is set to something: no colour, even on a terminal. */
  noColor: boolean;
  /** PATH, where an executable invoked by a bare name was found. */
  path: string | undefined;
  /** Where `upkeep list` looks for apps' receipts: `<root>/<app>/<app>-receipt.json`. */
  receiptRoots: string[];
  /**
   * AXOUPDATER_CONFIG_WORKING_DIR (the working directory) or AXOUPDATER_CONFIG_PATH (resolved against it):
   * the one directory of `<app>-receipt.json` files, searched instead of {@link FrontDoorEnv.receiptRoots}.
   */
  receiptDir: string | undefined;
}

/** Reads {@link FrontDoorEnv} from the host's environment. */
export function frontDoorEnv(host: Pick<Host, "env" | "platform" | "home" | "cwd">): FrontDoorEnv {
  const { env } = host;
  const vars = receiptVars(env);
  // The same directory the receipt search of each app uses (receiptCandidates), so list finds what update reads.
  const override = receiptCandidates({ app: "", vars, platform: host.platform, home: host.home, cwd: host.cwd }).find((c) => !c.standard);
  return {
    appNameSet: appNameOverridden(env),
    noColor: Boolean(env.NO_COLOR),
    path: env.PATH,
    receiptRoots: receiptRoots(vars, host.platform, host.home),
    receiptDir: override?.dir,
  };
}

/** AXOUPDATER_APP_NAME is set (even empty): under its own name upkeep is then that app's updater. */
export function appNameOverridden(env: Env): boolean {
  return env.AXOUPDATER_APP_NAME !== undefined;
}

/** The variables that silence the update notice: `CI`, `NO_UPDATE_NOTIFIER`, `<APP>_NO_UPDATE_CHECK` (set: not empty). */
export function noticeVars(app: string, env: Env): NoticeVars {
  const name = appEnvVar(app, "NO_UPDATE_CHECK");
  return { ci: Boolean(env.CI), noUpdateNotifier: Boolean(env.NO_UPDATE_NOTIFIER), appOptOut: { name, set: Boolean(env[name]) } };
}

/** The `--notify` run's default budget, from the process's start (the issue's bound: at most 1.5 s). */
export const NOTIFY_DEADLINE_MS = 1500;

/**
 * The `--notify` run's budget in milliseconds: `UPKEEP_NOTIFY_DEADLINE_MS` (1 to 60000) for an app that
 * can wait longer or less, else {@link NOTIFY_DEADLINE_MS}. A value that is not such a number is ignored:
 * the notice never fails the app that spawned it.
 */
export function notifyDeadlineMs(env: Env): number {
  const raw = env.UPKEEP_NOTIFY_DEADLINE_MS?.trim() ?? "";
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  return n >= 1 && n <= 60_000 ? n : NOTIFY_DEADLINE_MS;
}

/** Windows' System32 directory, from `%SystemRoot%`: where upkeep's helper programs are run from, by full path. */
function systemDir(env: Env): string {
  return path.win32.join(env.SystemRoot || env.SYSTEMROOT || "C:\\Windows", "System32");
}

/** Where the update notice writes by default: the process's stderr (a terminal or not). */
export function defaultNoticeStream(): { write(text: string): unknown; isTTY?: boolean } {
  return process.stderr;
}

/** The secrets of the real process's environment, for the entry point's last-resort crash message. */
export function processSecrets(): string[] {
  return secretsToRedact(undefined, undefined, { ...process.env });
}

// With an explicit environment and no HOME, locks go under the working directory's .cache.
function cwdFallback(options: UpdaterOptions, host: Host): string {
  return options.cwd ?? host.cwd;
}

function seconds(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 3600) throw new UpdaterError("USAGE", `${name}="${text}" is not a number of seconds between 0 and 3600.`);
  return n;
}

/**
 * The GitHub token and where it came from, first found of: `--token`, AXOUPDATER_GITHUB_TOKEN,
 * `<APP>_GITHUB_TOKEN`, GITHUB_TOKEN. Empty values count as unset.
 */
export function pickToken(app: string, explicit: string | undefined, env: Env): Config["token"] {
  if (explicit !== undefined) {
    if (explicit === "")
      throw new UpdaterError("USAGE", "The token is empty.", {
        hint: "Pass a GitHub token, or leave it out to use AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN or GITHUB_TOKEN.",
      });
    return checkToken({ value: explicit, from: "--token" });
  }
  for (const name of ["AXOUPDATER_GITHUB_TOKEN", appEnvVar(app, "GITHUB_TOKEN"), "GITHUB_TOKEN"]) {
    const value = env[name];
    if (value) return checkToken({ value, from: name });
  }
  return undefined;
}

// A token goes into an HTTP header: printable ASCII only. Its value is never named, only where it came from.
function checkToken(token: { value: string; from: string }): { value: string; from: string } {
  if (/^[\x21-\x7e]+$/.test(token.value)) return token;
  throw new UpdaterError("USAGE", `The GitHub token from ${token.from} contains spaces, line breaks or other characters no token has.`, {
    hint: `Set ${token.from} to the token alone (no quotes, spaces or newline).`,
  });
}

/**
 * The keys pinned for this run, first given of: the option (`--public-key`, repeatable) and
 * `<APP>_UPKEEP_PUBLIC_KEY` (keys separated by commas or whitespace). USAGE naming the bad one.
 */
export function pickKeys(app: string, explicit: readonly string[] | undefined, env: Env): GivenKeys | undefined {
  const name = appEnvVar(app, "UPKEEP_PUBLIC_KEY");
  const [source, from, values] =
    explicit !== undefined && explicit.length > 0
      ? (["option", "--public-key", explicit] as const)
      : env[name]?.trim()
        ? (["env", name, [env[name] as string]] as const)
        : [undefined, undefined, []];
  if (source === undefined) return undefined;
  const keys: PublicKey[] = [];
  for (const value of values) {
    const parsed = parsePublicKeys(value);
    if (!parsed.ok) {
      throw new UpdaterError("USAGE", `${from} "${value}" is not a minisign public key: it ${parsed.problem}.`, {
        hint: "Give the key line of the app's minisign .pub file (base64, starting with RW), as its authors publish it.",
      });
    }
    for (const key of parsed.value) if (!keys.some((k) => k.line === key.line)) keys.push(key);
  }
  return { keys, source, from };
}

// <APP>_UPKEEP_ALLOW_LEGACY_SIGNATURE: 1 allows legacy `Ed` signatures, 0 or empty does not, anything else is USAGE.
function legacyAllowed(app: string, env: Env): boolean {
  const name = appEnvVar(app, "UPKEEP_ALLOW_LEGACY_SIGNATURE");
  const value = env[name];
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new UpdaterError("USAGE", `${name}="${value}" is neither 1 (allow legacy minisign signatures) nor 0.`);
}

/** The mirror chosen for this run, first set of: the option, <APP>_UPKEEP_SOURCE, UPKEEP_SOURCE; USAGE if it is not one. */
export function pickSource(app: string, explicit: string | undefined, env: Env, platform: Platform): string | undefined {
  const name = appEnvVar(app, "UPKEEP_SOURCE");
  const [from, value] =
    explicit !== undefined
      ? ["the source", explicit]
      : env[name]
        ? [name, env[name]]
        : env.UPKEEP_SOURCE
          ? ["UPKEEP_SOURCE", env.UPKEEP_SOURCE]
          : [undefined, undefined];
  if (from === undefined || value === undefined) return undefined;
  const problem = mirrorSourceProblem(value, platform);
  if (problem) {
    throw new UpdaterError("USAGE", `${from === "the source" ? "The source" : from} "${value}" is not a mirror: ${problem}.`, {
      hint: "A mirror is an http(s) URL or a directory (a path, or a file: URL).",
    });
  }
  return value;
}

/** USAGE unless `app` can be an app's name (`what` names where it came from). */
export function checkApp(app: string, what: string): void {
  const problem = appNameProblem(app);
  if (problem) throw new UpdaterError("USAGE", `"${app}" (${what}) is not an app name: ${problem}.`);
}

function checkRequest(request: UpdateRequest | undefined): void {
  if (request?.kind === "version" && strictVersion(request.version) === undefined) {
    throw new UpdaterError("USAGE", `The version "${request.version}" is not a semantic version such as 1.2.3.`);
  }
  if (request?.kind === "tag" && request.tag.trim() === "") throw new UpdaterError("USAGE", "The tag is empty.");
}

/**
 * Refuses to look for the receipt in a working directory that was deleted (AXOUPDATER_CONFIG_WORKING_DIR,
 * or a relative AXOUPDATER_CONFIG_PATH): the fallback directory would be searched instead, silently.
 */
export function checkWorkingDir(env: Env, host: Pick<Host, "cwdMissing" | "platform">): void {
  if (!host.cwdMissing) return;
  const configPath = env.AXOUPDATER_CONFIG_PATH;
  const relative = configPath !== undefined && !(host.platform === "win32" ? path.win32 : path.posix).isAbsolute(configPath);
  const name = env.AXOUPDATER_CONFIG_WORKING_DIR !== undefined ? "AXOUPDATER_CONFIG_WORKING_DIR" : relative ? "AXOUPDATER_CONFIG_PATH" : undefined;
  if (!name) return;
  throw new UpdaterError(
    "RECEIPT_NOT_FOUND",
    `${name} is set, so the receipt is looked for ${name === "AXOUPDATER_CONFIG_PATH" ? `in "${configPath}" relative to` : "in"} the current directory, but the current directory no longer exists (it was deleted).`,
    { hint: `cd to the directory that holds the receipt and run the update again, or unset ${name}.` },
  );
}

/**
 * Every secret a front door must hide from what it prints (messages, installer output, JSON): the GitHub
 * tokens (`--token`, AXOUPDATER_GITHUB_TOKEN, `<APP>_GITHUB_TOKEN`, GITHUB_TOKEN) and the passwords in
 * proxy URLs (as written and percent-decoded). Longest first, so no secret is half-replaced by a shorter one.
 */
export function secretsToRedact(app: string | undefined, explicitToken: string | undefined, env: Env): string[] {
  const found = [explicitToken, env.AXOUPDATER_GITHUB_TOKEN, app ? env[appEnvVar(app, "GITHUB_TOKEN")] : undefined, env.GITHUB_TOKEN];
  for (const name of ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]) {
    // Unset ones skipped without a throw: this runs before --help is answered.
    const value = env[name];
    if (!value || !URL.canParse(value)) continue;
    try {
      const password = new URL(value).password;
      if (password) found.push(password, safeDecode(password));
    } catch {
      // not a URL
    }
  }
  return [...new Set(found.filter((s): s is string => Boolean(s)))].sort((a, b) => b.length - a.length);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The app name from the executable's file name, or APP_NAME explaining how to install it. */
export function appFromHost(invokedAs: string, platform: Platform, env: Env): string {
  const found = appNameFromPath(invokedAs, platform, env.AXOUPDATER_APP_NAME);
  if (found.ok) {
    const problem = appNameProblem(found.app);
    if (problem)
      throw new UpdaterError(
        "APP_NAME",
        `"${found.app}" (${found.from === "env" ? "AXOUPDATER_APP_NAME" : "from the file name"}) is not an app name: ${problem}.`,
      );
    return found.app;
  }
  const example = "copy or link it as ~/.cargo/bin/axolotlsay-update next to axolotlsay";
  switch (found.reason) {
    case "axoupdater":
      throw new UpdaterError("APP_NAME", "App name calculated as `axoupdater'", {
        hint: `This probably isn't what you meant to update; install the updater as <app>-update (${example}).`,
      });
    case "empty":
      if (env.AXOUPDATER_APP_NAME === undefined) {
        throw new UpdaterError(
          "APP_NAME",
          `Cannot tell which app to update: this updater runs as "${found.fileName}", which has no app name before "-update".`,
          {
            hint: `Install it beside the app under the name <app>-update (${example}), or set AXOUPDATER_APP_NAME.`,
          },
        );
      }
      throw new UpdaterError("APP_NAME", "AXOUPDATER_APP_NAME is set but empty, so there is no app to update.", {
        hint: "Unset AXOUPDATER_APP_NAME (the app then comes from the file name, <app>-update) or set it to the app's name.",
      });
    case "no-suffix":
      throw new UpdaterError("APP_NAME", `Cannot tell which app to update: this updater runs as "${found.fileName}", not as "<app>-update".`, {
        hint: `Install it beside the app under the name <app>-update (${example}), or set AXOUPDATER_APP_NAME.`,
      });
  }
}
