import { open, readdir, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { selfMoveTarget, staleSelfCopies } from "../core/self-move.js";
import type { Platform } from "../types.js";

/** The file operations used here, replaceable so the Windows logic is tested on any system. */
export interface SelfMoveFs {
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
}

const realFs: SelfMoveFs = { rename, unlink, readdir: (d) => readdir(d) };

/** The running updater moved aside (or not), and how to put it back. */
export interface MovedSelf {
  movedTo: string | undefined;
  /** Puts the running updater back in place (after a failed install). */
  restore(): Promise<void>;
}

/** On Windows, renames the running `<app>-update.exe` to a unique `.previous` name; elsewhere does nothing. */
export async function moveSelfAside(exePath: string, platform: Platform, fs: SelfMoveFs = realFs): Promise<MovedSelf> {
  const target = selfMoveTarget(exePath, platform, randomBytes(6).toString("hex"));
  if (!target) return { movedTo: undefined, restore: async () => {} };
  await fs.rename(exePath, target);
  return {
    movedTo: target,
    restore: async () => {
      // The installer may have put a new copy in place; the old one wins after a failure.
      await fs.unlink(exePath).catch(() => {});
      await fs.rename(target, exePath);
    },
  };
}

/** Deletes `.previous` copies left by earlier updates (Windows could not delete them while they ran). */
export async function removeStaleSelfCopies(exePath: string, platform: Platform, fs: SelfMoveFs = realFs): Promise<string[]> {
  if (platform !== "win32") return [];
  const cut = Math.max(exePath.lastIndexOf("/"), exePath.lastIndexOf("\\"));
  const dir = exePath.slice(0, cut + 1) || ".";
  const removed: string[] = [];
  for (const name of staleSelfCopies(await fs.readdir(dir).catch(() => []), path.win32.basename(exePath))) {
    const file = `${dir}${name}`;
    if (
      await fs.unlink(file).then(
        () => true,
        () => false,
      )
    )
      removed.push(file);
  }
  return removed;
}

/**
 * Renames `from` over `to`, as a backup is put back. Windows cannot replace a running `.exe`, only
 * rename it, and the updater that recovers a killed update is usually the very `<app>-update.exe` it
 * restores (the new copy the installer had put there). So when the rename over an updater
 * (`*-update.exe`) is refused, that file is left alone if it is byte-identical to the saved copy (the
 * update was killed before the installer replaced it), else first renamed aside to a `.previous` name,
 * as {@link moveSelfAside} does, and a later run deletes it ({@link removeStaleSelfCopies}).
 */
export async function renameOverRunning(from: string, to: string, fs: SelfMoveFs = realFs): Promise<void> {
  try {
    await fs.rename(from, to);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!(code === "EPERM" || code === "EACCES" || code === "EBUSY") || !/-update\.exe$/i.test(to)) throw error;
  }
  if (await sameContent(from, to)) return;
  const aside = selfMoveTarget(to, "win32", randomBytes(6).toString("hex")) as string;
  await fs.rename(to, aside);
  try {
    await fs.rename(from, to);
  } catch (error) {
    await fs.rename(aside, to).catch(() => {});
    throw error;
  }
}

// Whether two files hold the same bytes (false when either cannot be read).
async function sameContent(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([open(a, "r").catch(() => undefined), open(b, "r").catch(() => undefined)]);
  try {
    if (!fa || !fb) return false;
    const [sa, sb] = await Promise.all([fa.stat(), fb.stat()]);
    if (sa.size !== sb.size) return false;
    const [ba, bb] = [Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)];
    for (let at = 0; at < sa.size; ) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, at), fb.read(bb, 0, bb.length, at)]);
      if (ra.bytesRead === 0 || ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
      at += ra.bytesRead;
    }
    return true;
  } finally {
    await fa?.close();
    await fb?.close();
  }
}
