import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, readdir, readFile, readlink, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseRegQuery, removePathEntry, removeRcLine } from "../core/path-changes.js";
import { selfMoveTarget } from "../core/self-move.js";
import type { Platform } from "../types.js";
import { runProgram } from "./spawn.js";

// The file operations of an uninstall, each on exactly the one path it is given (never a directory tree
// the receipt does not name).

/** What is at `file` without following a link: a file, a link, something else (a directory), or nothing. */
export async function kindOf(file: string): Promise<"file" | "symlink" | "other" | "absent"> {
  const st = await lstat(file).catch(() => undefined);
  if (!st) return "absent";
  return st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : "other";
}

/**
 * Deletes one file or link. On Windows a running `*-update.exe` cannot be deleted, only renamed: it is
 * moved aside to a `.previous-*` name (as an update does) and a detached `cmdExe` (cmd.exe by its full
 * path) deletes it once it has exited; if that fails the copy stays, and `later` names it.
 */
export async function removeFile(file: string, platform: Platform, cmdExe: string): Promise<{ later?: string }> {
  try {
    await unlink(file);
    return {};
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (platform !== "win32" || !(code === "EPERM" || code === "EBUSY" || code === "EACCES") || !/-update\.exe$/i.test(file)) throw error;
  }
  const aside = selfMoveTarget(file, "win32", randomBytes(6).toString("hex")) as string;
  await rename(file, aside);
  deleteLater(aside, cmdExe);
  return { later: aside };
}

// A detached cmd.exe that waits about two seconds (ping is the one sleep every Windows has) and then
// deletes `file`: by then the updater that was running from it has exited.
function deleteLater(file: string, cmdExe: string): void {
  try {
    const child = spawn(cmdExe, ["/d", "/c", `ping -n 3 127.0.0.1 >nul & del /f /q "${file}"`], {
      detached: true,
      stdio: "ignore",
      windowsHide: true,
      windowsVerbatimArguments: true,
      cwd: path.win32.dirname(cmdExe),
    });
    child.on("error", () => {});
    child.unref();
  } catch {
    // The copy stays where the result says (README: Uninstalling); nothing else depends on it.
  }
}

/**
 * Takes `line` out of `file` in place (a symlinked dotfile stays a link, its mode unchanged), every other
 * byte kept. "absent": the file is gone; "no_line": the line is no longer in it.
 */
export async function removeLineFromFile(file: string, line: string, dryRun: boolean): Promise<"removed" | "absent" | "no_line"> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
  const next = removeRcLine(text, line);
  if (next === undefined) return "no_line";
  if (!dryRun) await writeFile(file, next);
  return "removed";
}

/**
 * The shared-store version `link` points to (`<store>/<version>-<hash>/upkeep`, README "Sharing one
 * upkeep between apps"), when it is one: a symlink to a file named `upkeep` whose directory has `users/`.
 */
export async function storeVersionOf(link: string): Promise<string | undefined> {
  const target = await readlink(link).catch(() => undefined);
  if (target === undefined || path.basename(target) !== "upkeep" || !path.isAbsolute(target)) return undefined;
  const dir = path.dirname(target);
  return (await kindOf(path.join(dir, "users"))) === "absent" ? undefined : dir;
}

/**
 * Whether a link other than `except` still uses the store version `dir`: one of its `users/` entries
 * names a symlink that points to `<dir>/upkeep`, as the installers' collect_store decides.
 */
export async function storeVersionUsed(dir: string, except: string): Promise<boolean> {
  for (const entry of await readdir(path.join(dir, "users")).catch(() => [] as string[])) {
    const user = (await readFile(path.join(dir, "users", entry), "utf8").catch(() => "")).trim();
    if (!user || user === except) continue;
    if ((await readlink(user).catch(() => undefined)) === path.join(dir, "upkeep")) return true;
  }
  return false;
}

/** Deletes one store version (its directory: the upkeep file and its `users/` list). */
export async function removeStoreVersion(dir: string): Promise<void> {
  await rm(dir, { recursive: true });
}

/** Removes `dir` if it is empty (the receipt's own directory); never anything in it. */
export async function removeEmptyDir(dir: string): Promise<void> {
  await rmdir(dir).catch(() => {});
}

/** Deletes `link`'s own entry in the store version's `users/` list (its path with `/` turned into `%`). */
export async function removeStoreUser(dir: string, link: string): Promise<void> {
  await rm(path.join(dir, "users", link.replaceAll("/", "%")), { force: true });
}

type Env = Record<string, string | undefined>;

const ENVIRONMENT = "HKCU\\Environment";

// Runs `regExe` (reg.exe by its full path) with its output collected.
async function reg(regExe: string, args: string[], env: Env): Promise<{ code: number | undefined; output: string; spawnError: string | undefined }> {
  let output = "";
  const r = await runProgram({
    file: regExe,
    args,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    cwd: path.win32.dirname(regExe),
    timeoutMs: 30_000,
    onOutput: (chunk) => {
      output += chunk.toString();
    },
  });
  return { code: r.exitCode, output, spawnError: r.spawnError };
}

/**
 * Windows: takes `entry` out of the user's Path (HKCU\Environment, read and written with reg.exe, its
 * type and every other entry kept). "no_entry": it is not in the Path (or there is no user Path);
 * "not_ascii": the Path has characters beyond ASCII, so it is left as it is. Throws
 * an Error with `code` REG_FAILED when reg.exe fails. New shells see the change after the next sign-in
 * or Explorer restart (reg.exe does not broadcast it).
 */
export async function removeUserPathEntry(entry: string, regExe: string, env: Env, dryRun: boolean): Promise<"removed" | "no_entry" | "not_ascii"> {
  const fail = (what: string, r: { code: number | undefined; output: string; spawnError: string | undefined }): Error =>
    Object.assign(new Error(`reg.exe ${what} failed (${r.spawnError ?? `exit ${r.code}`}): ${r.output.trim()}`), { code: "REG_FAILED" });
  const q = await reg(regExe, ["query", ENVIRONMENT, "/v", "Path"], env);
  if (q.spawnError) throw fail("query", q);
  const value = q.code === 0 ? parseRegQuery(q.output, "Path") : undefined;
  const next = value === undefined ? undefined : removePathEntry(value.data, entry);
  if (value === undefined || next === undefined) return "no_entry";
  // reg.exe prints in the console's code page: a character beyond ASCII may not read back as it is, and
  // writing it back would damage another entry.
  if (/[^\x20-\x7e]/.test(value.data)) return "not_ascii";
  if (dryRun) return "removed";
  const type = value.type === "REG_SZ" ? "REG_SZ" : "REG_EXPAND_SZ";
  const a = await reg(regExe, ["add", ENVIRONMENT, "/v", "Path", "/t", type, "/d", next, "/f"], env);
  if (a.code !== 0) throw fail("add", a);
  return "removed";
}
