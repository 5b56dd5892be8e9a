import path from "node:path";
import type { Platform } from "../types.js";

/** How an app name was found, or why none could be. */
export type AppNameResult = { ok: true; app: string; from: "env" | "file" } | { ok: false; reason: "no-suffix" | "axoupdater" | "empty"; fileName: string };

const SUFFIX = "-update";
const PREVIOUS = /\.previous-[A-Za-z0-9]+$/i;

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
  let stem = fileName.replace(exe, "");
  // Windows: the copy a killed update left moved aside (`<app>-update.previous-<hex>.exe`, see
  // core/self-move.ts) is still this app's updater, and must run to recover the install.
  if (windows && exe.test(fileName)) stem = stem.replace(PREVIOUS, "");
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

/**
 * Why `name` cannot be an app's name, or undefined when it can: it becomes file names (`<app>-receipt.json`,
 * `<app>-update`) and variable names, so no path separators, `.`/`..`, whitespace, control or Windows-reserved
 * characters.
 */
export function appNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name === "." || name === "..") return "it is a directory name";
  if (/[/\\]/.test(name)) return "it contains a path separator";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\s\u0000-\u001f\u007f:*?"<>|]/.test(name)) return 'it contains whitespace, a control character or one of : * ? " < > |';
  if (name.length > 200) return "it is longer than 200 characters";
  return undefined;
}
