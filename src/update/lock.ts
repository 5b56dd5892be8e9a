import path from "node:path";
import type { Config } from "../config.js";
import { recoverBackups } from "../io/backup.js";
import { removeStaleStaging } from "../io/installer.js";
import { acquireLock, type Lock } from "../io/lock.js";
import { removeStaleSelfCopies } from "../io/self-move.js";
import type { LoadedReceipt, Warning } from "../types.js";
import { VERSION } from "../version.js";
import { readReceipt, type Location } from "./locate.js";
import { journalTrust } from "./transaction.js";

/**
 * Takes the app's update lock (waiting for another update of it: LOCKED, INTERRUPTED); none for a dry
 * run, and undefined when the lock directory is unusable (the update goes on unlocked, with a warning).
 */
export async function takeLock(config: Config): Promise<Lock | undefined> {
  if (config.dryRun) return undefined;
  return acquireLock({ dir: path.join(config.cacheDir, "locks"), app: config.app, version: VERSION, waitMs: config.lockWaitMs, signal: config.signal });
}

/**
 * What a run does once it holds the lock, before it looks for a release: re-reads the receipt (the
 * update it waited for may have done the work) and finishes what an interrupted run left behind: its
 * backup restored (or, when not provably ours, left alone with a warning), the Windows `.previous`
 * copies and stale staging directories removed. Returns the receipt as it now is.
 */
export async function afterLock(config: Config, where: Location, loaded: LoadedReceipt, lock: Lock | undefined, warnings: Warning[]): Promise<LoadedReceipt> {
  if (lock) loaded = await readReceipt(config);
  if (config.dryRun) return loaded;
  if (!lock) warnings.push({ code: "LOCK_UNAVAILABLE", message: `Could not create a lock in ${config.cacheDir}; concurrent updates are not prevented.` });
  const recovery = await recoverBackups(where.binDir, config.app, journalTrust(config), loaded.path);
  for (const dir of recovery.ignored) {
    warnings.push({
      code: "JOURNAL_IGNORED",
      message: `Left ${dir} alone: it looks like an update backup, but not one this user's upkeep made (no matching record in ${journalTrust(config).recordDir}). Delete it if you do not know where it came from.`,
    });
  }
  if (recovery.restored.length > 0 || recovery.lost.length > 0) {
    const lost = recovery.lost.length
      ? ` Could not restore ${recovery.lost.join(", ")}: the interrupted installer wrote over them in place, so their backup changed too; reinstall ${config.app} to repair them.`
      : "";
    warnings.push({
      code: "RECOVERED",
      message: `An earlier update of ${config.app} was interrupted; restored ${recovery.restored.length} files from its backup.${lost}`,
    });
    loaded = await readReceipt(config);
  }
  await removeStaleSelfCopies(where.updaterPath, config.platform);
  for (const dir of await removeStaleStaging(config.tmpDir, config.app)) config.hooks.verbose?.(`Removed ${dir}, left by an interrupted update`);
  return loaded;
}
