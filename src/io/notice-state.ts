import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

/** What the last check found, kept for the notices of the interval that follows it. */
export interface CheckRecord {
  app: string;
  /** The check answered (false: it failed or is still running; it counts as a check all the same). */
  ok: boolean;
  /** The installed version when it checked. */
  current?: string | undefined;
  /** The newest version it found (after a failed check, the one found before, if any). */
  latest?: string | undefined;
  tag?: string | undefined;
  /** The error code of a failed check. */
  error?: string | undefined;
}

/** The two files of one app's notice: the last check and the last notice, each timed by its mtime. */
export interface NoticeFiles {
  check: string;
  notice: string;
}

/** The notice's files for `app` in upkeep's cache directory (`<cacheDir>/notify/<app>.check.json`, `….notice.json`). */
export function noticeFiles(cacheDir: string, app: string): NoticeFiles {
  const dir = path.join(cacheDir, "notify");
  return { check: path.join(dir, `${app}.check.json`), notice: path.join(dir, `${app}.notice.json`) };
}

/** The times of the last check and notice (mtimes, ms) and the last check's record; missing or unreadable ones are absent. */
export async function readNoticeState(files: NoticeFiles): Promise<{ checkedAt?: number; notifiedAt?: number; record?: CheckRecord }> {
  const [checkedAt, notifiedAt, record] = await Promise.all([mtimeOf(files.check), mtimeOf(files.notice), readRecord(files.check)]);
  return { ...(checkedAt !== undefined ? { checkedAt } : {}), ...(notifiedAt !== undefined ? { notifiedAt } : {}), ...(record ? { record } : {}) };
}

// A file's modification time in ms, or undefined when it cannot be read.
async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

// The check file's record, or undefined when it is missing, not JSON or not a record.
async function readRecord(file: string): Promise<CheckRecord | undefined> {
  try {
    const data = JSON.parse(await readFile(file, "utf8")) as Partial<CheckRecord> | null;
    if (!data || typeof data.app !== "string" || typeof data.ok !== "boolean") return undefined;
    const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
    return { app: data.app, ok: data.ok, current: text(data.current), latest: text(data.latest), tag: text(data.tag), error: text(data.error) };
  } catch {
    return undefined;
  }
}

/**
 * Writes `data` as JSON to `file` (through a temporary file and a rename, so a reader never sees half of
 * it); its mtime becomes the event's time. False when it cannot be written (read-only or missing cache
 * directory, a file in the way): the caller then does not do what it could not record.
 */
export async function writeNoticeFile(file: string, data: unknown): Promise<boolean> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(tmp, `${JSON.stringify(data)}\n`, { mode: 0o600 });
    await rename(tmp, file);
    return true;
  } catch {
    await unlink(tmp).catch(() => {});
    return false;
  }
}
