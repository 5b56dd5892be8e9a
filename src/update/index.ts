import path from "node:path";
import { resolveConfig, type Config, type UpdaterOptions } from "../config.js";
import type { InstallPlan } from "../core/plan.js";
import { UpdaterError } from "../errors.js";
import type { Http } from "../io/http.js";
import { stageInstaller } from "../io/installer.js";
import { signatureAssets, signatureReport, unpinnedWarning, type Pins } from "../core/trust.js";
import type { CheckResult, InstallReceipt, LoadedReceipt, Release, SignatureReport, UpdateResult, VerifiedSignature, Warning } from "../types.js";
import { refuseIfDisabled } from "./disabled.js";
import { fetchInstaller } from "./fetch-installer.js";
import { withHttp } from "./http.js";
import { locate, readReceipt, shadowWarnings, type Location } from "./locate.js";
import { afterLock, takeLock } from "./lock.js";
import { preflight } from "./preflight.js";
import { selectRelease } from "./select.js";
import { keepPin, pinsFor, signaturePolicy, type SignaturePolicy } from "./signature.js";
import { installGuarded } from "./transaction.js";

// The library's steps, in order: receipt → locate → pre-flight → lock (and recovery) → pinned keys →
// source → release → plan → fetch installer (checksums, signatures) → keep the pin → transaction
// (backup, install, verify, roll back).

/**
 * Finds and parses the app's install receipt the way axoupdater does (same directories, same order).
 * Throws RECEIPT_NOT_FOUND or RECEIPT_INVALID.
 */
export async function loadReceipt(options: UpdaterOptions = {}): Promise<LoadedReceipt> {
  return readReceipt(resolveConfig(options));
}

// The receipt and where the app lives, remembered in `known` for a failure's report. A packager's switch
// (UPKEEP_DISABLED, `<app>-update.disabled`) refuses before the receipt is read when the updater's own
// path is known (a packaged app may have no receipt at all), else beside the receipt's updater; either
// way before anything is sent.
async function found(config: Config, known: Known): Promise<{ loaded: LoadedReceipt; where: Location }> {
  await refuseIfDisabled(config);
  const loaded = await readReceipt(config);
  known.oldVersion = loaded.receipt.version;
  const where = await locate(config, loaded);
  Object.assign(known, { installPrefix: where.installRoot, warnings: where.warnings });
  if (!config.executablePath) await refuseIfDisabled(config, where.updaterPath);
  return { loaded, where };
}

/** Looks up the release the request selects and says whether it is an update; changes nothing. */
export async function checkForUpdate(options: UpdaterOptions = {}): Promise<CheckResult> {
  const config = resolveConfig(options);
  const known: Known = {};
  return withHttp<CheckResult>(config, async (http) => {
    const { loaded, where } = await found(config, known);
    const pins = await pinsFor(config, loaded);
    known.signature = signatureReport(pins);
    const s = await selectRelease(config, http, loaded, where.warnings, pins !== undefined);
    if (s.plan && !pins) where.warnings.push(unpinnedWarning(config.app, s.release, signatureAssets(s.release, s.plan.asset.name), config.trustFile));
    where.warnings.push(...shadowWarnings(config, where.binDir, loaded.receipt.binaries));
    return {
      app: config.app,
      currentVersion: loaded.receipt.version,
      release: s.release,
      updateAvailable: s.plan !== undefined,
      installPrefix: where.installRoot,
      receiptPath: loaded.path,
      signature: signatureReport(pins),
      warnings: where.warnings,
    };
  }).catch((error: unknown) => Promise.reject(withKnown(error, known)));
}

/**
 * Updates the app safely: checks the install can be updated here, takes the app's lock, looks up the
 * release, downloads and verifies its installer, then runs it forced into the app's directory as a
 * transaction (backup, verify, roll back on any failure). With `dryRun`, stops before downloading.
 */
