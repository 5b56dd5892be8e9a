// Runs a program asynchronously (a fake server in this process must keep answering it) with exactly
// the given environment, and collects its output.
import { spawn } from "node:child_process";

/** How a run ended. */
export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `file args` with `env` only (nothing inherited from the test runner). */
export function runProcess(file: string, args: string[], env: Record<string, string>, cwd = "/"): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
