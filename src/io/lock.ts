import { mkdir, open, readFile, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describeHolder, formatLock, isStale, parseLock, type LockRecord } from "../core/lock.js";
import { UpdaterError } from "../errors.js";

/** A held lock; release it when the update is over. */
export interface Lock {
  path: string;
  release(): Promise<void>;
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  dir: string;
  app: string;
  version: string;
  /** How long to wait for another update to finish before giving up with LOCKED. */
  waitMs: number;
  signal?: AbortSignal | undefined;
}

/** Whether a process exists (EPERM means it does, but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<dir>/<app>.lock` with an exclusive create. A lock whose holder died (same host, no such
 * pid) or that is over an hour old is taken over; a live one is waited for, then LOCKED names it.
 * Returns undefined when the lock directory cannot be written at all (the update goes on unlocked).
 */
export async function acquireLock(o: LockOptions): Promise<Lock | undefined> {
  const file = path.join(o.dir, `${o.app}.lock`);
  const me: LockRecord = { pid: process.pid, host: os.hostname(), started: Date.now(), app: o.app, version: o.version };
  const mine = formatLock(me);
  try {
    await mkdir(o.dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(mine);
      await handle.close();
      return {
        path: file,
        release: async () => {
          // Only remove the lock if it is still ours.
          if ((await readFile(file, "utf8").catch(() => "")) === mine) await unlink(file).catch(() => {});
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") return undefined;
    }
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) continue; // released between our two calls
    const holder = parseLock(text);
    if (isStale(holder, Date.now(), me.host, pidAlive)) {
      // Remove it only if it is still the lock we judged stale.
      if ((await readFile(file, "utf8").catch(() => undefined)) === text) await unlink(file).catch(() => {});
      continue;
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      throw new UpdaterError("LOCKED", `Another update of ${o.app} is running: ${describeHolder(holder, Date.now())}.`, {
        hint: `Wait for it to finish and try again. If no update is running, delete ${file}.`,
        details: { lock: file, holder: holder ?? null },
      });
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}
