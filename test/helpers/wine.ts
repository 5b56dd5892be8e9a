// The wine tier's machinery (test/e2e/wine.test.ts): one WINEPREFIX per test file with its own
// persistent wineserver, Windows programs run with files for their output (pipes crash Node under
// wine 8), Unix ↔ Windows paths, and the Windows programs the tier needs, built by the project's own
// single-executable pipeline (src/release/sea.ts) into a cache under dist/.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
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
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { SEA_BUNDLE } from "../../src/release/build.js";
import { buildSea } from "../../src/release/sea.js";
import { TARGETS } from "../../src/release/targets.js";
import { which } from "./installers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

/** Debian's wine64 loader (the package installs no `wine` on PATH). */
export const WINE64 = "/usr/lib/wine/wine64";
/**
 * setarch, to start wine with no address-space randomization. Debian's wine64 has no preloader to keep
 * 0x7ffe0000 free, and a randomized heap now and then lands on it: wine then cannot map the shared user
 * data there (c0000018) and exits 1 at once, printing nothing under WINEDEBUG=-all (about 1 start in
 * a few thousand; a run of this tier starts a hundred or more). Wine's children inherit the setting.
 */
const SETARCH = existsSync("/usr/bin/setarch") ? "/usr/bin/setarch" : "";
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
 * upkeep's Windows executable for the current bundle, copied to `dest`: dist/targets/<win>/upkeep.exe
 * when its build stamp matches dist/upkeep.cjs (npm run setup builds it), else the same pipeline's build
 * of that bundle into the cache (so a stale Windows build is never what is tested). UPKEEP_WINE_EXE names
 * another build to test instead. A copy, so that a build or a second test run replacing or pruning those
 * files while this one runs changes nothing under it.
 */
export async function windowsUpkeep(dest: string): Promise<string> {
  // Another Windows build to put through the tier (a release candidate, or one with a fix undone).
  if (process.env.UPKEEP_WINE_EXE) return copySea(path.resolve(process.env.UPKEEP_WINE_EXE), dest);
  const bundle = path.join(root, "dist", "upkeep.cjs");
  const hash = sha256(readFileSync(bundle));
  const built = path.join(root, "dist", "targets", WIN_TARGET, "upkeep.exe");
  const stampFile = path.join(root, "dist", ".sea-stamps.json");
  const stamps = existsSync(stampFile) ? (JSON.parse(readFileSync(stampFile, "utf8")) as Record<string, string>) : {};
  if (existsSync(built) && stamps[WIN_TARGET] === `${hash}:${WIN_NODE.version}`) {
    copyFileSync(built, dest);
    if (isSea(dest)) return dest;
    // Half a build (or a bare Node): the cache's build of the same bundle is tested instead.
  }
  return cachedSea("upkeep", bundle, hash, dest);
}

const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * Whether `file` is a finished single executable: postject flips the sentinel fuse as it injects the
 * blob, so a bare Node binary (a build interrupted, or raced by another) fails this. Wine runs either
 * without complaint (a bare Node answers `--version` with its own version), hence the check.
 */
export function isSea(file: string): boolean {
  try {
    return readFileSync(file).includes(`${FUSE}:1`);
  } catch {
    return false;
  }
}

