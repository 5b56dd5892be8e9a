// Over 200 lines: one parser for every generation of receipt (cargo-dist 0.9 to today), field by field.
import path from "node:path";
import semver from "semver";
import { parsePublicKey } from "./minisign.js";
import { parsePathChanges } from "./path-changes.js";
import { strictVersion } from "./version.js";
import { UpdaterError } from "../errors.js";
import type { InstallReceipt, Platform } from "../types.js";

/** A receipt and the fixes that were needed to read it. */
export interface ParsedReceipt {
  receipt: InstallReceipt;
  repairs: string[];
}

const KNOWN_KEYS = new Set([
  "install_prefix",
  "binaries",
  "binary_aliases",
  "cdylibs",
  "cstaticlibs",
  "install_layout",
  "modify_path",
  "provider",
  "source",
  "upkeep_path_changes",
  "upkeep_public_keys",
  "version",
]);

// Characters no real path contains; seeing them after JSON.parse means `\b`, `\t`, `\n`… were path separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f]/;

/**
 * Parses any generation of install receipt (cargo-dist 0.9 → today, and ours) into one shape.
 * Keys added later get the defaults their absence always meant; unknown keys are kept in `extra`.
 * Throws RECEIPT_INVALID naming the file and the offending field.
 */
export function parseReceipt(text: string, where: { file: string; app: string }): ParsedReceipt {
  const { file, app } = where;
  const invalid = (field: string, problem: string): UpdaterError =>
    new UpdaterError("RECEIPT_INVALID", `Install receipt ${file} is invalid: ${field === "the file" ? field : `"${field}"`} ${problem}.`, {
      hint: `Reinstall ${app} with its installer to rewrite the receipt, or fix that field by hand.`,
      details: { path: file, field },
    });

  // Windows PowerShell 5.1 installers (cargo-dist 0.9–0.11) wrote a UTF-8 byte-order mark.
  const body = text.replace(/^\uFEFF/, "");
  const repairs: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(body);
    if (body.includes("\\") && hasControlChars(raw)) {
      const fixed = tryBackslashRepair(body);
      if (fixed !== undefined) {
        raw = fixed;
        repairs.push("unescaped backslashes");
      }
    }
  } catch (error) {
    // Git-Bash installers from cargo-dist 0.30.4–0.31.0 wrote Windows paths with single backslashes.
    const fixed = body.includes("\\") ? tryBackslashRepair(body) : undefined;
    if (fixed === undefined) throw invalid("the file", `is not valid JSON (${(error as Error).message})`);
    raw = fixed;
    repairs.push("unescaped backslashes");
  }
  if (!isObject(raw)) throw invalid("the file", "does not hold a JSON object");

  const str = (obj: Record<string, unknown>, key: string, field: string, fallback?: string): string => {
    const v = obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "string") throw invalid(field, v === undefined ? "is missing" : "must be a string");
    return v;
  };
  const strList = (key: string): string[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw invalid(key, "must be a list of strings");
    return v as string[];
  };

  const installPrefix = str(raw, "install_prefix", "install_prefix");
  if (installPrefix.trim() === "") throw invalid("install_prefix", "is empty");

  const sourceRaw = raw.source;
  if (!isObject(sourceRaw)) throw invalid("source", sourceRaw === undefined ? "is missing" : "must be an object");
  const source = {
    releaseType: str(sourceRaw, "release_type", "source.release_type"),
    owner: str(sourceRaw, "owner", "source.owner", ""),
    name: str(sourceRaw, "name", "source.name", ""),
    appName: str(sourceRaw, "app_name", "source.app_name", app),
    ...(typeof sourceRaw.url === "string" ? { url: sourceRaw.url } : {}),
  };

  // `provider` has been written since cargo-dist 0.9; tolerate its absence from hand-made receipts.
  const providerRaw = raw.provider ?? {};
  if (!isObject(providerRaw)) throw invalid("provider", "must be an object");
  const provider = {
    source: str(providerRaw, "source", "provider.source", "unknown"),
    version: str(providerRaw, "version", "provider.version", "0.0.0"),
  };

  const versionText = str(raw, "version", "version");
  // A leading `v` is forgiven: the version is still unambiguous.
  const version = strictVersion(versionText.replace(/^v/, ""));
  if (version === undefined) throw invalid("version", `is not a semantic version ("${versionText}")`);

  const aliasesRaw = raw.binary_aliases ?? {}; // added in cargo-dist 0.14
  if (!isObject(aliasesRaw)) throw invalid("binary_aliases", "must be an object");
  const binaryAliases: Record<string, string[]> = {};
  for (const [bin, list] of Object.entries(aliasesRaw)) {
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
      throw invalid(`binary_aliases.${bin}`, "must be a list of strings");
    }
    binaryAliases[bin] = list as string[];
  }

  const modifyPath = raw.modify_path ?? true; // added in cargo-dist 0.23; absent meant "PATH was modified"
  if (typeof modifyPath !== "boolean") throw invalid("modify_path", "must be true or false");

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_KEYS.has(key)) extra[key] = value;

  // Every entry must be a plain file name in the prefix: backup and rollback act on `<bin dir>/<entry>`.
  const binaries = strList("binaries");
  const cdylibs = strList("cdylibs"); // added in cargo-dist 0.20
  const cstaticlibs = strList("cstaticlibs"); // added in cargo-dist 0.20
  const plain = (name: string, field: string, what = "an entry"): void => {
    const problem = fileNameProblem(name);
    if (problem) throw invalid(field, `has ${what} that is not a plain file name inside the install prefix: it ${problem}`);
  };
  for (const [field, list] of [
    ["binaries", binaries],
    ["cdylibs", cdylibs],
    ["cstaticlibs", cstaticlibs],
  ] as const) {
    for (const [i, name] of list.entries()) plain(name, `${field}[${i}]`);
  }
  for (const [bin, list] of Object.entries(binaryAliases)) {
    plain(bin, "binary_aliases", "a key");
    for (const [i, name] of list.entries()) plain(name, `binary_aliases.${bin}[${i}]`);
  }

  // Written by our installers rendered with a key (never by cargo-dist's): a bad entry is refused here,
  // not silently dropped, since it is what pins the app's signing key.
  const publicKeys = strList("upkeep_public_keys");
  for (const [i, line] of publicKeys.entries()) {
    const parsed = parsePublicKey(line);
    if (!parsed.ok) throw invalid(`upkeep_public_keys[${i}]`, `is not a minisign public key: it ${parsed.problem}`);
  }

  // Written by our installers (never by cargo-dist's): what an uninstall may undo, so a bad entry is refused.
  const changes = parsePathChanges(raw.upkeep_path_changes);
  if (!changes.ok) throw invalid(changes.field, changes.problem);

  const receipt: InstallReceipt = {
    installPrefix,
    binaries,
    binaryAliases,
    cdylibs,
    cstaticlibs,
    installLayout: str(raw, "install_layout", "install_layout", "unspecified"), // added in cargo-dist 0.23
    modifyPath,
    provider,
    source,
    version,
    publicKeys,
    pathChanges: changes.changes,
    extra,
  };
  return { receipt, repairs };
}