export async function update(options: UpdaterOptions = {}): Promise<UpdateResult> {
  const config = resolveConfig(options);
  const known: Known = {};
  return withHttp<UpdateResult>(config, async (http) => {
    const first = await found(config, known);
    let loaded = first.loaded;
    const where = first.where;
    const { warnings } = where;
    await preflight(config, loaded, where);
    const lock = await takeLock(config);
    try {
      loaded = await afterLock(config, where, loaded, lock, warnings);
      known.oldVersion = loaded.receipt.version;
      const pins = await pinsFor(config, loaded);
      known.signature = signatureReport(pins);
      const s = await selectRelease(config, http, loaded, warnings, pins !== undefined);
      Object.assign(known, { newVersion: s.release.version, tag: s.release.tag });
      const base = {
        app: config.app,
        oldVersion: loaded.receipt.version,
        newVersion: s.release.version,
        tag: s.release.tag,
        installPrefix: where.installRoot,
        signature: signatureReport(pins),
        warnings,
      };
      if (!s.plan) {
        warnings.push(...shadowWarnings(config, where.binDir, loaded.receipt.binaries));
        return { ...base, result: "up_to_date" };
      }
      if (config.dryRun) {
        if (!pins) warnings.push(unpinnedWarning(config.app, s.release, signatureAssets(s.release, s.plan.asset.name), config.trustFile));
        return { ...base, result: "would_update" };
      }
      const policy = signaturePolicy(config, pins, s.release, s.plan.asset.name);
      const { written, verified } = await install(config, http, loaded, where, s.plan, s.release, warnings, { pins, policy });
      warnings.push(...shadowWarnings(config, where.binDir, written.binaries));
      return { ...base, signature: signatureReport(pins, verified), result: "updated" };
    } finally {
      await lock?.release();
    }
  }).catch((error: unknown) => Promise.reject(withKnown(error, known)));
}

// Fetches (or takes AXOUPDATER_INSTALLER_PATH's) installer and proves it (checksums; signatures when a
// key is pinned), keeps a receipt's pin, stages the installer privately, runs it as a transaction.
async function install(
  config: Config,
  http: Http,
  loaded: LoadedReceipt,
  where: Location,
  plan: InstallPlan,
  release: Release,
  warnings: Warning[],
  trust: { pins: Pins | undefined; policy: SignaturePolicy },
): Promise<{ written: InstallReceipt; verified: VerifiedSignature[] }> {
  const verbose = config.hooks.verbose;
  let body: Buffer | undefined;
  let verified: VerifiedSignature[] = [];
  if (config.installerPath) {
    const local = path.resolve(config.cwd, config.installerPath);
    verbose?.(`Using the installer at ${local} (AXOUPDATER_INSTALLER_PATH)`);
    warnings.push({
      code: "LOCAL_INSTALLER_UNSIGNED",
      message: `Ran the local installer ${local} (AXOUPDATER_INSTALLER_PATH) instead of release ${release.tag}'s; no signature or checksum was checked for it.`,
    });
  } else {
    const policy = trust.policy;
    const fetched = await fetchInstaller(http, plan, config.token !== undefined && !plan.requireChecksum, warnings, config.hooks.progress, policy);
    verbose?.(`Downloaded ${plan.asset.name} from ${fetched.url} (sha256 ${fetched.sha256}${fetched.verified ? ", verified" : ", no published checksum"})`);
    if (policy.warning) warnings.push(policy.warning);
    body = fetched.body;
    verified = fetched.signatures;
  }
  await keepPin(config, trust.pins);
  // The installer gets a private TMPDIR inside the staging directory, removed with it.
  const staged = await stageInstaller(body, plan.asset.name, config.tmpDir, config.app);
  // AXOUPDATER_INSTALLER_PATH: a local installer replaces the release's (the lookup still happens).
  const scriptPath = staged.path ?? path.resolve(config.cwd, config.installerPath as string);
  try {
    const written = await installGuarded({
      config,
      loaded,
      release,
      plan,
      scriptPath,
      installerTmp: staged.tmp,
      binDir: where.binDir,
      updaterPath: where.updaterPath,
      warnings,
    });
    return { written, verified };
  } finally {
    await staged.dispose();
  }
}

/** What a run had found out when it failed. */
interface Known {
  oldVersion?: string;
  newVersion?: string;
  tag?: string;
  installPrefix?: string;
  /** The pinned keys, once known (`signature` in a failure's `--json`). */
  signature?: SignatureReport;
  warnings?: Warning[];
}

// A failure keeps what was known before it: the warnings gathered in `details.warnings`, the versions, tag
// and prefix in `details.known` (the CLI's --json reports them instead of nulls).
function withKnown(error: unknown, known: Known): unknown {
  if (!UpdaterError.is(error)) return error;
  const { warnings, ...rest } = known;
  if (warnings?.length && error.details.warnings === undefined) error.details.warnings = [...warnings];
  if (Object.keys(rest).length && error.details.known === undefined) error.details.known = rest;
  return error;
}
