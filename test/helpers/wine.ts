// The wine tier's machinery (test/e2e/wine.test.ts): one WINEPREFIX per test file with its own
// persistent wineserver, Windows programs run with files for their output (pipes crash Node under
// wine 8), Unix ↔ Windows paths, and the Windows programs the tier needs, built by the project's own
// single-executable pipeline (src/release/sea.ts) into a cache under dist/.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { buildSea } from "../../src/release/sea.js";
import { TARGETS } from "../../src/release/targets.js";
import { which } from "./installers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

/** Debian's wine64 loader (the package installs no `wine` on PATH). */
export const WINE64 = "/usr/lib/wine/wine64";
/** The Windows target the tier runs. */
export const WIN_TARGET = "x86_64-pc-windows-msvc";
const WIN_NODE = (TARGETS as Record<string, { pkg: string; version: string; file: string }>)[WIN_TARGET]!;
/** Where the tier's own Windows builds are kept between runs (dist/ is not in git). */
export const WINE_CACHE = path.join(root, "dist", ".wine-cache");

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

function wineserver(): string {
  return which("wineserver") || (existsSync("/usr/lib/wine/wineserver") ? "/usr/lib/wine/wineserver" : "");
}

// The Windows Node binary buildSea injects into, without fetching anything (tests stay offline).
function windowsNodeAvailable(): boolean {
  try {
    const pkg = require.resolve(`${WIN_NODE.pkg}/package.json`);
    if (JSON.parse(readFileSync(pkg, "utf8")).version === WIN_NODE.version) return true;
  } catch {
    // not installed: look in the build's cache
  }
  return existsSync(path.join(root, ".cache", "node", `${WIN_NODE.pkg}-${WIN_NODE.version}`, "package", WIN_NODE.file));
}

/** Why the wine tier cannot run here ("" when it can). */
export function wineMissing(): string {
  if (process.platform !== "linux" || process.arch !== "x64") return "the wine tier runs on Linux x86-64 only";
  if (!existsSync(WINE64)) return `${WINE64} is not installed (npm run setup installs Debian's wine64)`;
  if (!wineserver()) return "wineserver is not installed (npm run setup installs Debian's wine64)";
  if (!existsSync(path.join(root, "dist", "upkeep.cjs"))) return "dist/upkeep.cjs is not built (npm run build)";
  if (!windowsNodeAvailable()) return `no ${WIN_NODE.pkg}@${WIN_NODE.version} here (npm run setup fetches it while building every target)`;
  return "";
}

/** `Z:\tmp\…` for a Unix path (wine maps the Unix root to drive Z:). */
export function winPath(unix: string): string {
  return `Z:${path.resolve(unix).replaceAll("/", "\\")}`;
}

/**
 * upkeep's Windows executable for the current bundle: dist/targets/<win>/upkeep.exe when its build
 * stamp matches dist/upkeep.cjs (npm run setup builds it), else the same pipeline's build of that
 * bundle into the cache (so a stale Windows build is never what is tested). UPKEEP_WINE_EXE names
 * another build to test instead.
 */
export async function windowsUpkeep(): Promise<string> {
  // Another Windows build to put through the tier (a release candidate, or one with a fix undone).
  if (process.env.UPKEEP_WINE_EXE) return path.resolve(process.env.UPKEEP_WINE_EXE);
  const bundle = path.join(root, "dist", "upkeep.cjs");
  const hash = sha256(readFileSync(bundle));
  const built = path.join(root, "dist", "targets", WIN_TARGET, "upkeep.exe");
  const stampFile = path.join(root, "dist", ".sea-stamps.json");
  const stamps = existsSync(stampFile) ? (JSON.parse(readFileSync(stampFile, "utf8")) as Record<string, string>) : {};
  if (existsSync(built) && stamps[WIN_TARGET] === `${hash}:${WIN_NODE.version}`) return built;
  return cachedSea("upkeep", bundle, hash);
}

