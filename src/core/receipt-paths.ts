import path from "node:path";
import type { Platform } from "../types.js";

/** One directory that may hold `<app>-receipt.json`. */
export interface ReceiptCandidate {
  dir: string;
  /** Skip this directory unless it exists (axoupdater's rule for `$XDG_CONFIG_HOME/<app>`). */
  onlyIfDirExists: boolean;
  /** False for the AXOUPDATER_CONFIG_* overrides: the installer would not write there by itself. */
  standard: boolean;
}

/** The variables that steer the receipt search, as config.ts reads them (`receiptVars`). */
export interface ReceiptVars {
  /** AXOUPDATER_CONFIG_WORKING_DIR is set, to any value (even empty, as `env::var(..).is_ok()` in axoupdater). */
  workingDir: boolean;
  /** AXOUPDATER_CONFIG_PATH, when set (even empty). */
  configPath: string | undefined;
  /** $XDG_CONFIG_HOME. */
  xdgConfigHome: string | undefined;
  /** %LOCALAPPDATA% (Windows). */
  localAppData: string | undefined;
}

/** Inputs of the receipt search, all read by the caller. */
export interface ReceiptSearchInput {
  app: string;
  vars: ReceiptVars;
  platform: Platform;
  home: string | undefined;
  cwd: string;
}

/** File name of an app's receipt. */
export function receiptFileName(app: string): string {
  return `${app}-receipt.json`;
}

/**
 * Directories to look in, in axoupdater's order: the two overrides replace the search; otherwise
 * `$XDG_CONFIG_HOME/<app>` (when it exists), then `~/.config/<app>` (Linux, macOS) or
 * `%LOCALAPPDATA%\<app>` (Windows).
 */
export function receiptCandidates(input: ReceiptSearchInput): ReceiptCandidate[] {
  const { app, vars, platform, home, cwd } = input;
  const p = platform === "win32" ? path.win32 : path.posix;
  // Both overrides count as set even when empty, as `env::var(..).is_ok()` does in axoupdater.
  if (vars.workingDir) return [{ dir: cwd, onlyIfDirExists: false, standard: false }];
  if (vars.configPath !== undefined) {
    return [{ dir: p.resolve(cwd, vars.configPath), onlyIfDirExists: false, standard: false }];
  }
  const out: ReceiptCandidate[] = [];
  if (vars.xdgConfigHome) out.push({ dir: p.join(vars.xdgConfigHome, app), onlyIfDirExists: true, standard: true });
  if (platform === "win32") {
    if (vars.localAppData) out.push({ dir: p.join(vars.localAppData, app), onlyIfDirExists: false, standard: true });
  } else if (home) {
    out.push({ dir: p.join(home, ".config", app), onlyIfDirExists: false, standard: true });
  }
  return out;
}

/**
 * The directories whose `<app>/<app>-receipt.json` entries are the apps `upkeep list` finds: the
 * standard search's parents ($XDG_CONFIG_HOME, then ~/.config or %LOCALAPPDATA%), overrides ignored.
 */
export function receiptRoots(vars: Pick<ReceiptVars, "xdgConfigHome" | "localAppData">, platform: Platform, home: string | undefined): string[] {
  return [vars.xdgConfigHome, platform === "win32" ? vars.localAppData : home && path.join(home, ".config")].filter((r): r is string => Boolean(r));
}

/**
 * Windows: the receipt's own spelling of the app when ours differs from it only in case
 * (`AXOLOTLSAY-UPDATE.EXE` found `axolotlsay-receipt.json`): its `source.app_name`, else its file
 * name. Undefined when the names are the same.
 */
export function ownAppName(app: string, receiptAppName: string, receiptFile: string): string | undefined {
  const stem = receiptFile.replace(/-receipt\.json$/i, "");
  return [receiptAppName, stem].find((n) => n !== app && n.toLowerCase() === app.toLowerCase());
}
