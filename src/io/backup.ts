// Over 200 lines: the backup, its journal and their restore are one on-disk format, kept in one place.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, copyFile, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { renameOverRunning } from "./self-move.js";

/** One file as it was before the update. */
export interface BackupEntry {
  original: string;
  kind: "file" | "symlink" | "absent";
  /** The copy inside the backup directory (files). */
  saved?: string;
  /** Where the link pointed (symlinks). */
  target?: string;
  mode?: number;
  /**
   * A link to a file outside the backed-up directory (the shared updater in upkeep's store) keeps a
   * copy of that file too, and its store `users/` entry: the installer may delete an unused store
   * version, and a restored link must not dangle.
   */
  linked?: { path: string; saved: string; mode: number; userEntry?: { path: string; text: string } };
}

/** A backup of everything an installer may replace, with a journal so a crashed run can be undone. */
export interface Backup {
  dir: string;
  entries: BackupEntry[];
  /** The directory backed up (the app's bin dir) and what was in it before, to clean up after an installer. */
  binDir?: string;
  existing?: string[];
  app?: string;
  /**
   * Binds the journal to this run: the same random value is written into upkeep's own cache
   * directory, so a journal planted in the bin dir is never obeyed.
   */
  nonce?: string;
  recordFile?: string | undefined;
}

interface Journal {
  version: 1;
  state: "installing" | "done";
  pid: number;
  nonce?: string;
  existing?: string[];
  entries: BackupEntry[];
}

/** Where the journal records of runs live, and which files a journal may name. */
export interface JournalTrust {
  /** A directory of upkeep's own (its cache), where each backup's random nonce is recorded. */
  recordDir: string;
}

const PREFIX = (app: string): string => `.${app}-upkeep-backup-`;

/**
 * Copies `files` (those that exist) into a fresh directory inside `dir`, which is on the same file
 * system as the install, and writes the journal (and its nonce into `trust.recordDir`). Copies, not
 * hard links: an old installer that overwrites a binary in place would change a hard-linked backup
 * too. A symlink keeps its target's content as well (a receipt linked from a dotfile repository is
 * rewritten through the link); only a file in upkeep's shared store, which is replaced by rename and
 * never in place, is hard-linked.
 */
export async function createBackup(files: readonly string[], dir: string, app: string, trust?: JournalTrust): Promise<Backup> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  const backupDir = await mkdtemp(path.join(dir, PREFIX(app)));
  const entries: BackupEntry[] = [];
  const listed = new Set(files.map((f) => path.resolve(f)));
  let n = 0;
  for (const original of files) {
    const info = await lstat(original).catch(() => undefined);
    if (!info) {
      entries.push({ original, kind: "absent" });
    } else if (info.isSymbolicLink()) {
      const target = await readlink(original);
      const entry: BackupEntry = { original, kind: "symlink", target };
      const resolved = path.resolve(path.dirname(original), target);
      const targetInfo = await stat(resolved).catch(() => undefined);
      if (targetInfo?.isFile() && path.dirname(resolved) !== path.dirname(original)) {
        const saved = path.join(backupDir, `${n++}-linked-${path.basename(resolved)}`);
        const inStore = await stat(path.join(path.dirname(resolved), "users")).then(
          (s) => s.isDirectory(),
          () => false,
        );
        // Store files are replaced by rename, never rewritten in place, so a hard link is a safe and
        // free backup (~100 MB not copied on every update); another file system gets a copy.
        if (inStore) await link(resolved, saved).catch(() => copyFile(resolved, saved, constants.COPYFILE_FICLONE));
        else await copyFile(resolved, saved, constants.COPYFILE_FICLONE);
        const userPath = path.join(path.dirname(resolved), "users", original.replaceAll("/", "%"));
        const text = inStore ? await readFile(userPath, "utf8").catch(() => undefined) : undefined;
        entry.linked = { path: resolved, saved, mode: targetInfo.mode & 0o7777, ...(text !== undefined ? { userEntry: { path: userPath, text } } : {}) };
      } else if (targetInfo?.isFile() && !listed.has(resolved)) {
        // A link to a file beside it that is not backed up as its own entry: keep its content too.
        const saved = path.join(backupDir, `${n++}-linked-${path.basename(resolved)}`);
        await copyFile(resolved, saved, constants.COPYFILE_FICLONE);
        entry.linked = { path: resolved, saved, mode: targetInfo.mode & 0o7777 };
      }
      entries.push(entry);
    } else {
      const saved = path.join(backupDir, `${n++}-${path.basename(original)}`);
      await copyFile(original, saved, constants.COPYFILE_FICLONE);
      entries.push({ original, kind: "file", saved, mode: info.mode & 0o7777 });
    }
  }
  const nonce = randomBytes(16).toString("hex");
  const recordFile = trust ? path.join(trust.recordDir, `${path.basename(backupDir)}.json`) : undefined;
  if (recordFile) {
    // Best effort: without the record a crash of this run is reported (JOURNAL_IGNORED), not undone.
    await mkdir(path.dirname(recordFile), { recursive: true, mode: 0o700 })
      .then(() => writeFile(recordFile, JSON.stringify({ dir: backupDir, nonce }), { mode: 0o600 }))
      .catch(() => {});
  }
  const backup: Backup = { dir: backupDir, entries, binDir: dir, existing, app, nonce, recordFile };
  await writeJournal(backup, "installing");
  return backup;
}

