import path from "node:path";
import { resolveConfig, type Config, type UpdaterOptions } from "../config.js";
import { managedPrefix } from "../core/managed.js";
import { protectedChange } from "../core/path-changes.js";
import { samePath } from "../core/prefix.js";
import { installPrefixRoot } from "../core/receipt.js";
import { receiptCandidates, receiptRoots } from "../core/receipt-paths.js";
import { UpdaterError } from "../errors.js";
import { appsWithReceiptFiles, appsWithReceipts } from "../io/receipt-file.js";
import {
  kindOf,
  removeEmptyDir,
  removeFile,
  removeLineFromFile,
  removeStoreUser,
  removeStoreVersion,
  removeUserPathEntry,
  storeVersionOf,
  storeVersionUsed,
} from "../io/remove.js";
import type { LoadedReceipt, UninstallItem, UninstallResult } from "../types.js";
import { locate, readReceipt, type Location } from "./locate.js";
import { afterLock, takeLock } from "./lock.js";

// Uninstalling from the receipt: the binaries and aliases it lists, the app's updater (and a shared-store
// version no other updater uses), the PATH changes our installer recorded, and the receipt last.

type Left = UninstallItem & { reason: string };

/**
 * Removes the app as its receipt describes it, under the app's update lock. Refuses a package manager's
 * directory (MANAGED_PREFIX) and an updater the receipt does not describe (RECEIPT_MISMATCH) before
 * anything is removed. With `dryRun`, removes nothing and lists what it would remove.
 */
export async function uninstall(options: UpdaterOptions = {}): Promise<UninstallResult> {
  const config = resolveConfig(options);
  let loaded = await readReceipt(config);
  const where = await locate(config, loaded);
  const manager = managedPrefix(where.binDir, config.platform) ?? managedPrefix(where.installRoot, config.platform);
  if (manager) {
    throw new UpdaterError("MANAGED_PREFIX", `${config.app} in ${where.binDir} belongs to ${manager.name}; nothing was removed.`, {
      hint: `Uninstall it with ${manager.name}'s own command.`,
      details: { manager: manager.name, dir: where.binDir },
    });
  }
  const lock = await takeLock(config);
  try {
    loaded = await afterLock(config, where, loaded, lock, where.warnings);
    return await removeAll(config, loaded, where);
  } finally {
    await lock?.release();
  }
}

// Goes through the plan in order; a file that cannot be removed stops it with NOT_WRITABLE, naming it
// and what was already removed.
async function removeAll(config: Config, loaded: LoadedReceipt, where: Location): Promise<UninstallResult> {
  const { receipt } = loaded;
  const p = config.platform === "win32" ? path.win32 : path.posix;
  const removed: UninstallItem[] = [];
  const left: Left[] = [];
  const dry = config.dryRun;
  const act = async (item: UninstallItem, run: () => Promise<unknown>): Promise<void> => {
    try {
      if (!dry) await run();
      removed.push(item);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const done = removed.length ? ` Already removed: ${removed.map((r) => r.path).join(", ")}.` : " Nothing was removed before it.";
      throw new UpdaterError("NOT_WRITABLE", `Could not remove ${item.path} while uninstalling ${config.app} (${code}).${done}`, {
        cause: error,
        hint: `Fix that file's permissions (or remove it by hand) and run the uninstall again; it goes on from where it stopped.`,
        details: { path: item.path, removed },
      });
    }
  };
  const file = async (item: UninstallItem): Promise<void> => {
    const kind = await kindOf(item.path);
    if (kind === "absent") left.push({ ...item, reason: "it is not there" });
    else if (kind === "other") left.push({ ...item, reason: "it is not a file or a link" });
    else await act(item, () => removeFile(item.path, config.platform, config.cmdExe));
  };

  for (const bin of receipt.binaries) await file({ kind: "binary", path: p.join(where.binDir, bin) });
  for (const alias of new Set(Object.values(receipt.binaryAliases).flat())) await file({ kind: "alias", path: p.join(where.binDir, alias) });
  const store = config.platform === "win32" ? undefined : await storeVersionOf(where.updaterPath);
  await file({ kind: "updater", path: where.updaterPath });
  if (store) {
    const item: UninstallItem = { kind: "shared_updater", path: store };
    if (await storeVersionUsed(store, where.updaterPath)) {
      left.push({ ...item, reason: "another app's updater still uses it" });
      if (!dry) await removeStoreUser(store, where.updaterPath);
    } else {
      await act(item, () => removeStoreVersion(store));
    }
  }
  await pathChanges(config, loaded, act, left);
  await act({ kind: "receipt", path: loaded.path }, async () => {
    await removeFile(loaded.path, config.platform, config.cmdExe);
    await removeEmptyDir(p.dirname(loaded.path));
  });
  return {
    app: config.app,
    result: dry ? "would_uninstall" : "uninstalled",
    version: receipt.version,
    installPrefix: where.installRoot,
    receiptPath: loaded.path,
    removed,
    left,
    warnings: where.warnings,
  };
}

