import { access, realpath } from "node:fs/promises";
import { constants } from "node:fs";
import path from "node:path";
import type { Platform } from "../types.js";

/**
 * The absolute path this executable was invoked by, without resolving a final symlink (so a link named
 * `<app>-update` in the app's directory counts as living there). A bare name is looked up on PATH.
 */
export async function locateInvoked(invokedAs: string, cwd: string, envPath: string | undefined, platform: Platform): Promise<string> {
  const p = platform === "win32" ? path.win32 : path.posix;
  if (invokedAs.includes("/") || (platform === "win32" && invokedAs.includes("\\"))) return p.resolve(cwd, invokedAs);
  const names = platform === "win32" && !/\.exe$/i.test(invokedAs) ? [invokedAs, `${invokedAs}.exe`] : [invokedAs];
  for (const dir of (envPath ?? "").split(p.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = p.resolve(cwd, dir, name);
      try {
        await access(candidate, platform === "win32" ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return p.resolve(cwd, invokedAs);
}

/** `realpath` of a directory, or the path as given when it does not exist (axoupdater 0.7.2). */
export async function canonicalDir(dir: string): Promise<string> {
  try {
    return await realpath(dir);
  } catch {
    return dir;
  }
}
