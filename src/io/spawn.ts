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
  /** Stops the program and everything it started (SIGTERM, then SIGKILL) when aborted. */
  signal?: AbortSignal | undefined;
  /** Stops it the same way after this long. */
  timeoutMs?: number | undefined;
  /** How long SIGTERM gets before SIGKILL (default {@link KILL_AFTER_MS}). */
  killAfterMs?: number | undefined;
  /**
   * Unix only: the program leads a process group of its own, and stopping it stops what it started
   * too (an installer's curl). Not on Windows: it has no process groups, and `detached` opens a console.
   */
  processGroup?: boolean | undefined;
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

/**
 * After the program exits, how long its output may still arrive. A process it left running in the
 * background (a `--version` that forks, a download an installer started) may hold the pipes open for
 * ever; the run is over when the program is.
 */
const OUTPUT_GRACE_MS = 200;

// The programs running now, each as its stop-everything function: if upkeep exits while one runs (a
// second Ctrl-C), they are stopped too, as execa's `cleanup` did, instead of being left behind.
const running = new Set<() => void>();
let exitHook = false;

/** Runs a program to its end; never rejects (a failure to start is `spawnError`). */
export function runProgram(o: RunProgramOptions): Promise<ProgramExit> {
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const killAll of running) killAll();
    });
  }
  const group = o.processGroup === true;
  return new Promise((resolve) => {
    let timedOut = false;
    let spawnError: string | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const child = spawn(o.file, [...o.args], { env: o.env, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"], windowsHide: true, detached: group });
    const kill = (signal: NodeJS.Signals): void => {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const killAll = (): void => kill("SIGTERM");
    running.add(killAll);
    let killer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      kill("SIGTERM");
      killer ??= setTimeout(() => kill("SIGKILL"), o.killAfterMs ?? KILL_AFTER_MS);
    };
    const timer =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (exit) return;
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
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      running.delete(killAll);
      clearTimeout(timer);
      clearTimeout(killer);
      o.signal?.removeEventListener("abort", stop);
      child.stdout.destroy();
      child.stderr.destroy();
      if (spawnError !== undefined || !exit || (exit.code === null && exit.signal === null)) {
        resolve({ exitCode: undefined, signal: undefined, timedOut, spawnError: spawnError ?? "could not start" });
      } else {
        resolve({ exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined, timedOut, spawnError: undefined });
      }
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      spawnError ??= error.code ?? error.message;
    });
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      clearTimeout(timer);
      setTimeout(finish, OUTPUT_GRACE_MS);
    });
    // "close": the program has exited and its output is all read. It comes after "error" too, when the
    // program never started (with a negative errno as its code).
    child.once("close", (code, signal) => {
      exit ??= { code, signal };
      finish();
    });
  });
}