async function writeJournal(b: Backup, state: Journal["state"]): Promise<void> {
  const journal: Journal = {
    version: 1,
    state,
    pid: process.pid,
    ...(b.nonce ? { nonce: b.nonce } : {}),
    ...(b.existing ? { existing: b.existing } : {}),
    entries: b.entries,
  };
  const tmp = path.join(b.dir, "journal.json.tmp");
  await writeFile(tmp, JSON.stringify(journal));
  await rename(tmp, path.join(b.dir, "journal.json"));
}

/**
 * Puts every entry back, each with a single rename so no file is ever half-restored: a saved copy is
 * renamed into place (copied next to it first when it lives on another file system), a link is
 * recreated beside its place and renamed over it, and a file that did not exist before is removed.
 * Returns the paths restored; throws only after trying them all.
 */
export async function restoreBackup(b: Backup, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const restored: string[] = [];
  const errors: string[] = [];
  for (const e of b.entries) {
    if (skip.has(e.original)) continue;
    try {
      const tmp = `${e.original}.upkeep-restore-${process.pid}`;
      if (e.kind === "file" && e.saved) {
        try {
          await renameOverRunning(e.saved, e.original); // Windows: the running updater is renamed aside first
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
          await copyFile(e.saved, tmp);
          await rename(tmp, e.original);
        }
        if (e.mode !== undefined) await chmod(e.original, e.mode);
      } else if (e.kind === "symlink" && e.target !== undefined) {
        if (e.linked) await restoreLinked(e.linked);
        await rm(tmp, { force: true });
        await symlink(e.target, tmp);
        await rename(tmp, e.original);
      } else if (e.kind === "absent") {
        await unlink(e.original).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        });
      }
      restored.push(e.original);
    } catch (error) {
      errors.push(`${e.original}: ${(error as Error).message}`);
    }
  }
  if (errors.length) throw new Error(`could not restore ${errors.join("; ")} (the backup is kept in ${b.dir})`);
  await removeInstallerLeftovers(b);
  await rm(b.dir, { recursive: true, force: true });
  if (b.recordFile) await rm(b.recordFile, { force: true });
  return restored;
}

// What a killed installer leaves in the bin dir: our installers stage into `.<app>-staging.*`.
// Only such entries that were not there before the backup are removed; nothing else is touched.
async function removeInstallerLeftovers(b: Backup): Promise<void> {
  if (!b.binDir || !b.app || !b.existing) return;
  const before = new Set(b.existing);
  for (const name of await readdir(b.binDir).catch(() => [] as string[])) {
    if (!before.has(name) && name.startsWith(`.${b.app}-staging.`)) await rm(path.join(b.binDir, name), { recursive: true, force: true });
  }
}

// Puts back the file a link points to (and its store entry) if the failed install removed them.
async function restoreLinked(linked: NonNullable<BackupEntry["linked"]>): Promise<void> {
  if (await changed(linked.path, linked.saved)) {
    await mkdir(path.dirname(linked.path), { recursive: true });
    const tmp = `${linked.path}.upkeep-restore-${process.pid}`;
    await copyFile(linked.saved, tmp);
    await chmod(tmp, linked.mode);
    await rename(tmp, linked.path);
  }
  if (linked.userEntry) {
    await mkdir(path.dirname(linked.userEntry.path), { recursive: true });
    await writeFile(linked.userEntry.path, linked.userEntry.text);
  }
}

