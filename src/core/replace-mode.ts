import semver from "semver";
import type { Platform } from "../types.js";

/** Who wrote an install (a receipt's `provider`), or who an installer script says it is. */
export interface Provider {
  source: string;
  /** Absent when a script computes it at run time (ours does). */
  version?: string | undefined;
}

/** How the files an installer may replace are backed up: hard links (free) or copies (safe from in-place writes). */
export type BackupMode = "link" | "copy";

// cargo-dist's installers `cp` binaries over the old ones in 0.9–0.12.0 and `mv` them into place from 0.12.1 on.
const FIRST_RENAMING_CARGO_DIST = "0.12.1";

/**
 * Whether the installer `p` names replaces a file by renaming a new one over it, never rewriting it
 * in place: ours, and cargo-dist's from 0.12.1 on. A prerelease counts as the release it precedes
 * (`0.12.1-prerelease.1` is before 0.12.1, so it may still copy); anything unknown does not.
 */
export function replacesByRename(p: Provider): boolean {
  if (p.source === "upkeep") return true;
  if (p.source !== "cargo-dist" || p.version === undefined || semver.valid(p.version) === null) return false;
  return semver.gte(p.version, FIRST_RENAMING_CARGO_DIST);
}

// The receipt a cargo-dist script carries as JSON (`"provider":{"source":"cargo-dist","version":"0.31.0"}`);
// ours builds it inside a shell string, so its quotes are escaped and its version is a `$(…)`.
const DECLARED = /\\?"provider\\?"\s*:\s*\{\s*\\?"source\\?"\s*:\s*\\?"([\w.-]{1,64})\\?"(?:\s*,\s*\\?"version\\?"\s*:\s*\\?"([\w.+-]{1,64})\\?")?/;

/** The provider an installer script will write into the receipt (the first one it spells out); undefined when none. */
export function declaredProvider(script: string): Provider | undefined {
  const m = DECLARED.exec(script);
  return m?.[1] === undefined ? undefined : { source: m[1], version: m[2] };
}

const name = (p: Provider): string => (p.version === undefined ? p.source : `${p.source} ${p.version}`);

/**
 * How to back up before running an installer. Hard links only where no in-place write can reach
 * them: not on Windows (the PowerShell installers copy over files), and only when the receipt's
 * installer replaces files by rename and the new installer, when it says who it is, does too (a
 * downgrade may run an old cargo-dist installer that copies). Says why, for --verbose.
 */
export function backupMode(o: { platform: Platform; receipt: Provider; installer?: Provider | undefined }): { mode: BackupMode; reason: string } {
  if (o.platform === "win32") return { mode: "copy", reason: "copies: Windows installers copy over files" };
  if (!replacesByRename(o.receipt)) return { mode: "copy", reason: `copies: the receipt's installer (${name(o.receipt)}) may write over files in place` };
  if (o.installer && !replacesByRename(o.installer)) {
    return { mode: "copy", reason: `copies: the new installer says it is ${name(o.installer)}, which may write over files in place` };
  }
  return { mode: "link", reason: `hard links: the installer (${name(o.installer ?? o.receipt)}) replaces files by rename` };
}
