import path from "node:path";
import type { Platform } from "../types.js";

/**
 * axoupdater's "is this receipt for me?" test on already-canonical paths: the updater's directory must be
 * the receipt's install root, or its `bin/` subdirectory when the root itself is not a `bin` directory
 * (cargo-home layout keeps binaries in `<root>/bin`).
 */
export function receiptMatchesExecutable(exeDir: string, receiptRoot: string, platform: Platform): boolean {
  const p = platform === "win32" ? path.win32 : path.posix;
  let dir = p.normalize(exeDir);
  const root = p.normalize(receiptRoot);
  if (p.basename(dir) === "bin" && p.basename(root) !== "bin") dir = p.dirname(dir);
  return samePath(dir, root, platform);
}

/** Path equality, ignoring trailing separators, and case on Windows. */
export function samePath(a: string, b: string, platform: Platform): boolean {
  const p = platform === "win32" ? path.win32 : path.posix;
  const strip = (s: string): string => {
    const n = p.normalize(s);
    return n.length > p.parse(n).root.length ? n.replace(/[\\/]+$/, "") : n;
  };
  const [x, y] = [strip(a), strip(b)];
  return platform === "win32" ? x.toLowerCase() === y.toLowerCase() : x === y;
}
