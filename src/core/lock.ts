/** What a lock file says about the update holding it. */
export interface LockRecord {
  pid: number;
  host: string;
  /** Milliseconds since the epoch. */
  started: number;
  app: string;
  version: string;
}

/** A lock older than this is considered abandoned even if its process id is alive (it may be reused). */
export const LOCK_MAX_AGE_MS = 60 * 60 * 1000;

/** The lock file's contents. */
export function formatLock(record: LockRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** The record in a lock file, or undefined when it is unreadable (then treated as stale). */
export function parseLock(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (typeof r.pid !== "number" || typeof r.host !== "string" || typeof r.started !== "number") return undefined;
    return { pid: r.pid, host: r.host, started: r.started, app: String(r.app ?? ""), version: String(r.version ?? "") };
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock can be taken over: unreadable, older than {@link LOCK_MAX_AGE_MS}, or held by a
 * process of this host that no longer exists. A live process on another host is never second-guessed.
 */
export function isStale(record: LockRecord | undefined, now: number, host: string, pidAlive: (pid: number) => boolean): boolean {
  if (!record) return true;
  if (now - record.started > LOCK_MAX_AGE_MS) return true;
  return record.host === host && !pidAlive(record.pid);
}

/** "pid 123 on build-7, for 42 s" — for LOCKED messages. */
export function describeHolder(record: LockRecord | undefined, now: number): string {
  if (!record) return "an unknown process";
  const seconds = Math.max(0, Math.round((now - record.started) / 1000));
  return `pid ${record.pid} on ${record.host} (upkeep ${record.version}, running for ${seconds} s)`;
}

/** What is at an existing lock path, as `lstat`/`fstat` say (a symlink is never followed). */
export interface LockPathInfo {
  kind: "file" | "symlink" | "directory" | "fifo" | "socket" | "device" | "other";
  /** Owner; undefined where there are no uids (Windows). */
  uid: number | undefined;
  /** The file could not be opened for reading (EACCES). */
  unreadable?: boolean;
}

const KIND_TEXT: Record<LockPathInfo["kind"], string> = {
  file: "a file",
  symlink: "a symbolic link",
  directory: "a directory",
  fifo: "a FIFO",
  socket: "a socket",
  device: "a device",
  other: "something that is not a file",
};

/**
 * Why an existing lock path is not a lock upkeep may read and replace, or undefined when it is one: only
 * a regular file of this user, readable, is. Anything else (a symlink, a directory, a FIFO, another
 * user's file — what a killed `sudo` run leaves) would otherwise be waited on for ever, so it fails at
 * once. Taking over another user's stale lock would leave a lock that user cannot remove in turn.
 */
export function unusableLock(info: LockPathInfo, myUid: number | undefined): string | undefined {
  if (info.kind !== "file") return `is ${KIND_TEXT[info.kind]}, not a lock file`;
  if (myUid !== undefined && info.uid !== undefined && info.uid !== myUid) return `belongs to another user (uid ${info.uid})`;
  if (info.unreadable) return "cannot be read by you";
  return undefined;
}

/** The command that clears a lock path: `rm -rf`, with `sudo` when the path is another user's. */
export function clearLockCommand(file: string, info: LockPathInfo, myUid: number | undefined, platform: string): string {
  if (platform === "win32") return `Remove-Item -Recurse -Force '${file.replaceAll("'", "''")}'`;
  const quoted = /^[\w@%+=:,./-]+$/.test(file) ? file : `'${file.replaceAll("'", `'\\''`)}'`;
  const sudo = myUid !== undefined && myUid !== 0 && info.uid !== undefined && info.uid !== myUid;
  return `${sudo ? "sudo " : ""}rm -rf ${quoted}`;
}