async function cachedSea(name: string, bundle: string, hash: string): Promise<string> {
  mkdirSync(WINE_CACHE, { recursive: true });
  const out = path.join(WINE_CACHE, `${name}-${hash.slice(0, 16)}-${WIN_NODE.version}.exe`);
  if (!existsSync(out)) {
    await buildSea({ bundle, out, target: WIN_TARGET, cacheDir: path.join(root, ".cache", "node") });
    // Keep only the newest build of each program: they are ~90 MB each.
    for (const f of readdirSync(WINE_CACHE))
      if (f.startsWith(`${name}-`) && f.endsWith(".exe") && path.join(WINE_CACHE, f) !== out) rmSync(path.join(WINE_CACHE, f), { force: true });
  }
  return out;
}

/** Points in src/update/transaction.ts where the stand-in's upkeep can be told to pause (UPKEEP_WINE_HOLD). */
export const HOLDS = { "after-backup": ["io/backup", "createBackup"], "after-self-move": ["io/self-move", "moveSelfAside"] } as const;

/**
 * An esbuild plugin that wraps, for src/update/transaction.ts only, `createBackup` and `moveSelfAside`: when
 * UPKEEP_WINE_HOLD names the point, the wrapper writes STANDIN_MARKER once the step is done and then
 * blocks forever, so the test kills upkeep exactly there. Nothing of it is in the shipped executable.
 */
function holdPlugin(attached: Set<string>): Plugin {
  const src = path.join(root, "src");
  return {
    name: "wine-hold",
    setup(build) {
      build.onResolve({ filter: /^\.\.\/io\/(backup|self-move)\.js$/ }, (args) => {
        if (args.importer !== path.join(src, "update", "transaction.ts")) return undefined;
        return { path: path.join(src, "update", args.path.replace(/\.js$/, ".ts")), namespace: "wine-hold" };
      });
      build.onLoad({ filter: /.*/, namespace: "wine-hold" }, (args) => {
        const [point, [, fn]] = Object.entries(HOLDS).find(([, [mod]]) => args.path === path.join(src, `${mod}.ts`))!;
        const real = JSON.stringify(args.path);
        attached.add(point);
        return {
          resolveDir: path.dirname(args.path),
          loader: "js",
          contents: `import * as real from ${real};
export * from ${real};
import { writeFileSync } from "node:fs";
export async function ${fn}(...args) {
  const result = await real.${fn}(...args);
  if (process.env.UPKEEP_WINE_HOLD === ${JSON.stringify(point)}) {
    writeFileSync(process.env.STANDIN_MARKER, ${JSON.stringify(`${point}\n`)});
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  return result;
}
`,
        };
      });
    },
  };
}