function copySea(from: string, dest: string): string {
  copyFileSync(from, dest);
  if (!isSea(dest)) throw new Error(`${from} is not a single executable (its sentinel fuse is not set)`);
  return dest;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * `<name>-<hash>-<node>.exe` from the cache (built there first if missing), copied to `dest`. Several
 * test runs share the cache (a second vitest, the whole suite, another engineer's run in the same tree),
 * so a build is made under a name of its own (buildSea's `<out>.work` is then its own too: two runs
 * sharing one renamed each other's half-made files into the cache) and renamed into place only when
 * finished; `dest` is copied from it before, so pruning by a run of newer sources cannot take it away.
 */
async function cachedSea(name: string, bundle: string, hash: string, dest: string): Promise<string> {
  mkdirSync(WINE_CACHE, { recursive: true });
  const base = `${name}-${hash.slice(0, 16)}-${WIN_NODE.version}.exe`;
  const out = path.join(WINE_CACHE, base);
  try {
    copyFileSync(out, dest);
    if (isSea(dest)) return dest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const mine = path.join(WINE_CACHE, `.building-${process.pid}-${randomBytes(4).toString("hex")}-${base}`);
  try {
    await buildSea({ bundle, out: mine, target: WIN_TARGET, cacheDir: path.join(root, ".cache", "node") });
    copySea(mine, dest);
    renameSync(mine, out);
  } finally {
    rmSync(mine, { force: true });
    rmSync(`${mine}.work`, { recursive: true, force: true });
  }
  // Keep only the newest build of each program (they are ~90 MB each), and no leftovers of runs that died.
  for (const f of readdirSync(WINE_CACHE)) {
    const building = /^\.building-(\d+)-/.exec(f);
    const stale = building ? !pidAlive(Number(building[1])) : f.startsWith(`${name}-`) && (f.endsWith(".exe") || f.endsWith(".exe.work")) && f !== base;
    if (stale) rmSync(path.join(WINE_CACHE, f), { recursive: true, force: true });
  }
  return dest;
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

/** The stand-in Windows program (test/helpers/wine-standin.ts), built once per content into the cache, copied to `dest`. */
export async function windowsStandin(dest: string): Promise<string> {
  const esbuild = await import("esbuild");
  const attached = new Set<string>();
  const result = await esbuild.build({
    ...SEA_BUNDLE,
    entryPoints: [path.join(root, "test", "helpers", "wine-standin.ts")],
    write: false,
    outfile: "standin.cjs",
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
  // Its own name: another run may be building the same bundle (and removes its file when done).
  const bundle = path.join(WINE_CACHE, `.building-${process.pid}-${randomBytes(4).toString("hex")}-standin.cjs`);
  writeFileSync(bundle, text);
  try {
    return await cachedSea("standin", bundle, hash, dest);
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
  /** What ran: `<exe> <args>`. */
  command: string;
  /** Set when {@link WinePrefix.run} killed it at its time limit: the limit, and the prefix's processes then. */
  timedOut?: string;
}

/** A run for an assertion message: what ran, how it ended, everything it printed. */
export function explain(r: WineRun): string {
  const end = r.timedOut ? `killed at its time limit (${r.timedOut})` : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return `${r.command}: ${end}\n--- its stdout:\n${r.stdout}\n--- its stderr:\n${r.stderr}`;
}

/** A Windows program started under wine. `pid` is its Unix process (wine64 execs into it). */
export interface WineProcess {
  pid: number;
  done: Promise<WineRun>;
  /** SIGKILL: the process dies at once, as with TerminateProcess or a power cut. */
  kill(): Promise<WineRun>;
  /** What it has printed so far, and the prefix's processes now (for messages while it runs). */
  progress(): string;
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
  /** The wineserver and wine's own services, as the boot left them. */
  private system = new Set<number>();

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
      // Wine's own messages off (they would mix into the output the tests read); UPKEEP_WINE_DEBUG turns
      // some on to look into a failure, e.g. `fixme-all` (wine's errors) or `+seh,+process`.
      WINEDEBUG: process.env.UPKEEP_WINE_DEBUG || "-all",
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
    if (boot.code !== 0) throw new Error(`wineboot failed:\n${explain(boot)}`);
    const reg = await this.run("reg", ["add", "HKCU\\Software\\Wine", "/v", "Version", "/d", "win10", "/f"], { timeoutMs: 30_000 });
    if (reg.code !== 0) throw new Error(`reg add failed:\n${explain(reg)}`);
    if (!existsSync(this.localAppData)) throw new Error(`wineboot made no ${this.localAppData}`);
    await this.settled();
    this.system = new Set(this.processes().map((p) => p.pid));
  }

  /**
   * Waits for the end of the boot's tail. `wineboot -i` returns while what it set off is still starting
   * (another wineboot, winemenubuilder, a second services.exe, winedevice.exe hosting the drivers); the
   * first program of a test must not race that. Settled: none of those boot programs left, and no process
   * of the prefix started or ended for 500 ms.
   */
  private async settled(): Promise<void> {
    const deadline = Date.now() + 30_000;
    let last = "";
    let since = Date.now();
    for (;;) {
      const now = this.processes();
      const key = now.map((p) => p.pid).join(",");
      if (key !== last) [last, since] = [key, Date.now()];
      const booting = now.filter((p) => /(^|\\)(wineboot|winemenubuilder|rundll32|start|reg)\.exe\b|\bwine64 (wineboot|reg)\b/i.test(p.cmd));
      if (booting.length === 0 && Date.now() - since >= 500) return;
      if (Date.now() > deadline) throw new Error(`the prefix did not settle within 30 s after wineboot; running:\n${this.listing()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
    const [file, argv] = SETARCH ? [SETARCH, ["x86_64", "--addr-no-randomize", WINE64, exe, ...args]] : [WINE64, [exe, ...args]];
    const child = spawn(file, argv, { env: this.env(o.env), cwd: o.cwd ?? this.dir, stdio: ["ignore", out, err] });
    closeSync(out);
    closeSync(err);
    this.live.add(child);
    const command = [exe, ...args].join(" ");
    // Never throws: an exit seen after the files are gone (the prefix removed) must not crash the worker.
    const read = (file: string): string => {
      try {
        return readFileSync(file, "utf8");
      } catch (error) {
        return `(${(error as Error).message})`;
      }
    };
    const done = new Promise<WineRun>((resolve, reject) => {
      child.on("error", (error) => {
        this.live.delete(child);
        reject(error);
      });
      child.on("exit", (code, signal) => {
        this.live.delete(child);
        resolve({ code, signal, stdout: read(outFile), stderr: read(errFile), command });
      });
    });
    return {
      pid: child.pid!,
      done,
      kill: () => {
        child.kill("SIGKILL");
        return done;
      },
      progress: () =>
        `${command} (pid ${child.pid}, ${child.exitCode === null && child.signalCode === null ? "running" : "ended"})\n--- its stdout so far:\n${read(outFile)}\n--- its stderr so far:\n${read(errFile)}\n--- the prefix's processes:\n${this.listing()}`,
    };
  }

  /**
   * Runs `exe` to its end. At `timeoutMs` (30 s: a run here takes a few seconds even on a loaded machine,
   * and a hang must fail as itself, with what was running, before the test's own timeout) it is killed
   * with every process it started, and the run says so.
   */
  async run(exe: string, args: string[], o: StartOptions & { timeoutMs?: number } = {}): Promise<WineRun> {
    const p = this.start(exe, args, o);
    const limit = o.timeoutMs ?? 30_000;
    let timedOut: string | undefined;
    const timer = setTimeout(() => {
      timedOut = `${limit} ms; the prefix's processes then:\n${this.listing()}`;
      // It and whatever it started (wine detaches a Windows child from its Unix parent, so: what is not wine's own).
      for (const pid of [p.pid, ...this.programs()]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, limit);
    try {
      const r = await p.done;
      return timedOut === undefined ? r : { ...r, timedOut };
    } finally {
      clearTimeout(timer);
    }
  }

  /** This prefix's live processes (not zombies), with their command lines. */
  processes(): { pid: number; cmd: string }[] {
    const found: { pid: number; cmd: string }[] = [];
    for (const p of readdirSync("/proc")) {
      if (!/^\d+$/.test(p)) continue;
      try {
        if (!readFileSync(`/proc/${p}/environ`, "latin1").split("\0").includes(`WINEPREFIX=${this.prefix}`)) continue;
        const stat = readFileSync(`/proc/${p}/stat`, "latin1");
        if (stat[stat.lastIndexOf(")") + 2] === "Z") continue;
        found.push({ pid: Number(p), cmd: readFileSync(`/proc/${p}/cmdline`, "latin1").replaceAll("\0", " ").trim() });
      } catch {
        // gone, or not ours
      }
    }
    return found.sort((a, b) => a.pid - b.pid);
  }

  /** Pids of the Windows programs running in the prefix: its processes but the wineserver and what the boot left running. */
  programs(): number[] {
    return this.processes()
      .filter((p) => !this.system.has(p.pid))
      .map((p) => p.pid);
  }

  /** The prefix's processes, one a line, for messages. */
  listing(): string {
    const all = this.processes();
    const own = all.filter((p) => this.system.has(p.pid)).map((p) => path.win32.basename(p.cmd.split(" ")[0]!));
    const programs = all.filter((p) => !this.system.has(p.pid)).map((p) => `  ${p.pid} ${p.cmd}`);
    return [...(programs.length ? programs : ["  (no Windows program)"]), `  and wine's own: ${own.join(", ") || "none"}`].join("\n");
  }

  /** Unix pids of this prefix's live (not zombie) processes whose command line matches. */
  pids(pattern: RegExp = /./): number[] {
    return this.processes()
      .filter((p) => pattern.test(p.cmd))
      .map((p) => p.pid);
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
    // Their exits are awaited too: an exit seen only after the caller removed the directory would read nothing.
    const exits = [...this.live].map(
      (child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()))),
    );
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
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000))]);
    if (serverDir && /^\/tmp\/wine-[A-Za-z0-9]+$/.test(serverDir)) rmSync(serverDir, { recursive: true, force: true });
  }
}

/** A fresh temporary directory for one test file's prefix, install dirs and mirror. */
export function wineTmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "upkeep-wine-"));
}

/**
 * Waits until `file` exists and holds `o.content` (when given: it may be seen half-written, and a marker
 * must say which step wrote it); fails early, with its output, if `proc` ends first, and at the time limit
 * with what it printed so far and what ran.
 */
export async function waitForFile(file: string, proc?: WineProcess, o: { content?: string; timeoutMs?: number } = {}): Promise<void> {
  let ended: WineRun | undefined;
  void proc?.done.then(
    (r) => (ended = r),
    () => {},
  );
  const timeoutMs = o.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  const ready = (): boolean => {
    try {
      return o.content === undefined ? existsSync(file) : readFileSync(file, "utf8") === o.content;
    } catch {
      return false;
    }
  };
  const holds = (): string => {
    try {
      return ` (it holds ${JSON.stringify(readFileSync(file, "utf8"))})`;
    } catch {
      return "";
    }
  };
  while (!ready()) {
    if (ended) throw new Error(`${path.basename(file)} did not appear${holds()}: the process ended first:\n${explain(ended)}`);
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms${holds()}:\n${proc ? proc.progress() : ""}`);
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
