import { constants, type Stats } from "node:fs";
import { lstat, mkdir, open, unlink, type FileHandle } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { clearLockCommand, describeHolder, formatLock, isStale, parseLock, unusableLock, type LockPathInfo, type LockRecord } from "../core/lock.js";
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

/**
 * The lock texts this process holds. A lock naming this process's own pid that is not among them was
 * left by a dead process whose pid the system gave to us (wine hands out the lowest free pid at once):
 * asking the system would say "alive" and the stale lock would stop every later run.
 */
const held = new Set<string>();

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
 * Takes `<dir>/<app>.lock` with an exclusive create (never through a symlink). A lock whose holder died
 * (same host, no such pid) or that is over an hour old is taken over; a live one is waited for (`waitMs`,
 * or until `signal` aborts: INTERRUPTED), then LOCKED names it. A lock path that is not a regular file
 * of this user (a symlink, a directory, a FIFO, another user's file) fails at once with LOCKED, naming
 * the path and the command that clears it. Returns undefined when the lock directory cannot be created
 * or written at all (the update goes on unlocked).
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
    if (o.signal?.aborted) throw interrupted(o.app);
    let handle: FileHandle | undefined;
    try {
      handle = await open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | NOFOLLOW, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") return undefined;
    }
    if (handle) {
      try {
        await handle.writeFile(mine);
      } catch {
        await handle.close().catch(() => {});
        await unlink(file).catch(() => {});
        return undefined;
      }
      await handle.close();
      held.add(mine);
      return {
        path: file,
        release: async () => {
          held.delete(mine);
          // Only remove the lock if it is still ours.
          if ((await readLock(file)).text === mine) await unlink(file).catch(() => {});
        },
      };
    }
    const found = await readLock(file);
    if (found.unusable) {
      const { info, problem } = found.unusable;
      throw new UpdaterError("LOCKED", `Cannot take the lock for updating ${o.app}: ${file} ${problem}.`, {
        hint: `If no update of ${o.app} is running, remove it with \`${clearLockCommand(file, info, myUid(), os.platform())}\` and try again.`,
        details: { lock: file, holder: null },
      });
    }
    if (found.text === undefined) continue; // released between our two calls
    const holder = parseLock(found.text);
    const text = found.text;
    if (isStale(holder, Date.now(), me.host, (pid) => (pid === me.pid ? held.has(text) : pidAlive(pid)))) {
      // Remove it only if it is still the lock we judged stale.
      if ((await readLock(file)).text === found.text) await unlink(file).catch(() => {});
      continue;
    }
    if (Date.now() >= deadline) {
      throw new UpdaterError("LOCKED", `Another update of ${o.app} is running: ${describeHolder(holder, Date.now())}.`, {
        hint: `Wait for it to finish and try again. If no update is running, delete ${file}.`,
        details: { lock: file, holder: holder ?? null },
      });
    }
    await sleep(Math.min(150, Math.max(10, deadline - Date.now())), o.signal);
  }
}

// Where O_NOFOLLOW does not exist (Windows) it is 0: symlinks there need privileges to make.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

const myUid = (): number | undefined => process.getuid?.();

const interrupted = (app: string): UpdaterError =>
  new UpdaterError("INTERRUPTED", `The update of ${app} was interrupted while waiting for another update of it to finish; nothing was changed.`, {
    hint: `Run ${app}-update again when you are ready.`,
  });

/**
 * What the lock path holds: its text (at most 4 KiB), nothing (`text` undefined: it is gone), or why it
 * is not a lock we may use. Never follows a symlink and never blocks on a FIFO.
 */
async function readLock(file: string): Promise<{ text?: string; unusable?: { info: LockPathInfo; problem: string } }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return {};
    // ELOOP: a symlink (O_NOFOLLOW); EACCES: another user's file. Look at it without following.
    const st = await lstat(file).catch(() => undefined);
    if (!st) return {};
    const info: LockPathInfo = { ...pathInfo(st), unreadable: true };
    return { unusable: { info, problem: unusableLock(info, myUid()) ?? `cannot be opened (${code ?? String(error)})` } };
  }
  try {
    const info = pathInfo(await handle.stat());
    const problem = unusableLock(info, myUid());
    if (problem) return { unusable: { info, problem } };
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, bytesRead).toString("utf8") };
  } finally {
    await handle.close().catch(() => {});
  }
}

function pathInfo(st: Stats): Omit<LockPathInfo, "unreadable"> {
  const kind: LockPathInfo["kind"] = st.isFile()
    ? "file"
    : st.isSymbolicLink()
      ? "symlink"
      : st.isDirectory()
        ? "directory"
        : st.isFIFO()
          ? "fifo"
          : st.isSocket()
            ? "socket"
            : st.isCharacterDevice() || st.isBlockDevice()
              ? "device"
              : "other";
  return { kind, uid: os.platform() === "win32" ? undefined : st.uid };
}

// Waits `ms`, or less when `signal` aborts.
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
