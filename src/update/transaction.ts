import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.js";
import { installerCommand } from "../core/installer.js";
import { mergePathChanges, withPathChanges } from "../core/path-changes.js";
import { protectedFiles } from "../core/paths.js";
import type { InstallPlan } from "../core/plan.js";
import { backupMode, declaredProvider, type Provider } from "../core/replace-mode.js";
import { toUpdaterError, UpdaterError } from "../errors.js";
import { createBackup, discardBackup, lostFiles, restoreBackup, type Backup, type JournalTrust } from "../io/backup.js";
import { runInstaller } from "../io/installer.js";
import { fileIdentity } from "../io/probe.js";
import { rewriteReceipt } from "../io/receipt-file.js";
import { moveSelfAside, type MovedSelf } from "../io/self-move.js";
import type { InstallReceipt, LoadedReceipt, Release, Warning } from "../types.js";
import { verifyInstall } from "./verify.js";

/** Where a run records the nonces that make its backup journals trusted: upkeep's own cache directory. */
export function journalTrust(config: Config): JournalTrust {
  return { recordDir: path.join(config.cacheDir, "journals") };
}

/** Everything one guarded installer run needs. */
export interface TransactionInput {
  config: Config;
  loaded: LoadedReceipt;
  release: Release;
  plan: InstallPlan;
  scriptPath: string;
  /** The installer's private TMPDIR (removed by the caller afterwards). */
  installerTmp: string;
  binDir: string;
  updaterPath: string;
  warnings: Warning[];
}

/**
 * Runs the installer as a transaction: back up the receipt, every binary and alias it lists and
 * `<app>-update`; (Windows) move the running updater aside; run; verify. Any failure — the installer's,
 * the verification's, an interrupt, or an error of our own — puts the backup back and rethrows with
 * what was restored. Returns the receipt the installer wrote.
 */
export async function installGuarded(t: TransactionInput): Promise<InstallReceipt> {
  const { config, loaded } = t;
  const { receipt } = loaded;
  const files = [loaded.path, ...protectedFiles(t.binDir, receipt.binaries, receipt.binaryAliases, config.app, config.platform)];
  const { mode, reason } = backupMode({ platform: config.platform, receipt: receipt.provider, installer: await scriptProvider(t) });
  // The receipt is never hard-linked: cargo-dist writes it in place (`echo "$RECEIPT" > …`).
  const hardLink = new Set(mode === "link" ? files.filter((f) => f !== loaded.path) : []);
  let backup: Backup;
  try {
    backup = await createBackup(files, t.binDir, config.app, journalTrust(config), { hardLink });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UpdaterError("NOT_WRITABLE", `Could not back up ${config.app} in ${t.binDir} before updating (${code}); nothing was changed.`, {
      cause: error,
      hint: "Free some disk space or fix the directory's permissions, then try again.",
    });
  }
  const saved = backup.entries.filter((e) => e.kind !== "absent").length;
  const linked = backup.entries.filter((e) => e.hardLink).length;
  config.hooks.verbose?.(`Backed up ${saved} files to ${backup.dir} (${reason}; ${linked} hard-linked, the rest copied)`);
  const expectUpdater = backup.entries.some((e) => e.original === t.updaterPath && e.kind !== "absent");
  // The file this process was started from, before the installer can replace it: a new updater that is
  // still this very file need not be run again to prove it runs. (Windows moves it aside: never the same.)
  const runningUpdater = config.executablePath && config.platform !== "win32" ? await fileIdentity(config.executablePath) : undefined;
  let moved: MovedSelf | undefined;
  const env = Object.fromEntries(Object.entries(config.env).filter((e): e is [string, string] => e[1] !== undefined));
  try {
    if (expectUpdater) moved = await moveSelfAside(t.updaterPath, config.platform);
    await run(t);
    const written = await verifyInstall(
      { config, loaded, release: t.release, binDir: t.binDir, updaterPath: t.updaterPath, expectUpdater, env, runningUpdater },
      t.warnings,
    );
    const carried = await carryPathChanges(config, loaded, written);
    await discardBackup(backup);
    return carried;
  } catch (caught) {
    throw await rollBack(config, loaded, backup, moved, t.updaterPath, toUpdaterError(caught));
  }
}

// The installer writes only the PATH changes it made this time (none, when its lines are already there):
// the old receipt's are carried over into the new one, so a later uninstall still knows them. A failure
// to rewrite is not the update's: the receipt then lists only the new changes, said with --verbose.
async function carryPathChanges(config: Config, loaded: LoadedReceipt, written: InstallReceipt): Promise<InstallReceipt> {
  const merged = mergePathChanges(loaded.receipt.pathChanges, written.pathChanges);
  if (merged.length === written.pathChanges.length) return written;
  try {
    const text = withPathChanges(await readFile(loaded.path, "utf8"), merged);
    if (text === undefined) return written;
    await rewriteReceipt(loaded.path, text);
  } catch (error) {
    config.hooks.verbose?.(`Could not carry the PATH changes over into ${loaded.path}: ${(error as Error).message}`);
    return written;
  }
  return { ...written, pathChanges: merged };
}

