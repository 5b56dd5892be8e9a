import path from "node:path";
import type { Platform } from "../types.js";

/** How an app name was found, or why none could be. */
export type AppNameResult =
  | { ok: true; app: string; from: "env" | "file" }
  | { ok: false; reason: "no-suffix" | "axoupdater" | "empty"; fileName: string };

const SUFFIX = "-update";

/**
 * Derives the app from the updater's own file name: `axolotlsay-update[.exe]` → `axolotlsay`.
 * `AXOUPDATER_APP_NAME` (passed as `override`) wins, as in axoupdater.
 */
export function appNameFromPath(invokedPath: string, platform: Platform, override?: string): AppNameResult {
  if (override !== undefined) return judge(override, override, "env");
  const windows = platform === "win32";
  let fileName = (windows ? path.win32 : path.posix).basename(invokedPath);
  // Windows file names are case-insensitive, so `AXOLOTLSAY-UPDATE.EXE` must work there too.
  const exe = windows ? /\.exe$/i : /\.exe$/;
  const suffix = windows ? /-update$/i : /-update$/;
  const stem = fileName.replace(exe, "");
  if (!suffix.test(stem)) return { ok: false, reason: "no-suffix", fileName };
  fileName = stem.slice(0, stem.length - SUFFIX.length);
  return judge(fileName, stem, "file");
}

function judge(app: string, fileName: string, from: "env" | "file"): AppNameResult {
  if (app === "") return { ok: false, reason: "empty", fileName };
  // axoupdater refuses its own name: a bare updater binary does not know which app to update.
  if (app === "axoupdater") return { ok: false, reason: "axoupdater", fileName };
  return { ok: true, app, from };
}