/**
 * The directory to force the installer into. cargo-dist 0.10.0–0.14.x wrote CARGO_HOME prefixes with a
 * trailing `bin` (axoupdater `install_prefix_root`), so for those provider versions the `bin` is dropped.
 */
export function installPrefixRoot(receipt: InstallReceipt, platform: Platform): string {
  const p = platform === "win32" ? path.win32 : path.posix;
  const prefix = receipt.installPrefix;
  const { source, version } = receipt.provider;
  const buggy =
    source === "cargo-dist" &&
    semver.valid(version) !== null &&
    semver.satisfies(version, ">=0.10.0-prerelease.1 <0.15.0-prerelease.8", { includePrerelease: true });
  if (buggy && p.basename(prefix) === "bin") return p.dirname(prefix);
  return prefix;
}

function tryBackslashRepair(body: string): unknown {
  try {
    const fixed: unknown = JSON.parse(body.replaceAll("\\", "\\\\"));
    return hasControlChars(fixed) ? undefined : fixed;
  } catch {
    return undefined;
  }
}

// An explicit stack, not recursion: a deeply nested (valid) receipt must not overflow the call stack.
function hasControlChars(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (CONTROL.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
    } else if (isObject(value)) {
      for (const v of Object.values(value)) stack.push(v);
    }
  }
  return false;
}

/**
 * Why `name` is not a plain file name inside the install prefix, or undefined when it is one. Receipt
 * entries become `<bin dir>/<name>` for backup and rollback, so `../x`, `/dev/x`, `C:x`, `a/b` would make
 * them touch files outside the install.
 */
export function fileNameProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name === "." || name === "..") return `is "${name}", a directory`;
  if (name.includes("\0")) return "contains a NUL character";
  if (/[/\\]/.test(name)) return `contains a path separator (${JSON.stringify(name)})`;
  if (/^[A-Za-z]:/.test(name)) return `starts with a drive letter (${JSON.stringify(name)})`;
  if (CONTROL.test(name)) return `contains a control character (${JSON.stringify(name)})`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
