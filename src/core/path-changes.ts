import path from "node:path";
import type { PathChange, Platform } from "../types.js";

// The receipt's `upkeep_path_changes` (written by our installers: the PATH changes an install MADE) and the
// pure rules an uninstall follows to undo them. The contract: /installers/README.md "Receipt".

/**
 * Reads `upkeep_path_changes` (absent: none). Returns the entries, or the index and problem of the first
 * bad one, so the caller can name it (`upkeep_path_changes[2]`).
 */
export function parsePathChanges(raw: unknown): { ok: true; changes: PathChange[] } | { ok: false; field: string; problem: string } {
  if (raw === undefined) return { ok: true, changes: [] };
  if (!Array.isArray(raw)) return { ok: false, field: "upkeep_path_changes", problem: "must be a list" };
  const changes: PathChange[] = [];
  for (const [i, entry] of raw.entries()) {
    const field = `upkeep_path_changes[${i}]`;
    const bad = (problem: string) => ({ ok: false as const, field, problem });
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return bad("must be an object");
    const e = entry as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof e[key] === "string" && e[key] !== "" ? (e[key] as string) : undefined);
    const absolute = (f: string): boolean => path.posix.isAbsolute(f) || path.win32.isAbsolute(f);
    if (e.type === "rc_line" || e.type === "env_file") {
      const file = text("file");
      if (file === undefined) return bad(`has no "file" (the absolute path of the ${e.type === "rc_line" ? "shell startup file" : "file created"})`);
      if (!absolute(file) || file.includes("\0")) return bad(`has a "file" that is not an absolute path (${JSON.stringify(file)})`);
      if (e.type === "env_file") {
        changes.push({ type: "env_file", file });
        continue;
      }
      const line = text("line");
      if (line === undefined || /[\r\n]/.test(line)) return bad('has no "line" (the one line appended, without its newline)');
      changes.push({ type: "rc_line", file, line });
    } else if (e.type === "user_path") {
      const entryText = text("entry");
      if (entryText === undefined || entryText.includes(";")) return bad('has no "entry" (one directory added to the user\'s Path)');
      changes.push({ type: "user_path", entry: entryText });
    } else {
      return bad(`has an unknown "type" ${JSON.stringify(e.type)} (known: rc_line, env_file, user_path)`);
    }
  }
  return { ok: true, changes };
}

/** The receipt's JSON form of one change, keys in the contract's order. */
export function pathChangeJson(c: PathChange): Record<string, string> {
  if (c.type === "rc_line") return { type: c.type, file: c.file, line: c.line };
  if (c.type === "env_file") return { type: c.type, file: c.file };
  return { type: c.type, entry: c.entry };
}

// One key per change, to compare them.
const keyOf = (c: PathChange): string => JSON.stringify(pathChangeJson(c));

/** The old receipt's changes then the new one's, without repeats: what an update carries over. */
export function mergePathChanges(old: readonly PathChange[], added: readonly PathChange[]): PathChange[] {
  const seen = new Set<string>();
  const out: PathChange[] = [];
  for (const c of [...old, ...added]) {
    if (seen.has(keyOf(c))) continue;
    seen.add(keyOf(c));
    out.push(c);
  }
  return out;
}

/**
 * Why a change must never be undone, or undefined when it may be: rustup's `~/.cargo/env` (and
 * `env.fish`) and any line sourcing it belong to Rust's toolchain as much as to this app.
 */
export function protectedChange(c: PathChange, home: string, platform: Platform): string | undefined {
  const p = platform === "win32" ? path.win32 : path.posix;
  const cargo = /(^|[\\/])\.cargo[\\/]env(\.fish)?("|'|$)/;
  if (c.type === "env_file" && (cargo.test(c.file) || p.dirname(c.file) === p.join(home, ".cargo"))) {
    return "it is ~/.cargo/env, which rustup and other tools share";
  }
  if (c.type === "rc_line" && /\.cargo[\\/]env/.test(c.line)) return "it sources ~/.cargo/env, which rustup and other tools share";
  return undefined;
}

/**
 * `text` without `line`: its last exact occurrence as a whole line, with its newline and the blank line
 * our installers write before it (so an install then an uninstall gives back the file byte for byte).
 * Every other byte is kept. Undefined when the line is not there.
 */
export function removeRcLine(text: string, line: string): string | undefined {
  let at = -1;
  for (let i = text.lastIndexOf(line); i >= 0; i = i === 0 ? -1 : text.lastIndexOf(line, i - 1)) {
    const after = text[i + line.length];
    if ((i === 0 || text[i - 1] === "\n") && (after === undefined || after === "\n")) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  let end = at + line.length;
  if (text[end] === "\n") end++;
  // The installer wrote "\n<line>\n": that first newline is ours too (it ended the user's last line, or
  // made the blank line), unless it now ends a line of the user's that other lines follow.
  const blankBefore = at >= 2 && text[at - 2] === "\n";
  const start = at > 0 && (blankBefore || end === text.length || at === 1) ? at - 1 : at;
  return text.slice(0, start) + text.slice(end);
}

/**
 * A receipt's text with `upkeep_path_changes` set to `changes`, the key in its alphabetical place and
 * every other key in its order; compact JSON and a newline, as our installers write it. Undefined when
 * the text is not a JSON object (a receipt that needed repairs is left as it is).
 */
export function withPathChanges(text: string, changes: readonly PathChange[]): string | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const key = "upkeep_path_changes";
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(raw)) {
    if (k === key) continue;
    if (!placed && k > key && changes.length > 0) {
      out[key] = changes.map(pathChangeJson);
      placed = true;
    }
    out[k] = v;
  }
  if (!placed && changes.length > 0) out[key] = changes.map(pathChangeJson);
  return `${JSON.stringify(out)}\n`;
}

/**
 * The user's Path value (as stored, `%VARS%` unexpanded) without `entry`: every `;`-separated item equal
 * to it (case and a trailing `\` ignored, as the installer compares) dropped, every other byte kept.
 * Undefined when the entry is not there.
 */
export function removePathEntry(value: string, entry: string): string | undefined {
  const same = (item: string): boolean => item.replace(/\\+$/, "").toLowerCase() === entry.replace(/\\+$/, "").toLowerCase();
  const items = value.split(";");
  const kept = items.filter((item) => !same(item));
  return kept.length === items.length ? undefined : kept.join(";");
}

/** The type and data of the value `name` in `reg.exe query <key> /v <name>` output, or undefined when it has none. */
export function parseRegQuery(output: string, name: string): { type: string; data: string } | undefined {
  for (const line of output.split(/\r?\n/)) {
    const [, key = "", type = "", data = ""] = /^\s+(\S.*?)\s{4}(REG_[A-Z_]+)(?:\s{4}(.*))?$/.exec(line) ?? [];
    if (type && key.toLowerCase() === name.toLowerCase()) return { type, data };
  }
  return undefined;
}
