import path from "node:path";
import type { Config } from "../config.js";
import { parseReceipt } from "../core/receipt.js";
import { receiptCandidates, receiptFileName } from "../core/receipt-paths.js";
import { compareVersions } from "../core/compare.js";
import { UpdaterError } from "../errors.js";
import { fileIdentity, isExecutable, probe, sameFile, type FileIdentity } from "../io/probe.js";
import { readFirstReceipt, readReceiptFile } from "../io/receipt-file.js";
import type { InstallReceipt, LoadedReceipt, Release, Warning } from "../types.js";

/** What the installer should have left behind. */
export interface VerifyInput {
  config: Config;
  loaded: LoadedReceipt;
  release: Release;
  binDir: string;
  updaterPath: string;
  /** The updater existed before the install, so a new one must be there and run. */
  expectUpdater: boolean;
  env: Record<string, string>;
  /** The file this process runs, as it was before the installer: a new updater that is still that file is not run again. */
  runningUpdater?: FileIdentity | undefined;
}

const failed = (app: string, what: string): UpdaterError =>
  new UpdaterError("VERIFY_FAILED", `The installer for ${app} exited successfully, but ${what}.`, {
    hint: `This release of ${app} looks broken; report it to its authors, and pin the previous version meanwhile (${app}-update --version <old>).`,
  });

/**
 * Proves the new version is in place before the backup is thrown away: the receipt parses and names
 * the new version, every binary it lists is executable and starts, and the new `<app>-update` runs,
 * unless it is the very updater running now. The programs are run all at once. Returns the new
 * receipt and soft findings (a binary without `--version`) as warnings.
 */
export async function verifyInstall(v: VerifyInput, warnings: Warning[]): Promise<InstallReceipt> {
  const { config, loaded, release } = v;
  const app = config.app;
  const receipt = await newReceipt(v, warnings);
  if (compareVersions(receipt.version, release.version) !== 0) {
    throw failed(app, `the receipt ${loaded.path} still says version ${receipt.version}, not ${release.version}`);
  }
  const p = config.platform === "win32" ? path.win32 : path.posix;
  const bins = receipt.binaries.map((b) => p.join(v.binDir, b));
  for (const bin of bins) {
    if (!(await isExecutable(bin))) throw failed(app, `${bin} is missing or not executable`);
  }
  if (v.expectUpdater && !(await isExecutable(v.updaterPath))) throw failed(app, `${v.updaterPath} is gone`);
  const checks = bins.map(async (bin) => {
    const r = await probe(bin, ["--version"], v.env, 5000);
    if (r.cannotRun) throw failed(app, `${bin} cannot be executed (${r.cannotRun})`);
    if (r.timedOut || r.exitCode !== 0 || !r.output.includes(release.version)) {
      warnings.push({
        code: "VERSION_UNCONFIRMED",
        message: `${bin} --version did not print ${release.version}${r.timedOut ? " (it did not finish in 5 s)" : ""}; it may not have that flag.`,
      });
    }
  });
  if (v.expectUpdater) checks.push(checkUpdater(v, p.basename(v.updaterPath)));
  // Every program has finished before a failure is reported: a rollback must not rename over one still running.
  const failure = (await Promise.allSettled(checks)).find((r) => r.status === "rejected");
  if (failure) throw failure.reason;
  return receipt;
}

// The new `<app>-update` runs: upkeep answers -V, another updater (axoupdater) at least --help. Not run
// when it is the very file running this update, unchanged (the shared store's common case: the
// installer linked it to the same store file again).
async function checkUpdater(v: VerifyInput, name: string): Promise<void> {
  const now = await fileIdentity(v.updaterPath);
  if (v.runningUpdater && sameFile(now, v.runningUpdater)) {
    v.config.hooks.verbose?.(`Not running ${v.updaterPath} again: it is the very file running this update (device ${now?.dev}, inode ${now?.ino}, unchanged)`);
    return;
  }
  const version = await probe(v.updaterPath, ["-V"], v.env, 10_000);
  const ok = (version.exitCode === 0 && version.output.startsWith("upkeep ")) || (await probe(v.updaterPath, ["--help"], v.env, 10_000)).exitCode === 0;
  if (!ok) throw failed(v.config.app, `the new ${name} does not run (${version.cannotRun ?? `exit status ${version.exitCode}`})`);
}

// The receipt as the installer rewrote it. An installer writes to the standard place, so a receipt read
// from an AXOUPDATER_CONFIG_* override may stay old while the standard one is new: accept that one.
async function newReceipt(v: VerifyInput, warnings: Warning[]): Promise<InstallReceipt> {
  const { config, loaded, release } = v;
  let text: string | undefined;
  try {
    text = await readReceiptFile(loaded.path);
  } catch (error) {
    throw failed(config.app, `it left an unreadable receipt: ${(error as Error).message}`);
  }
  if (text === undefined) throw failed(config.app, `its receipt ${loaded.path} is gone (ENOENT)`);
  let receipt: InstallReceipt;
  try {
    receipt = parseReceipt(text, { file: loaded.path, app: config.app }).receipt;
  } catch (error) {
    throw failed(config.app, `it left an unreadable receipt: ${(error as Error).message}`);
  }
  if (loaded.standardLocation || compareVersions(receipt.version, release.version) === 0) return receipt;
  const standard = receiptCandidates({
    app: config.app,
    vars: { ...config.receiptVars, workingDir: false, configPath: undefined },
    platform: config.platform,
    home: config.home,
    cwd: config.cwd,
  });
  const found = await readFirstReceipt(standard, receiptFileName(config.app));
  if (!found) return receipt;
  const other = parseReceipt(found.text, { file: found.path, app: config.app }).receipt;
  if (compareVersions(other.version, release.version) !== 0) return receipt;
  warnings.push({ code: "RECEIPT_ELSEWHERE", message: `The installer wrote its receipt to ${found.path}, not ${loaded.path}.` });
  return other;
}
