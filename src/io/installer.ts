import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { InstallerCommand } from "../core/installer.js";
import { isStale, parseLock, formatLock } from "../core/lock.js";
import { UpdaterError } from "../errors.js";
import { pidAlive } from "./lock.js";
import { runProgram } from "./spawn.js";

/** An installer's private place: the saved script (if any) and the TMPDIR it is given. */
export interface StagedInstaller {
  /** The saved installer; undefined when a local one is used. */
  path: string | undefined;
  /** An empty directory for the installer's own temporary files (its TMPDIR). */
  tmp: string;
  dispose(): Promise<void>;
}

const STAGING = (app: string): string => `upkeep-${app}-`;

/**
 * Makes a fresh private (0700) directory under `tmpDir` holding the installer and a `tmp/` the
 * installer gets as TMPDIR, so its own temporary files (cargo-dist's ~100 MB downloads) go away with
 * it. An `owner` file names this process, so a later run can remove what a killed one left.
 */
export async function stageInstaller(body: Uint8Array | undefined, fileName: string, tmpDir: string, app = "app"): Promise<StagedInstaller> {
  let dir: string;
  try {
    dir = await mkdtemp(path.join(tmpDir, STAGING(app)));
    await chmod(dir, 0o700);
    await writeFile(path.join(dir, "owner"), formatLock({ pid: process.pid, host: os.hostname(), started: Date.now(), app, version: "" }));
    const tmp = path.join(dir, "tmp");
    await mkdir(tmp, { mode: 0o700 });
    let file: string | undefined;
    if (body !== undefined) {
      file = path.join(dir, fileName);
      await writeFile(file, body, { mode: 0o700 });
    }
    return { path: file, tmp, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    throw new UpdaterError("DOWNLOAD_FAILED", `Could not save the installer under ${tmpDir} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
      cause: error,
      hint: "Make sure the temporary directory exists and is writable, or point TMPDIR elsewhere.",
    });
  }
}

/**
 * Removes the staging directories of `app` that a killed run left under `tmpDir`: ours (named by
 * {@link stageInstaller}, with an `owner` file), owned by this user, whose process is gone. Nothing
 * else there is touched. Call it holding the app's lock. Returns the directories removed.
 */
export async function removeStaleStaging(tmpDir: string, app: string): Promise<string[]> {
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    if (!name.startsWith(STAGING(app))) continue;
    const dir = path.join(tmpDir, name);
    const info = await lstat(dir).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    const owner = parseLock(await readFile(path.join(dir, "owner"), "utf8").catch(() => ""));
    if (!owner || owner.app !== app || !isStale(owner, Date.now(), os.hostname(), pidAlive)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** How an installer run ended. */
export interface InstallerExit {
  exitCode: number | undefined;
  signal: string | undefined;
  /** The last lines it printed (stdout and stderr interleaved). */
  tail: string[];
  /** Set when it could not be started at all. */
  spawnError: string | undefined;
}

/** Options of {@link runInstaller}. */
export interface RunOptions {
  command: InstallerCommand;
  env: Record<string, string>;
  cwd: string;
  onOutput?: ((text: string) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Stop what the installer started too, by its process group (Unix; see {@link runProgram}). */
  processGroup?: boolean | undefined;
}

const TAIL_LINES = 20;

/**
 * Runs the installer with exactly `env` (removed variables stay removed), stdin closed, and its output
 * passed to `onOutput` while the last lines are kept for errors. An abort stops it (SIGTERM, then SIGKILL).
 */
export async function runInstaller(options: RunOptions): Promise<InstallerExit> {
  const tail: string[] = [];
  let partial = "";
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    options.onOutput?.(text);
    const lines = (partial + text).split(/\r?\n/);
    partial = lines.pop() ?? "";
    tail.push(...lines);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  const result = await runProgram({
    file: options.command.file,
    args: options.command.args,
    env: options.env,
    cwd: options.cwd,
    onOutput: collect,
    signal: options.signal,
    processGroup: options.processGroup,
  });
  if (partial) tail.push(partial);
  return { exitCode: result.exitCode, signal: result.signal, tail: tail.slice(-TAIL_LINES), spawnError: result.spawnError };
}
