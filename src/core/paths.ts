import path from "node:path";
import type { Platform } from "../types.js";

/** The variables the cache directory depends on, as read by config.ts. */
export interface CacheDirVars {
  /** %LOCALAPPDATA% (Windows). */
  localAppData?: string | undefined;
  /** $XDG_CACHE_HOME (Linux and the other Unixes). */
  xdgCacheHome?: string | undefined;
}

/**
 * upkeep's cache directory for a given environment, by env-paths' rules (`envPaths("upkeep",
 * {suffix: ""}).cache`): `~/Library/Caches/upkeep`, `%LOCALAPPDATA%\upkeep\Cache`, or
 * `${XDG_CACHE_HOME:-~/.cache}/upkeep`. Used when a caller supplies its own environment.
 */
export function userCacheDir(vars: CacheDirVars, platform: Platform, home: string): string {
  if (platform === "darwin") return path.posix.join(home, "Library", "Caches", "upkeep");
  if (platform === "win32") return path.win32.join(vars.localAppData || path.win32.join(home, "AppData", "Local"), "upkeep", "Cache");
  return path.posix.join(vars.xdgCacheHome || path.posix.join(home, ".cache"), "upkeep");
}

/** The variables that place upkeep's trusted-keys directory. */
export interface KeyDirVars {
  xdgConfigHome: string | undefined;
  localAppData: string | undefined;
}

/**
 * The per-app trust file of signing keys: `${XDG_CONFIG_HOME:-~/.config}/upkeep/keys/<app>.pub` (macOS
 * too, where command-line tools keep their settings there), `%LOCALAPPDATA%\upkeep\keys\<app>.pub` on Windows.
 */
export function trustFilePath(vars: KeyDirVars, platform: Platform, home: string, app: string): string {
  if (platform === "win32") return path.win32.join(vars.localAppData || path.win32.join(home, "AppData", "Local"), "upkeep", "keys", `${app}.pub`);
  return path.posix.join(vars.xdgConfigHome || path.posix.join(home, ".config"), "upkeep", "keys", `${app}.pub`);
}

/**
 * Where an app's binaries live: next to the updater when it was found there, else by the receipt's
 * layout (`cargo-home` → `<root>/bin`), else `<root>/bin` when the root is not itself a `bin`.
 */
export function binDirOf(root: string, layout: string, updaterDir: string | undefined, platform: Platform): string {
  const p = platform === "win32" ? path.win32 : path.posix;
  if (updaterDir) return updaterDir;
  if (layout === "cargo-home" || layout === "hierarchical") return p.join(root, "bin");
  if (layout === "flat") return root;
  return p.basename(root) === "bin" ? root : p.join(root, "bin");
}

/** The files an update may replace: each binary, each alias, and the app's updater. */
export function protectedFiles(
  binDir: string,
  binaries: readonly string[],
  aliases: Readonly<Record<string, readonly string[]>>,
  app: string,
  platform: Platform,
): string[] {
  const p = platform === "win32" ? path.win32 : path.posix;
  const names = new Set<string>([...binaries, ...Object.values(aliases).flat(), platform === "win32" ? `${app}-update.exe` : `${app}-update`]);
  return [...names].map((n) => p.join(binDir, n));
}

/**
 * The first directory on PATH holding `name` (as `exists` reports), to tell whether an updated binary
 * is shadowed by another copy earlier on PATH.
 */
export function firstOnPath(name: string, pathValue: string | undefined, platform: Platform, exists: (file: string) => boolean): string | undefined {
  const p = platform === "win32" ? path.win32 : path.posix;
  const names = platform === "win32" && !/\.(exe|cmd|bat)$/i.test(name) ? [`${name}.exe`, `${name}.cmd`, `${name}.bat`, name] : [name];
  for (const dir of (pathValue ?? "").split(p.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const file = p.join(dir, n);
      if (exists(file)) return file;
    }
  }
  return undefined;
}
