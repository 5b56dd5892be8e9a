import path from "node:path";
import type { Platform } from "../types.js";

/**
 * Windows cannot replace a running .exe, but can rename it: before the installer copies the new
 * `<app>-update.exe` into place, the running one moves aside to a unique `.previous` name in the same
 * directory (same drive, so the rename cannot fail across volumes, axoupdater#120).
 * Returns where to move it, or undefined on other platforms (a rename-based installer needs nothing).
 */
export function selfMoveTarget(exePath: string, platform: Platform, unique: string): string | undefined {
  if (platform !== "win32") return undefined;
  // Keep the path's own separator, so the same logic can be exercised on any file system.
  const cut = Math.max(exePath.lastIndexOf("/"), exePath.lastIndexOf("\\"));
  const base = path.win32.basename(exePath).replace(/\.exe$/i, "");
  return `${exePath.slice(0, cut + 1)}${base}.previous-${unique}.exe`;
}

/**
 * Leftovers of earlier runs in the updater's directory: `.previous` copies that could not be deleted
 * while they were running. `current` is the updater's own file name; its live copy is never listed.
 */
export function staleSelfCopies(entries: readonly string[], current: string): string[] {
  const base = current.replace(/\.exe$/i, "");
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^${escaped}\\.previous-[A-Za-z0-9]+\\.exe$`, "i");
  return entries.filter((e) => re.test(e));
}

/**
 * The updater file an update backs up, moves aside and verifies, for the executable that runs. On
 * Windows that is `<app>-update.exe` beside it also when it runs under another case of that name
 * (`AXOLOTLSAY-UPDATE.EXE`: the same file there) or as a `.previous` copy a killed update left behind
 * (the real one is then missing or restored by the recovery); elsewhere the executable itself.
 */
export function ownUpdaterPath(exePath: string, app: string, platform: Platform): string {
  if (platform !== "win32") return exePath;
  const escaped = app.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (!new RegExp(`^${escaped}-update(\\.previous-[A-Za-z0-9]+)?\\.exe$`, "i").test(path.win32.basename(exePath))) return exePath;
  const cut = Math.max(exePath.lastIndexOf("/"), exePath.lastIndexOf("\\"));
  return `${exePath.slice(0, cut + 1)}${app}-update.exe`;
}
