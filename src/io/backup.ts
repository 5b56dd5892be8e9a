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
   * Set when `saved` is a hard link to the original rather than a copy: the shared inode's size and
   * mtime (ns) as they were. An installer that writes over the original in place changes both, and
   * the backup with it; such a file cannot be restored (see {@link lostFiles}).
   */
  hardLink?: HardLinkStamp;
  /**
   * A link to a file outside the backed-up directory (the shared updater in upkeep's store) keeps a
   * copy of that file too, and its store `users/` entry: the installer may delete an unused store
   * version, and a restored link must not dangle.
   */
  linked?: { path: string; saved: string; mode: number; userEntry?: { path: string; text: string }; hardLink?: HardLinkStamp };
}

/** What a hard-linked backup's inode looked like when the link was made. */
export interface HardLinkStamp {
  size: number;
  mtimeNs: string;
  /** Absent in journals of earlier builds. */
  ctimeNs?: string;
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

/** Options of {@link createBackup}. */
export interface BackupOptions {
  /** Files that may be saved by hard link: those the installer replaces by rename (see core/replace-mode.ts). */
  hardLink?: ReadonlySet<string>;
}

/**
 * Saves `files` (those that exist) into a fresh directory inside `dir`, which is on the same file
 * system as the install, and writes the journal (and its nonce into `trust.recordDir`). A file is
 * copied (cloned where the file system can) unless `options.hardLink` names it: then it is cloned,
 * else hard-linked (free, even for the 100 MB updater), else copied. A hard link is only safe from an
 * installer that replaces files by rename; one that writes over a file in place changes the backup
 * too, which {@link restoreBackup} notices. A symlink keeps its target's content as well (a receipt
 * linked from a dotfile repository is rewritten through the link); a file in upkeep's shared store,
 * replaced by rename and never in place, is hard-linked like a listed one.
 */
export async function createBackup(files: readonly string[], dir: string, app: string, trust?: JournalTrust, options: BackupOptions = {}): Promise<Backup> {
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
        const hardLink = await save(resolved, saved, inStore);
        const userPath = path.join(path.dirname(resolved), "users", original.replaceAll("/", "%"));
        const text = inStore ? await readFile(userPath, "utf8").catch(() => undefined) : undefined;
        entry.linked = {
          path: resolved,
          saved,
          mode: targetInfo.mode & 0o7777,
          ...(text !== undefined ? { userEntry: { path: userPath, text } } : {}),
          ...(hardLink ? { hardLink } : {}),
        };
      } else if (targetInfo?.isFile() && !listed.has(resolved)) {
        // A link to a file beside it that is not backed up as its own entry: keep its content too.
        const saved = path.join(backupDir, `${n++}-linked-${path.basename(resolved)}`);
        await save(resolved, saved, false);
        entry.linked = { path: resolved, saved, mode: targetInfo.mode & 0o7777 };
      }
      entries.push(entry);
    } else {
      const saved = path.join(backupDir, `${n++}-${path.basename(original)}`);
      const hardLink = await save(original, saved, options.hardLink?.has(original) === true);
      entries.push({ original, kind: "file", saved, mode: info.mode & 0o7777, ...(hardLink ? { hardLink } : {}) });
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

// Saves `from` as `to`: a clone (its own blocks, so no write to `from` reaches it) where the file system
// has them; else, when allowed, a hard link, stamped so that a write through it is noticed; else a copy
// (also when the link fails: another file system, a file system without hard links).
async function save(from: string, to: string, mayLink: boolean): Promise<HardLinkStamp | undefined> {
  if (mayLink) {
    const cloned = await copyFile(from, to, constants.COPYFILE_FICLONE_FORCE).then(
      () => true,
      () => rm(to, { force: true }).then(() => false),
    );
    if (cloned) return undefined;
    const linked = await link(from, to).then(
      () => true,
      () => false,
    );
    if (linked) {
      const s = await stat(to, { bigint: true });
      return { size: Number(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
    }
  }
  await copyFile(from, to, constants.COPYFILE_FICLONE);
  return undefined;
}

// Whether a hard-linked backup was written to since it was made, i.e. an installer rewrote the original
// in place: it then holds that installer's bytes, not the old ones. A changed size or mtime says so; a
// changed ctime does when the original path is still that inode (`cp -p` keeps the mtime), while a
// rename over the original changes the ctime too (one link fewer) but leaves the backup's bytes alone.
// Not for a file in the shared store: other apps' updates link and unlink it while this one runs.
async function rewritten(saved: string, stamp: HardLinkStamp | undefined, original: string, byCtime = true): Promise<boolean> {
  if (!stamp) return false;
  const now = await stat(saved, { bigint: true }).catch(() => undefined);
  if (now === undefined) return false;
  if (Number(now.size) !== stamp.size || String(now.mtimeNs) !== stamp.mtimeNs) return true;
  if (!byCtime || stamp.ctimeNs === undefined || String(now.ctimeNs) === stamp.ctimeNs) return false;
  const there = await stat(original, { bigint: true }).catch(() => undefined);
  return there !== undefined && there.ino === now.ino && there.dev === now.dev;
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
 * The files whose old content is gone: their backup was a hard link, and the installer wrote over the
 * original in place (its receipt said it replaces files by rename). {@link restoreBackup} leaves them
 * as the installer left them.
 */
export async function lostFiles(b: Backup): Promise<string[]> {
  const lost: string[] = [];
  for (const e of b.entries) {
    if (e.saved && (await rewritten(e.saved, e.hardLink, e.original))) lost.push(e.original);
    if (e.linked && (await rewritten(e.linked.saved, e.linked.hardLink, e.linked.path, false))) lost.push(e.linked.path);
  }
  return lost;
}

/**
 * Puts every entry back, each with a single rename so no file is ever half-restored: a saved copy is
 * renamed into place (copied next to it first when it lives on another file system), a link is
 * recreated beside its place and renamed over it, and a file that did not exist before is removed.
 * A hard-linked backup that was written through holds the new bytes: it is not put back (see
 * {@link lostFiles}). Returns the paths restored; throws only after trying them all.
 */
export async function restoreBackup(b: Backup, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const restored: string[] = [];
  const errors: string[] = [];
  for (const e of b.entries) {
    if (skip.has(e.original)) continue;
    try {
      const tmp = `${e.original}.upkeep-restore-${process.pid}`;
      if (e.kind === "file" && e.saved) {
        if (await rewritten(e.saved, e.hardLink, e.original)) continue;
        try {
          await renameOverRunning(e.saved, e.original); // Windows: the running updater is renamed aside first
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
          await copyFile(e.saved, tmp);
          await rename(tmp, e.original);
        }
        if (e.mode !== undefined) await chmod(e.original, e.mode);
      } else if (e.kind === "symlink" && e.target !== undefined) {
        if (e.linked && !(await rewritten(e.linked.saved, e.linked.hardLink, e.linked.path, false))) await restoreLinked(e.linked);
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
  /** Files an interrupted installer wrote over in place through a hard-linked backup (see {@link lostFiles}). */
  lost: string[];
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
  const out: Recovery = { restored: [], lost: [], ignored: [] };
  for (const name of names.filter((n) => n.startsWith(PREFIX(app)))) {
    const backupDir = path.join(dir, name);
    const found = await trustedJournal(backupDir, dir, trust, receiptPath);
    if (!found) {
      out.ignored.push(backupDir);
      continue;
    }
    const { journal, recordFile } = found;
    if (journal.state === "installing") {
      const b: Backup = { dir: backupDir, entries: journal.entries, binDir: dir, app, existing: journal.existing ?? [], recordFile };
      out.lost.push(...(await lostFiles(b)));
      out.restored.push(...(await restoreBackup(b)));
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
