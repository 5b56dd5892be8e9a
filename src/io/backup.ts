import { constants } from "node:fs";
import { chmod, copyFile, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

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
}

interface Journal {
  version: 1;
  state: "installing" | "done";
  pid: number;
  entries: BackupEntry[];
}

const PREFIX = (app: string): string => `.${app}-upkeep-backup-`;

/**
 * Copies `files` (those that exist) into a fresh directory inside `dir`, which is on the same file
 * system as the install, and writes the journal. Copies, not hard links: an old installer that
 * overwrites a binary in place would change a hard-linked backup too.
 */
export async function createBackup(files: readonly string[], dir: string, app: string): Promise<Backup> {
  const backupDir = await mkdtemp(path.join(dir, PREFIX(app)));
  const entries: BackupEntry[] = [];
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
        // Store files are replaced by rename, never rewritten in place, so a hard link is a safe and
        // free backup (~100 MB not copied on every update); another file system gets a copy.
        await link(resolved, saved).catch(() => copyFile(resolved, saved, constants.COPYFILE_FICLONE));
        const userPath = path.join(path.dirname(resolved), "users", original.replaceAll("/", "%"));
        const text = await readFile(userPath, "utf8").catch(() => undefined);
        entry.linked = { path: resolved, saved, mode: targetInfo.mode & 0o7777, ...(text !== undefined ? { userEntry: { path: userPath, text } } : {}) };
      }
      entries.push(entry);
    } else {
      const saved = path.join(backupDir, `${n++}-${path.basename(original)}`);
      await copyFile(original, saved, constants.COPYFILE_FICLONE);
      entries.push({ original, kind: "file", saved, mode: info.mode & 0o7777 });
    }
  }
  const backup = { dir: backupDir, entries };
  await writeJournal(backup, "installing");
  return backup;
}

async function writeJournal(b: Backup, state: Journal["state"]): Promise<void> {
  const journal: Journal = { version: 1, state, pid: process.pid, entries: b.entries };
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
          await rename(e.saved, e.original);
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
  await rm(b.dir, { recursive: true, force: true });
  return restored;
}

// Puts back the file a link points to (and its store entry) if the failed install removed them.
async function restoreLinked(linked: NonNullable<BackupEntry["linked"]>): Promise<void> {
  if (!(await stat(linked.path).catch(() => undefined))) {
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

/** The update succeeded: mark the journal done, then delete the backup. */
export async function discardBackup(b: Backup): Promise<void> {
  await writeJournal(b, "done").catch(() => {});
  await rm(b.dir, { recursive: true, force: true });
}

/**
 * Finishes what a killed run left in `dir`: an unfinished backup is restored (that update never
 * completed), a finished one deleted. Call it holding the app's lock, so no live update owns them.
 * Returns the paths restored.
 */
export async function recoverBackups(dir: string, app: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const restored: string[] = [];
  for (const name of names.filter((n) => n.startsWith(PREFIX(app)))) {
    const backupDir = path.join(dir, name);
    const journal = await readFile(path.join(backupDir, "journal.json"), "utf8")
      .then((t) => JSON.parse(t) as Journal)
      .catch(() => undefined);
    if (journal?.state === "installing") restored.push(...(await restoreBackup({ dir: backupDir, entries: journal.entries })));
    else await rm(backupDir, { recursive: true, force: true });
  }
  return restored;
}
