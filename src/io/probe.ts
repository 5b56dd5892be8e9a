import { accessSync, constants, statSync } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { runProgram } from "./spawn.js";

/** How a short run of a program went. */
export interface ProbeResult {
  /** It could not be executed at all (missing, not executable, wrong format). */
  cannotRun: string | undefined;
  exitCode: number | undefined;
  timedOut: boolean;
  output: string;
}

/** At most this much of a probe's output is kept (it is searched for a version). */
const OUTPUT_LIMIT = 4000;

/** Runs `file args` with stdin closed and a timeout, to see whether it starts and what it prints. */
export async function probe(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<ProbeResult> {
  let output = "";
  // Run from the program's own directory: the caller's working directory may have been deleted.
  const r = await runProgram({
    file,
    args,
    env,
    cwd: path.dirname(file),
    timeoutMs,
    onOutput: (chunk) => {
      if (output.length < OUTPUT_LIMIT) output = (output + chunk.toString()).slice(0, OUTPUT_LIMIT);
    },
  });
  // 126/127 are what a shell answers for "found but cannot execute" / "not found".
  const cannotRun = r.spawnError ?? (!r.timedOut && (r.exitCode === 126 || r.exitCode === 127) ? `exit status ${r.exitCode}` : undefined);
  return { cannotRun, exitCode: r.exitCode, timedOut: r.timedOut, output };
}

/** Whether `file` exists and this user may execute it. */
export async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => stat(file).then((s) => s.isFile()),
    () => false,
  );
}

/** Why `dir` cannot be written to by this user, or undefined when it can. */
export async function unwritableReason(dir: string): Promise<{ missing: boolean; owner: string } | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return { missing: true, owner: "" };
  const ok = await access(dir, constants.W_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  return ok ? undefined : { missing: false, owner: await userName(info.uid) };
}

// "root (uid 0)", from /etc/passwd when it has the uid.
async function userName(uid: number): Promise<string> {
  const passwd = await readFile("/etc/passwd", "utf8").catch(() => "");
  const name = passwd
    .split("\n")
    .map((l) => l.split(":"))
    .find((f) => f[2] === String(uid))?.[0];
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}

/** Synchronous "is this an executable file" for PATH lookups. */
export function executableFileSync(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** What makes a file the very same one: its device and inode, and (so that it was not written since) its size and mtime. */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
}

/** The identity of the file `file` resolves to (links followed); undefined when there is none. */
export async function fileIdentity(file: string): Promise<FileIdentity | undefined> {
  const s = await stat(file, { bigint: true }).catch(() => undefined);
  return s && { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs) };
}

/** Whether `a` and `b` are the same file, unchanged between the two looks. */
export function sameFile(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}