// The recorded PATH changes, undone only when no other receipt names the same prefix (that app's PATH
// needs them), never rustup's ~/.cargo/env nor a line sourcing it; the Windows user Path entry only on Windows.
async function pathChanges(
  config: Config,
  loaded: LoadedReceipt,
  act: (item: UninstallItem, run: () => Promise<unknown>) => Promise<void>,
  left: Left[],
): Promise<void> {
  const changes = loaded.receipt.pathChanges;
  if (changes.length === 0) return;
  const sharing = await otherAppsInPrefix(config, loaded);
  for (const c of changes) {
    const item: UninstallItem =
      c.type === "user_path" ? { kind: "user_path", path: c.entry } : { kind: c.type, path: c.file, ...(c.type === "rc_line" ? { line: c.line } : {}) };
    const guarded = protectedChange(c, config.home ?? "", config.platform);
    if (sharing.length)
      left.push({
        ...item,
        reason: `${sharing.join(", ")} ${sharing.length === 1 ? "is" : "are"} installed in the same prefix and need${sharing.length === 1 ? "s" : ""} it`,
      });
    else if (guarded) left.push({ ...item, reason: guarded });
    else if (c.type === "user_path") {
      if (config.platform !== "win32") left.push({ ...item, reason: "it is an entry of the Windows user Path; uninstall on Windows to remove it" });
      else {
        const found = await removeUserPathEntry(c.entry, config.regExe, config.env, true).catch((error: Error) => error);
        if (found instanceof Error) left.push({ ...item, reason: `the user's Path could not be read: ${found.message}` });
        else if (found === "no_entry") left.push({ ...item, reason: "the entry is no longer in the user's Path" });
        else if (found === "not_ascii")
          left.push({
            ...item,
            reason:
              "the user's Path has characters beyond ASCII, which reg.exe may not read back exactly; remove the entry in the Environment Variables settings",
          });
        else await act(item, () => removeUserPathEntry(c.entry, config.regExe, config.env, false));
      }
    } else if (c.type === "env_file") {
      const kind = await kindOf(c.file);
      if (kind !== "file") left.push({ ...item, reason: kind === "absent" ? "it is not there" : "it is not a file" });
      else await act(item, () => removeFile(c.file, config.platform, config.cmdExe));
    } else {
      const found = await removeLineFromFile(c.file, c.line, true).catch(() => "removed" as const);
      if (found === "absent") left.push({ ...item, reason: "the file is not there" });
      else if (found === "no_line") left.push({ ...item, reason: "the line is no longer in the file" });
      else await act(item, () => removeLineFromFile(c.file, c.line, false));
    }
  }
}

// The other apps whose receipts name this app's install prefix (an unreadable receipt counts: better
// to leave a PATH line than to break another app).
async function otherAppsInPrefix(config: Config, loaded: LoadedReceipt): Promise<string[]> {
  const override = receiptCandidates({ app: config.app, vars: config.receiptVars, platform: config.platform, home: config.home, cwd: config.cwd }).find(
    (c) => !c.standard,
  );
  const apps = override ? await appsWithReceiptFiles(override.dir) : await appsWithReceipts(receiptRoots(config.receiptVars, config.platform, config.home));
  const root = installPrefixRoot(loaded.receipt, config.platform);
  const out: string[] = [];
  for (const app of apps) {
    if (app === config.app) continue;
    const other = await readReceipt({ ...config, app }).catch(() => undefined);
    if (!other || samePath(installPrefixRoot(other.receipt, config.platform), root, config.platform)) out.push(app);
  }
  return out;
}
