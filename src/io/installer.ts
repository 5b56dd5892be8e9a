import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { InstallerCommand } from "../core/installer.js";
import { UpdaterError } from "../errors.js";

/** An installer saved to disk, and how to remove it again. */
export interface StagedInstaller {
  path: string;
  dispose(): Promise<void>;
}

/** Saves the installer in a fresh private (0700) directory under `tmpDir`. */
export async function stageInstaller(body: Uint8Array, fileName: string, tmpDir: string): Promise<StagedInstaller> {
  let dir: string;
  try {
    dir = await mkdtemp(path.join(tmpDir, "upkeep-"));
    await chmod(dir, 0o700);
    const file = path.join(dir, fileName);
    await writeFile(file, body, { mode: 0o700 });
    return { path: file, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    throw new UpdaterError("DOWNLOAD_FAILED", `Could not save the installer under ${tmpDir} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
      cause: error,
      hint: "Make sure the temporary directory exists and is writable, or point TMPDIR elsewhere.",
    });
  }
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
}

const TAIL_LINES = 20;

/**
 * Runs the installer with exactly `env` (execa's `extendEnv: false`, so removed variables stay removed),
 * stdin closed, and its output passed to `onOutput` while the last lines are kept for errors.
 */
export async function runInstaller(options: RunOptions): Promise<InstallerExit> {
  const { execa } = await import("execa");
  const tail: string[] = [];
  let partial = "";
  const collect = (chunk: Buffer | string): void => {
    const text = chunk.toString();
    options.onOutput?.(text);
    const lines = (partial + text).split(/\r?\n/);
    partial = lines.pop() ?? "";
    tail.push(...lines);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  const child = execa(options.command.file, options.command.args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    windowsHide: true,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const result = await child;
  if (partial) tail.push(partial);
  const spawnError = result.exitCode === undefined && result.signal === undefined && result.failed ? (result.code ?? result.originalMessage ?? "could not start") : undefined;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    tail: tail.slice(-TAIL_LINES),
    spawnError,
  };
}
