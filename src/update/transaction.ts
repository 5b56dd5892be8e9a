import path from "node:path";
import type { Config } from "../config.js";
import { installerCommand } from "../core/installer.js";
import { protectedFiles } from "../core/paths.js";
import type { InstallPlan } from "../core/plan.js";
import { toUpdaterError, UpdaterError } from "../errors.js";
import { createBackup, discardBackup, restoreBackup, type Backup, type JournalTrust } from "../io/backup.js";
import { runInstaller } from "../io/installer.js";
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
  let backup: Backup;
  try {
    backup = await createBackup(files, t.binDir, config.app, journalTrust(config));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UpdaterError("NOT_WRITABLE", `Could not back up ${config.app} in ${t.binDir} before updating (${code}); nothing was changed.`, {
      cause: error,
      hint: "Free some disk space or fix the directory's permissions, then try again.",
    });
  }
  config.hooks.verbose?.(`Backed up ${backup.entries.filter((e) => e.kind !== "absent").length} files to ${backup.dir}`);
  const expectUpdater = backup.entries.some((e) => e.original === t.updaterPath && e.kind !== "absent");
  let moved: MovedSelf | undefined;
  const env = Object.fromEntries(Object.entries(config.env).filter((e): e is [string, string] => e[1] !== undefined));
  try {
    if (expectUpdater) moved = await moveSelfAside(t.updaterPath, config.platform);
    await run(t);
    const written = await verifyInstall({ config, loaded, release: t.release, binDir: t.binDir, updaterPath: t.updaterPath, expectUpdater, env }, t.warnings);
    await discardBackup(backup);
    return written;
  } catch (caught) {
    throw await rollBack(config, loaded, backup, moved, t.updaterPath, toUpdaterError(caught));
  }
}

async function run(t: TransactionInput): Promise<void> {
  const { config, release, plan } = t;
  const command = installerCommand(config.platform, t.scriptPath);
  config.hooks.verbose?.(`Running ${command.file} ${command.args.join(" ")} with CARGO_DIST_FORCE_INSTALL_DIR=${plan.installRoot}`);
  config.hooks.progress?.({ step: "install", name: plan.asset.name });
  const tmpVars = config.platform === "win32" ? ["TEMP", "TMP"] : ["TMPDIR"];
  const env = { ...plan.env, ...Object.fromEntries(tmpVars.map((k) => [k, t.installerTmp])) };
  const exit = await runInstaller({ command, env, cwd: config.cwd, onOutput: config.hooks.installerOutput, signal: config.signal }).finally(() =>
    config.hooks.progress?.({ step: "done" }),
  );
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
  let note: string;
  let restored: string[] = [];
  try {
    if (moved?.movedTo) {
      // The running updater itself goes back by rename; its backup copy is not needed.
      await moved.restore();
      skip.add(updaterPath);
    }
    restored = await restoreBackup(backup, skip);
    note = `Restored ${config.app} ${loaded.receipt.version}: the previous version is back in place, unchanged.`;
  } catch (restoreError) {
    note = `Restoring the previous version failed as well: ${(restoreError as Error).message}.`;
    return new UpdaterError(error.code, `${error.message}\n${note}`, {
      cause: error,
      hint: `Reinstall ${config.app} with its installer; the old files are kept in ${backup.dir}.`,
      details: { ...error.details, restored: [], restoreFailed: (restoreError as Error).message },
    });
  }
  return new UpdaterError(error.code, `${error.message}\n${note}`, {
    cause: error.cause ?? error,
    ...(error.hint ? { hint: error.hint } : {}),
    details: { ...error.details, restored, restoredVersion: loaded.receipt.version },
  });
}
