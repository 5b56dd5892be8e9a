// Runs the CLI in-process (the same runCli the executable calls) with a host of the test's making.
import path from "node:path";
import { runCli } from "../../src/cli/index.js";
import type { Host } from "../../src/config.js";

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is JSON. */
  json: Record<string, any> | undefined;
}

/** Options of {@link runCliWith}. */
export interface CliRunOptions {
  argv?: string[];
  env: Record<string, string>;
  /** Path the updater was invoked by; default `<env.HOME>/.cargo/bin/axolotlsay-update`. */
  invokedAs?: string;
  cwd?: string;
  platform?: NodeJS.Platform;
  stderrIsTTY?: boolean;
  random?: () => number;
}

/** Runs `runCli` and collects its output. */
export async function runCliWith(o: CliRunOptions): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const home = o.env.HOME ?? "/nonexistent";
  const host: Host = {
    env: o.env,
    platform: o.platform ?? "linux",
    home,
    cwd: o.cwd ?? home,
    tmpDir: o.env.TMPDIR ?? "/tmp",
    invokedAs: o.invokedAs ?? path.join(home, ".cargo/bin/axolotlsay-update"),
    argv: o.argv ?? [],
    stderrIsTTY: o.stderrIsTTY ?? false,
    cacheDir: path.join(home, ".cache", "upkeep"),
    ...(o.random ? { random: o.random } : {}),
  };
  const code = await runCli(host, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  let json: Record<string, any> | undefined;
  try {
    json = JSON.parse(stdout) as Record<string, any>;
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}