// Who the installer about to run says it is (the provider it writes into the receipt), if it says so.
// Only read on Unix: on Windows every backup is a copy anyway.
async function scriptProvider(t: TransactionInput): Promise<Provider | undefined> {
  if (t.config.platform === "win32") return undefined;
  return readFile(t.scriptPath, "utf8").then(declaredProvider, () => undefined);
}

async function run(t: TransactionInput): Promise<void> {
  const { config, release, plan } = t;
  const command = installerCommand(config.platform, t.scriptPath);
  config.hooks.verbose?.(`Running ${command.file} ${command.args.join(" ")} with CARGO_DIST_FORCE_INSTALL_DIR=${plan.installRoot}`);
  config.hooks.progress?.({ step: "install", name: plan.asset.name });
  const tmpVars = config.platform === "win32" ? ["TEMP", "TMP"] : ["TMPDIR"];
  const env = { ...plan.env, ...Object.fromEntries(tmpVars.map((k) => [k, t.installerTmp])) };
  const exit = await runInstaller({
    command,
    env,
    cwd: config.cwd,
    onOutput: config.hooks.installerOutput,
    signal: config.signal,
    // An interrupted update stops the installer's downloads too (Unix: its whole process group).
    processGroup: config.platform !== "win32",
  }).finally(() => config.hooks.progress?.({ step: "done" }));
  if (config.signal?.aborted) {
    throw new UpdaterError("INTERRUPTED", `The update of ${config.app} was interrupted while its installer ran.`, {
      hint: `Run ${config.app}-update again when you are ready.`,
    });
  }
  if (exit.spawnError === undefined && exit.exitCode === 0) return;
  const status =
    exit.spawnError !== undefined
      ? `could not be started (${exit.spawnError})`
      : exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with status ${exit.exitCode}`;
  const tail = exit.tail.filter((l) => l.trim() !== "").slice(-10);
  throw new UpdaterError(
    "INSTALLER_FAILED",
    `The installer for ${config.app} ${release.version} ${status}.${tail.length ? `\nIts last output:\n  ${tail.join("\n  ")}` : ""}`,
    {
      hint: `Fix what the installer reports and run ${config.app}-update again.`,
      details: { exitCode: exit.exitCode ?? null, signal: exit.signal ?? null, output: tail },
    },
  );
}

// Restores the previous install and says so in the error; if that fails too, both are reported.
async function rollBack(
  config: Config,
  loaded: LoadedReceipt,
  backup: Backup,
  moved: MovedSelf | undefined,
  updaterPath: string,
  error: UpdaterError,
): Promise<UpdaterError> {
  const skip = new Set<string>();
  const { app } = config;
  const old = loaded.receipt.version;
  let restored: string[] = [];
  let lost: string[] = [];
  try {
    if (moved?.movedTo) {
      // The running updater itself goes back by rename; its backup copy is not needed.
      await moved.restore();
      skip.add(updaterPath);
    }
    lost = await lostFiles(backup);
    restored = await restoreBackup(backup, skip);
  } catch (restoreError) {
    const note = `Restoring the previous version failed as well: ${(restoreError as Error).message}.`;
    return new UpdaterError(error.code, `${error.message}\n${note}`, {
      cause: error,
      hint: `Reinstall ${app} with its installer; the old files are kept in ${backup.dir}.`,
      details: { ...error.details, restored: [], restoreFailed: (restoreError as Error).message },
    });
  }
  if (lost.length > 0) {
    // The installer wrote over a file in place although its receipt says it replaces files by rename,
    // so the hard-linked backup changed with it: say so, never "unchanged".
    const note =
      `Could not restore ${lost.join(", ")}: the installer wrote over ${lost.length === 1 ? "it" : "them"} in place, and ${lost.length === 1 ? "its backup was a hard link" : "their backups were hard links"} ` +
      `to the same file (the receipt says ${loaded.receipt.provider.source} ${loaded.receipt.provider.version}, which replaces files by rename), so the old content is gone. ` +
      `The rest of ${app} ${old} is back in place.`;
    return new UpdaterError(error.code, `${error.message}\n${note}`, {
      cause: error.cause ?? error,
      hint: `Reinstall ${app} to repair ${lost.length === 1 ? "that file" : "those files"}: ${app}-update --version ${old} --force, or run its installer again.`,
      details: { ...error.details, restored, lost },
    });
  }
  return new UpdaterError(error.code, `${error.message}\nRestored ${app} ${old}: the previous version is back in place, unchanged.`, {
    cause: error.cause ?? error,
    ...(error.hint ? { hint: error.hint } : {}),
    details: { ...error.details, restored, restoredVersion: old },
  });
}
