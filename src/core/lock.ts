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