/** The stand-in Windows program (test/helpers/wine-standin.ts), built once per content into the cache. */
export async function windowsStandin(): Promise<string> {
  const esbuild = await import("esbuild");
  const attached = new Set<string>();
  const result = await esbuild.build({
    entryPoints: [path.join(root, "test", "helpers", "wine-standin.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: true,
    legalComments: "none",
    write: false,
    outfile: "standin.cjs",
    logLevel: "warning",
    plugins: [holdPlugin(attached)],
  });
  const missing = Object.keys(HOLDS).filter((h) => !attached.has(h));
  if (missing.length)
    throw new Error(
      `the wine tier's pause points ${missing.join(", ")} could not be attached: src/update/transaction.ts no longer imports ${missing.map((m) => HOLDS[m as keyof typeof HOLDS].join(".")).join(", ")}; update HOLDS in test/helpers/wine.ts`,
    );
  const text = result.outputFiles[0]!.contents;
  const hash = sha256(text);
  mkdirSync(WINE_CACHE, { recursive: true });
  const bundle = path.join(WINE_CACHE, `standin-${hash.slice(0, 16)}.cjs`);
  writeFileSync(bundle, text);
  try {
    return await cachedSea("standin", bundle, hash);
  } finally {
    rmSync(bundle, { force: true });
  }
}

/** How a Windows program run ended. */
export interface WineRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A Windows program started under wine. `pid` is its Unix process (wine64 execs into it). */
export interface WineProcess {
  pid: number;
  done: Promise<WineRun>;
  /** SIGKILL: the process dies at once, as with TerminateProcess or a power cut. */
  kill(): Promise<WineRun>;
}

/** Options of {@link WinePrefix.start}. */
export interface StartOptions {
  env?: Record<string, string>;
  /** Unix directory (wine makes it Z:\…). */
  cwd?: string;
}

/** A WINEPREFIX of its own, with a persistent wineserver, set to Windows 10. */
export class WinePrefix {
  readonly prefix: string;
  private server: ChildProcess | undefined;
  private runs = 0;
  private readonly live = new Set<ChildProcess>();

  constructor(
    readonly dir: string,
    private readonly winePath: string,
  ) {
    this.prefix = path.join(dir, "prefix");
  }

  /** Unix path of %LOCALAPPDATA% (C:\users\<user>\AppData\Local). */
  get localAppData(): string {
    return path.join(this.prefix, "drive_c", "users", os.userInfo().username, "AppData", "Local");
  }

  /** Unix path of drive C:. */
  get driveC(): string {
    return path.join(this.prefix, "drive_c");
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      WINEPREFIX: this.prefix,
      WINEDEBUG: "-all",
      // No Mono or Gecko install at boot, no debugger waiting on a crash; wine's PATH gets the stand-in powershell.exe first.
      WINEDLLOVERRIDES: "mscoree,mshtml=;winedbg.exe=d",
      WINEPATH: this.winePath,
      HOME: this.dir,
      USER: os.userInfo().username,
      PATH: "/usr/bin:/bin",
      LANG: "C.UTF-8",
      ...extra,
    };
  }

  /** Creates the prefix (wineboot) under a persistent wineserver and selects Windows 10 (else Node exits 216). */
  async boot(): Promise<void> {
    mkdirSync(this.prefix, { recursive: true });
    this.server = spawn(wineserver(), ["-f", "-p"], { env: this.env(), stdio: "ignore" });
    await this.serverReady();
    const boot = await this.run("wineboot", ["-i"], { timeoutMs: 90_000 });
    if (boot.code !== 0) throw new Error(`wineboot failed (${boot.code}): ${boot.stderr}`);
    const reg = await this.run("reg", ["add", "HKCU\\Software\\Wine", "/v", "Version", "/d", "win10", "/f"], { timeoutMs: 30_000 });
    if (reg.code !== 0) throw new Error(`reg add failed (${reg.code}): ${reg.stderr}`);
    if (!existsSync(this.localAppData)) throw new Error(`wineboot made no ${this.localAppData}`);
  }

  // wineserver names its socket directory (/tmp/wine-XXXXXX) in <prefix>/wineserver; a wine program
  // started before the socket exists starts a second server and fails.
  private serverDir(): string | undefined {
    const file = path.join(this.prefix, "wineserver");
    return existsSync(file) ? path.join("/tmp", readFileSync(file, "utf8").trim()) : undefined;
  }

  private async serverReady(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const dir = this.serverDir();
      const sockets = dir && existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, "socket"))) : [];
      if (sockets.length > 0) return;
      if (this.server?.exitCode !== null) throw new Error(`wineserver exited (${this.server?.exitCode}) before it was ready`);
      if (Date.now() > deadline) throw new Error("wineserver did not become ready within 20 s");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Starts `exe` (a Unix path, or a Windows program name) with files for stdout and stderr. */
  start(exe: string, args: string[], o: StartOptions = {}): WineProcess {
    const n = ++this.runs;
    const logs = path.join(this.dir, "runs");
    mkdirSync(logs, { recursive: true });
    const outFile = path.join(logs, `${n}.out`);
    const errFile = path.join(logs, `${n}.err`);
    const out = openSync(outFile, "w");
    const err = openSync(errFile, "w");
    const child = spawn(WINE64, [exe, ...args], { env: this.env(o.env), cwd: o.cwd ?? this.dir, stdio: ["ignore", out, err] });
    closeSync(out);
    closeSync(err);
    this.live.add(child);
    const done = new Promise<WineRun>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        this.live.delete(child);
        resolve({ code, signal, stdout: readFileSync(outFile, "utf8"), stderr: readFileSync(errFile, "utf8") });
      });
    });
    return {
      pid: child.pid!,
      done,
      kill: () => {
        child.kill("SIGKILL");
        return done;
      },
    };
  }

  /** Runs `exe` to its end (killed after `timeoutMs`). */
  async run(exe: string, args: string[], o: StartOptions & { timeoutMs?: number } = {}): Promise<WineRun> {
    const p = this.start(exe, args, o);
    const timer = setTimeout(() => void p.kill(), o.timeoutMs ?? 60_000);
    try {
      return await p.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Unix pids of this prefix's live (not zombie) processes whose command line matches. */
  pids(pattern: RegExp = /./): number[] {
    const ours = (pid: string): boolean => {
      try {
        if (!readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`WINEPREFIX=${this.prefix}`)) return false;
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        return stat[stat.lastIndexOf(")") + 2] !== "Z" && pattern.test(readFileSync(`/proc/${pid}/cmdline`, "latin1"));
      } catch {
        return false; // gone, or not ours
      }
    };
    return readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p) && ours(p))
      .map(Number);
  }

  /** SIGKILLs this prefix's processes whose command line matches, and waits until they are gone. */
  async kill(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (let pids = this.pids(pattern); pids.length > 0; pids = this.pids(pattern)) {
      if (Date.now() > deadline) throw new Error(`processes ${pids.join(", ")} would not die`);
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends every process of the prefix (`wineserver -k`), waits for them and the server to be gone. */
  async stop(): Promise<void> {
    const serverDir = this.serverDir();
    for (const child of this.live) child.kill("SIGKILL");
    spawnSync(wineserver(), ["-k"], { env: this.env(), stdio: "ignore", timeout: 30_000 });
    const server = this.server;
    if (server && server.exitCode === null && server.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.kill("SIGKILL");
          resolve();
        }, 10_000);
        server.on("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await this.kill(/./);
    if (serverDir && /^\/tmp\/wine-[A-Za-z0-9]+$/.test(serverDir)) rmSync(serverDir, { recursive: true, force: true });
  }
}

/** A fresh temporary directory for one test file's prefix, install dirs and mirror. */
export function wineTmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "upkeep-wine-"));
}

/** Waits until `file` exists; fails early (with its output) if `proc` ends first. */
export async function waitForFile(file: string, proc?: WineProcess, timeoutMs = 30_000): Promise<void> {
  let ended: WineRun | undefined;
  void proc?.done.then((r) => (ended = r));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (ended) throw new Error(`the process ended (exit ${ended.code}) before ${path.basename(file)} appeared:\n${ended.stdout}\n${ended.stderr}`);
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The version marker appended to a stand-in (or upkeep) copy, or undefined for an unmarked file. */
export function versionMark(file: string): string | undefined {
  const size = statSync(file).size;
  const fd = openSync(file, "r");
  try {
    const tail = Buffer.alloc(64);
    const n = Math.min(64, size);
    readSync(fd, tail, 0, n, size - n); // the tail only, not ~90 MB

    return /STANDIN-VERSION=([^;]+);/.exec(tail.subarray(0, n).toString("latin1"))?.[1];
  } finally {
    closeSync(fd);
  }
}

/** Copies a Windows program to `to` with a version marker appended (a PE file runs with data after it). */
export function withVersion(from: string, to: string, version: string): string {
  copyFileSync(from, to);
  appendFileSync(to, `\nSTANDIN-VERSION=${version};\n`);
  return to;
}
