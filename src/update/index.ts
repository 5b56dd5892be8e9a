import path from "node:path";
import { resolveConfig, type Config, type UpdaterOptions } from "./config.js";
import { githubApiBase } from "./core/github.js";
import { planInstall, type InstallPlan } from "./core/plan.js";
import { samePath } from "./core/prefix.js";
import { describeRequest, isUpdateNeeded } from "./core/select.js";
import { fetchInstaller } from "./fetch-installer.js";
import { recoverBackups } from "./io/backup.js";
import { createHttp, type Http, type HttpSettings } from "./io/http.js";
import { removeStaleStaging, stageInstaller } from "./io/installer.js";
import { acquireLock } from "./io/lock.js";
import { removeStaleSelfCopies } from "./io/self-move.js";
import { sourceFor } from "./sources/index.js";
import { locate, preflight, readReceipt, shadowWarnings, type Location } from "./locate.js";
import { installGuarded, journalTrust } from "./transaction.js";
import type { CheckResult, InstallReceipt, LoadedReceipt, Release, UpdateResult, Warning } from "./types.js";
import { UpdaterError } from "./errors.js";
import { VERSION } from "./version.js";

/**
 * Finds and parses the app's install receipt the way axoupdater does (same directories, same order).
 * Throws RECEIPT_NOT_FOUND or RECEIPT_INVALID.
 */
export async function loadReceipt(options: UpdaterOptions = {}): Promise<LoadedReceipt> {
  return readReceipt(resolveConfig(options));
}

/** Looks up the release the request selects and says whether it is an update; changes nothing. */
export async function checkForUpdate(options: UpdaterOptions = {}): Promise<CheckResult> {
  const config = resolveConfig(options);
  return withHttp(config, async (http) => {
    const loaded = await readReceipt(config);
    const where = await locate(config, loaded);
    const s = await inspect(config, http, loaded, where.warnings);
    where.warnings.push(...shadowWarnings(config, where.binDir, loaded.receipt.binaries));
    return {
      app: config.app,
      currentVersion: loaded.receipt.version,
      release: s.release,
      updateAvailable: s.plan !== undefined,
      installPrefix: where.installRoot,
      receiptPath: loaded.path,
      warnings: where.warnings,
    };
  });
}

/**
 * Updates the app safely: checks the install can be updated here, takes the app's lock, looks up the
 * release, downloads and verifies its installer, then runs it forced into the app's directory as a
 * transaction (backup, verify, roll back on any failure). With `dryRun`, stops before downloading.
 */
export async function update(options: UpdaterOptions = {}): Promise<UpdateResult> {
  const config = resolveConfig(options);
  return withHttp(config, async (http) => {
    let loaded = await readReceipt(config);
    const where = await locate(config, loaded);
    const { warnings } = where;
    await preflight(config, loaded, where);
    const lock = config.dryRun
      ? undefined
      : await acquireLock({ dir: path.join(config.cacheDir, "locks"), app: config.app, version: VERSION, waitMs: config.lockWaitMs, signal: config.signal });
    try {
      // A waiter judges by the receipt as it is now: the update it waited for may have done the work.
      if (lock) loaded = await readReceipt(config);
      if (!config.dryRun) {
        if (!lock) warnings.push({ code: "LOCK_UNAVAILABLE", message: `Could not create a lock in ${config.cacheDir}; concurrent updates are not prevented.` });
        const recovery = await recoverBackups(where.binDir, config.app, journalTrust(config), loaded.path);
        for (const dir of recovery.ignored) {
          warnings.push({
            code: "JOURNAL_IGNORED",
            message: `Left ${dir} alone: it looks like an update backup, but not one this user's upkeep made (no matching record in ${journalTrust(config).recordDir}). Delete it if you do not know where it came from.`,
          });
        }
        if (recovery.restored.length > 0) {
          warnings.push({ code: "RECOVERED", message: `An earlier update of ${config.app} was interrupted; restored ${recovery.restored.length} files from its backup.` });
          loaded = await readReceipt(config);
        }
        await removeStaleSelfCopies(where.updaterPath, config.platform);
        for (const dir of await removeStaleStaging(config.tmpDir, config.app)) config.hooks.verbose?.(`Removed ${dir}, left by an interrupted update`);
      }
      const s = await inspect(config, http, loaded, warnings);
      const base = {
        app: config.app,
        oldVersion: loaded.receipt.version,
        newVersion: s.release.version,
        tag: s.release.tag,
        installPrefix: where.installRoot,
        warnings,
      };
      if (!s.plan) {
        warnings.push(...shadowWarnings(config, where.binDir, loaded.receipt.binaries));
        return { ...base, result: "up_to_date" };
      }
      if (config.dryRun) return { ...base, result: "would_update" };
      const written = await install(config, http, loaded, where, s.plan, s.release, warnings);
      warnings.push(...shadowWarnings(config, where.binDir, written.binaries));
      return { ...base, result: "updated" };
    } catch (error) {
      throw withWarnings(error, warnings);
    } finally {
      await lock?.release();
    }
  });
}