// Whether `file` is gone or differs from its saved copy (the same inode, a store hard link, is unchanged).
async function changed(file: string, saved: string): Promise<boolean> {
  const [now, was] = await Promise.all([stat(file).catch(() => undefined), stat(saved)]);
  if (!now) return true;
  if (now.ino === was.ino && now.dev === was.dev) return false;
  if (now.size !== was.size) return true;
  const [a, b] = await Promise.all([readFile(file), readFile(saved)]);
  return !a.equals(b);
}

/** The update succeeded: mark the journal done, then delete the backup. */
export async function discardBackup(b: Backup): Promise<void> {
  await writeJournal(b, "done").catch(() => {});
  await rm(b.dir, { recursive: true, force: true });
  if (b.recordFile) await rm(b.recordFile, { force: true });
}

/** What {@link recoverBackups} did. */
export interface Recovery {
  restored: string[];
  /** Backups found but not obeyed: not ours (see {@link trustedJournal}); left in place. */
  ignored: string[];
}

/**
 * Finishes what a killed run left in `dir`: an unfinished backup of ours is restored (that update
 * never completed), a finished one deleted. A backup that is not provably ours is left alone and
 * reported. Call it holding the app's lock, so no live update owns them.
 */
export async function recoverBackups(dir: string, app: string, trust: JournalTrust, receiptPath?: string): Promise<Recovery> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Recovery = { restored: [], ignored: [] };
  for (const name of names.filter((n) => n.startsWith(PREFIX(app)))) {
    const backupDir = path.join(dir, name);
    const found = await trustedJournal(backupDir, dir, trust, receiptPath);
    if (!found) {
      out.ignored.push(backupDir);
      continue;
    }
    const { journal, recordFile } = found;
    if (journal.state === "installing") {
      out.restored.push(...(await restoreBackup({ dir: backupDir, entries: journal.entries, binDir: dir, app, existing: journal.existing ?? [], recordFile })));
    } else {
      await rm(backupDir, { recursive: true, force: true });
      await rm(recordFile, { force: true });
    }
  }
  return out;
}

/**
 * A journal is obeyed only when it is ours: its directory and file belong to this user and are private
 * (not writable by others, not links), its nonce matches the record this run's predecessor wrote into
 * upkeep's cache directory, and it names only files directly inside the bin dir (or the receipt) and
 * saved copies inside the backup.
 */
export async function trustedJournal(
  backupDir: string,
  binDir: string,
  trust: JournalTrust,
  receiptPath?: string,
): Promise<{ journal: Journal; recordFile: string } | undefined> {
  const uid = process.getuid?.();
  const mine = (info: { uid: number; mode: number } | undefined): boolean =>
    info !== undefined && (uid === undefined || (info.uid === uid && (info.mode & 0o022) === 0));
  const dirInfo = await lstat(backupDir).catch(() => undefined);
  if (!dirInfo?.isDirectory() || !mine(dirInfo)) return undefined;
  const journalFile = path.join(backupDir, "journal.json");
  const fileInfo = await lstat(journalFile).catch(() => undefined);
  if (!fileInfo?.isFile() || !mine(fileInfo) || fileInfo.size > 4 * 1024 * 1024) return undefined;
  const recordFile = path.join(trust.recordDir, `${path.basename(backupDir)}.json`);
  let journal: Journal;
  let record: { dir?: unknown; nonce?: unknown };
  try {
    journal = JSON.parse(await readFile(journalFile, "utf8")) as Journal;
    record = JSON.parse(await readFile(recordFile, "utf8")) as typeof record;
  } catch {
    return undefined;
  }
  if (typeof journal.nonce !== "string" || record.nonce !== journal.nonce || record.dir !== backupDir || !Array.isArray(journal.entries)) return undefined;
  const inside = (p: unknown, d: string): boolean => typeof p === "string" && path.dirname(p) === d && path.basename(p) !== "" && !p.includes("\0");
  for (const e of journal.entries) {
    if (!(inside(e.original, binDir) || (receiptPath !== undefined && e.original === receiptPath))) return undefined;
    if (e.saved !== undefined && !inside(e.saved, backupDir)) return undefined;
    if (e.linked && !inside(e.linked.saved, backupDir)) return undefined;
  }
  return { journal, recordFile };
}
