import { readdir, rename, unlink } from "node:fs/promises";
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
    if (await fs.unlink(file).then(() => true, () => false)) removed.push(file);
  }
  return removed;
}
