// Runs one program with exactly the environment given, stdin closed, and its output streamed to the
// caller: Node's own child_process, which ships in the runtime. execa, used before, was ~120 KB of the
// executable's 260 KB script and took ~14 ms to load and ~8 ms more on its first run.
import { spawn } from "node:child_process";

/** What {@link runProgram} runs, and how. */
export interface RunProgramOptions {
  file: string;
  args: readonly string[];
  /** The whole environment of the child: nothing of this process's is added. */
  env: Record<string, string>;
  cwd: string;
  /** Each chunk of stdout and stderr, in the order they arrive. */
  onOutput?: ((chunk: Buffer) => void) | undefined;
  /** Stops the program (SIGTERM, then SIGKILL after {@link KILL_AFTER_MS}) when aborted. */
  signal?: AbortSignal | undefined;
  /** Stops it the same way after this long. */
  timeoutMs?: number | undefined;
  /** How long SIGTERM gets before SIGKILL (default {@link KILL_AFTER_MS}). */
  killAfterMs?: number | undefined;
}

/** How the run ended. */
export interface ProgramExit {
  /** Undefined when it was killed by a signal or never started. */
  exitCode: number | undefined;
  signal: string | undefined;
  /** It was stopped because `timeoutMs` passed. */
  timedOut: boolean;
  /** Why it could not be started (`ENOENT`, `EACCES`, …), when it could not. */
  spawnError: string | undefined;
}

/** How long a program stopped with SIGTERM gets to clean up before SIGKILL. */
export const KILL_AFTER_MS = 5000;

/** Runs a program to its end; never rejects (a failure to start is `spawnError`). */
export function runProgram(o: RunProgramOptions): Promise<ProgramExit> {
  return new Promise((resolve) => {
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(o.file, [...o.args], { env: o.env, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    let killer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      killer ??= setTimeout(() => child.kill("SIGKILL"), o.killAfterMs ?? KILL_AFTER_MS);
    };
    const timer =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, o.timeoutMs);
    if (o.signal?.aborted) stop();
    o.signal?.addEventListener("abort", stop, { once: true });
    if (o.onOutput) {
      child.stdout.on("data", o.onOutput);
      child.stderr.on("data", o.onOutput);
    } else {
      child.stdout.resume();
      child.stderr.resume();
    }
    child.once("error", (error: NodeJS.ErrnoException) => {
      spawnError ??= error.code ?? error.message;
    });
    // "close": the program has exited and its output is all read. It comes after "error" too, when the
    // program never started (with a negative errno as its code).
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      o.signal?.removeEventListener("abort", stop);
      if (spawnError !== undefined || (code === null && signal === null)) {
        resolve({ exitCode: undefined, signal: undefined, timedOut, spawnError: spawnError ?? "could not start" });
      } else {
        resolve({ exitCode: code ?? undefined, signal: signal ?? undefined, timedOut, spawnError: undefined });
      }
    });
  });
}