async function inspect(config: Config, http: RunHttp, loaded: LoadedReceipt, warnings: Warning[]): Promise<{ release: Release; plan: InstallPlan | undefined }> {
  const { receipt } = loaded;
  const verbose = config.hooks.verbose;
  const source = sourceFor(loaded, {
    app: config.app,
    http,
    apiBase: githubApiBase(config.app, config.env),
    tokenFrom: config.token?.from,
    verbose,
    warnings,
    override: config.source,
    cwd: config.cwd,
  });
  // A mirror needs no token: none is sent to it, nor given to its installer.
  if (source.kind === "mirror") http.dropToken?.();
  verbose?.(`Looking for ${describeRequest(config.request)} in ${source.description}`);
  const release = await source.find(config.request);
  verbose?.(`Selected ${release.tag} (${release.version}); installed is ${receipt.version}`);
  const needed = isUpdateNeeded(receipt.version, release.version, config.request, config.force);
  const plan = needed
    ? planInstall({
        app: config.app,
        platform: config.platform,
        release,
        receipt,
        env: config.env,
        token: source.kind === "github" ? config.token?.value : undefined,
        configHome: configHomeFor(config, loaded),
        downloadBase: source.downloadBase?.(release),
        requireChecksum: source.kind === "mirror",
      })
    : undefined;
  return { release, plan };
}

async function install(config: Config, http: Http, loaded: LoadedReceipt, where: Location, plan: InstallPlan, release: Release, warnings: Warning[]): Promise<InstallReceipt> {
  const verbose = config.hooks.verbose;
  let body: Buffer | undefined;
  if (config.installerPath) {
    verbose?.(`Using the installer at ${path.resolve(config.cwd, config.installerPath)} (AXOUPDATER_INSTALLER_PATH)`);
  } else {
    const fetched = await fetchInstaller(http, plan, config.token !== undefined && !plan.requireChecksum, warnings, config.hooks.progress);
    verbose?.(`Downloaded ${plan.asset.name} from ${fetched.url} (sha256 ${fetched.sha256}${fetched.verified ? ", verified" : ", no published checksum"})`);
    body = fetched.body;
  }
  // The installer gets a private TMPDIR inside the staging directory, removed with it.
  const staged = await stageInstaller(body, plan.asset.name, config.tmpDir, config.app);
  // AXOUPDATER_INSTALLER_PATH: a local installer replaces the release's (the lookup still happens).
  const scriptPath = staged.path ?? path.resolve(config.cwd, config.installerPath as string);
  try {
    return await installGuarded({ config, loaded, release, plan, scriptPath, installerTmp: staged.tmp, binDir: where.binDir, updaterPath: where.updaterPath, warnings });
  } finally {
    await staged.dispose();
  }
}

// The receipt's parent config directory when the installer would otherwise write a second receipt elsewhere.
function configHomeFor(config: Config, loaded: LoadedReceipt): string | undefined {
  if (!loaded.standardLocation) return undefined;
  const base = path.dirname(path.dirname(loaded.path));
  const xdg = config.env.XDG_CONFIG_HOME;
  return xdg !== undefined && xdg !== "" && !samePath(xdg, base, config.platform) ? base : undefined;
}

/** The HTTP client settings of a run: token only for its API origin, timeouts, proxies, CAs, cache. */
export function httpSettingsFor(config: Config): HttpSettings {
  return {
    apiOrigin: githubApiBase(config.app, config.env),
    token: config.token?.value,
    timeoutMs: config.timeoutMs,
    userAgent: config.userAgent,
    proxy: config.proxy,
    caFiles: config.caFiles,
    cacheDir: path.join(config.cacheDir, "http"),
    attempts: config.attempts,
    verbose: config.hooks.verbose,
    signal: config.signal,
  };
}

/** The run's HTTP client, created on first use; `dropToken` (a mirror source) before that keeps the token out of it. */
type RunHttp = Http & { dropToken?(): void };

// A failure keeps the warnings gathered before it, in `details.warnings` (the CLI's --json reports them).
function withWarnings(error: unknown, warnings: Warning[]): unknown {
  if (UpdaterError.is(error) && warnings.length > 0 && error.details.warnings === undefined) error.details.warnings = [...warnings];
  return error;
}

async function withHttp<T>(config: Config, work: (http: RunHttp) => Promise<T>): Promise<T> {
  let client: Http | undefined;
  let withToken = true;
  // Created on first use: runs that fail on the receipt never load undici.
  const http: RunHttp = {
    async get(url, options) {
      client ??= await createHttp({ ...httpSettingsFor(config), ...(withToken ? {} : { token: undefined }) });
      return client.get(url, options);
    },
    close: async () => client?.close(),
    dropToken: () => {
      if (client) throw new Error("dropToken after the first request");
      withToken = false;
    },
  };
  try {
    return await work(http);
  } finally {
    await http.close();
  }
}
