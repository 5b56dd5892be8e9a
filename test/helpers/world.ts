// The one test world, shared by the hostile-input table, the fault suite and the other tests that need
// an install: axolotlsay 1.0.0 installed in a throw-away HOME (binary, alias, updater, receipt), a fake
// GitHub on loopback publishing 2.0.0, a static mirror server that logs every request's headers,
// distinct canary secrets in the environment, and a canary file outside the prefix that any hostile
// script writes if it is ever executed. Options take parts away or swap them (no install, the real
// executable as the updater, TLS). The checks return findings (an empty list when all is well) for
// the test to assert: this module imports no vitest (see ./cleanup.ts).
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCliWith, type CliRun } from "./cli.js";
import { loggingServer, type LoggingServer, type SeenRequest } from "./static-server.js";
import { fakeRelease, installedApp, tmpDir, type InstalledApp, type ReleaseOptions } from "./fake-app.js";
import { startFakeGithub, type FakeGithub, type FakeGithubOptions, type FakeRelease } from "./fake-github.js";
import { makeTestCa, type TestCa } from "./tls.js";

export { loggingServer, type LoggingServer, type SeenRequest };
export const EXE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/upkeep");
export const OLD_UPDATER = '#!/bin/sh\nif [ "$1" = -V ]; then echo "upkeep 0.0.1"; fi\n';
const sha256 = (b: string | Buffer): string => createHash("sha256").update(b).digest("hex");

/** A mirror asset: its file in the mirror directory, and what releases.json says of it. */
export interface MirrorAsset {
  name: string;
  body: string | Buffer;
  /** What `path` says in releases.json (default `<tag>/<name>`); the file is written there when relative and inside. */
  path?: string;
  /** What `sha256` says (default the real one); null leaves it out. */
  sha256?: string | null;
}

/** Writes a mirror (releases.json and asset files) into `dir`; returns the index object written. */
export function writeMirror(
  dir: string,
  releases: { tag: string; version: string; prerelease?: boolean; assets: MirrorAsset[] }[],
  app = "axolotlsay",
): unknown {
  mkdirSync(dir, { recursive: true });
  const index = {
    schema: "upkeep-mirror/1",
    app,
    releases: releases.map((r) => ({
      tag: r.tag,
      version: r.version,
      prerelease: r.prerelease ?? false,
      assets: r.assets.map((a) => {
        const rel = a.path ?? `${r.tag}/${a.name}`;
        if (a.path === undefined) {
          mkdirSync(path.join(dir, r.tag), { recursive: true });
          writeFileSync(path.join(dir, rel), a.body);
        }
        return { name: a.name, path: rel, size: Buffer.byteLength(a.body), ...(a.sha256 === null ? {} : { sha256: a.sha256 ?? sha256(a.body) }) };
      }),
    })),
  };
  writeFileSync(path.join(dir, "releases.json"), JSON.stringify(index));
  return index;
}

/** Secrets placed in the environment so a row can prove none of them leaked. */
export interface Secrets {
  GITHUB_TOKEN: string;
  AXOUPDATER_GITHUB_TOKEN: string;
  AXOLOTLSAY_GITHUB_TOKEN: string;
  proxyPassword: string;
}

/**
 * What `<app>-update` is: "stub" an old updater script that only answers -V (the default), "link" a
 * symlink to the real built executable (dist/upkeep), "copy" a copy of it, "none" nothing.
 */
export type UpdaterKind = "stub" | "link" | "copy" | "none";

/** Options of {@link makeWorld}. */
export interface WorldOptions {
  /** Options of the 2.0.0 release on the fake GitHub. */
  release?: ReleaseOptions;
  /** Replace the fake GitHub's releases entirely. */
  releases?: FakeRelease[];
  /** More options of the fake GitHub (a token, latency, a rate limit, how GHE downloads are answered). */
  github?: Omit<FakeGithubOptions, "releases" | "tls">;
  /** The version of axolotlsay installed (default "1.0.0"); false: an empty HOME, for a test that runs a real installer. */
  installed?: string | false;
  /** The alias `axo` → axolotlsay, in the bin dir and the receipt (default true when installed). */
  alias?: boolean;
  /** What `<app>-update` is (default "stub"; "none" when nothing is installed). */
  updater?: UpdaterKind;
  /** Put the canary secrets in the environment (default true). */
  secrets?: boolean;
  /** Serve the fake GitHub over HTTPS with a test CA. */
  tls?: boolean;
  /** With `tls`: trust the CA through UPKEEP_CA_FILE (default true). */
  trustCa?: boolean;
  /** More environment, over the world's own. */
  env?: Record<string, string>;
  /** Use this directory as HOME (created if missing) instead of `<root>/home`. */
  home?: string;
}

/** A world: the install, its servers, and the checks every row makes. */
export interface World {
  root: string;
  home: string;
  /** Where the app is installed (with `installed: false`, where it will be, cargo-home style). */
  app: InstalledApp;
  gh: FakeGithub;
  /** The test CA, with `tls`. */
  ca: TestCa | undefined;
  mirror: LoggingServer;
  mirrorDir: string;
  updater: string;
  cache: string;
  canary: string;
  secrets: Secrets;
  env: Record<string, string>;
  /** Shell that writes the canary; put it in every script a row serves that must not run. */
  canaryLine: string;
  /** A script that would be a valid installer, but writes the canary (it must never be executed). */
  hostileInstaller(version?: string): string;
  /** Writes {@link World.hostileInstaller} to `<root>/<name>` (outside the prefix and any mirror); returns its path. */
  plantHostile(name?: string): string;
  /** The CLI in-process, invoked as the app's updater. */
  run(argv?: string[], extraEnv?: Record<string, string>, cwd?: string): Promise<CliRun>;
  /** The updater as a process (needs `updater: "link"` or `"copy"`); `onStderr` may kill it. */
  runExe(argv?: string[], extraEnv?: Record<string, string>, o?: ProcessOptions): Promise<CliRun & { signal: string | null }>;
  /** What the installed `axolotlsay` prints (trimmed; "" when it does not run). */
  version(): string;
  /** Rewrites the receipt (an object, written as JSON). */
  updateReceipt(receipt: unknown): void;
  /** Re-takes the "before" snapshot (first taken when the world is made) after a test's own setup. */
  snapshot(): void;
  /** What is wrong with "the previous install runs, byte-identical to the snapshot, with nothing of the attempt left"; [] when nothing. */
  intactFindings(): string[];
  /** What is wrong with "`version` runs (binary and alias) with its receipt, nothing of the update left"; [] when nothing. */
  updatedFindings(version?: string): string[];
  /** A hostile script ran: [] when none did. */
  canaryFindings(): string[];
  /** Secrets found in the output, under HOME (TMPDIR, cache, prefix) or in a non-API server's log: [] when none. */
  leakFindings(r: { stdout: string; stderr: string }, more?: SeenRequest[]): string[];
}

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

/** Where an app would be installed cargo-home style in `home`, and the environment, with nothing installed. */
function emptyHome(home: string): InstalledApp {
  const prefix = path.join(home, ".cargo");
  const tmp = path.join(home, "tmp");
  mkdirSync(tmp, { recursive: true });
  return {
    home,
    prefix,
    bin: path.join(prefix, "bin"),
    receiptPath: path.join(home, ".config", "axolotlsay", "axolotlsay-receipt.json"),
    env: { HOME: home, PATH: SYSTEM_PATH, TMPDIR: tmp, LANG: "C.UTF-8" },
  };
}

const readOrNull = (file: string): Buffer | null => (existsSync(file) ? readFileSync(file) : null);
const linkOrNull = (file: string): string | null => (lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() ? readlinkSync(file) : null);
const output = (file: string): string => spawnSync(file, ["--version"], { encoding: "utf8" }).stdout ?? "";

/** Builds the world for one test; everything is removed or closed when the test finishes. */
export async function makeWorld(o: WorldOptions = {}): Promise<World> {
  const installed = o.installed ?? "1.0.0";
  const updaterKind = o.updater ?? (installed === false ? "none" : "stub");
  if (installed === false && (updaterKind !== "none" || o.alias)) throw new Error("makeWorld: an updater or alias needs an install");
  const alias = installed !== false && o.alias !== false;
  const root = tmpDir("upkeep-world-");
  const home = o.home ?? path.join(root, "home");
  mkdirSync(home, { recursive: true });
  const canary = path.join(root, "canary-executed");
  const canaryLine = `echo executed >> '${canary}'`;
  const ca = o.tls ? makeTestCa() : undefined;
  const gh = await startFakeGithub({
    ...o.github,
    releases: o.releases ?? [fakeRelease("2.0.0", o.release), fakeRelease("1.0.0")],
    ...(ca ? { tls: { key: ca.key, cert: ca.cert } } : {}),
  });
  const app =
    installed === false
      ? emptyHome(home)
      : installedApp({ home, version: installed, ...(alias ? { receipt: { binary_aliases: { axolotlsay: ["axo"] } } } : {}) });
  if (alias) symlinkSync("axolotlsay", path.join(app.bin, "axo"));
  const updater = path.join(app.bin, "axolotlsay-update");
  if (updaterKind === "link") symlinkSync(EXE, updater);
  else if (updaterKind === "copy") copyFileSync(EXE, updater);
  else if (updaterKind === "stub") writeFileSync(updater, OLD_UPDATER, { mode: 0o755 });
  const cache = path.join(home, ".cache", "upkeep");
  const lock = path.join(cache, "locks", "axolotlsay.lock");
  const mirrorDir = path.join(root, "mirror");
  mkdirSync(mirrorDir);
  const mirror = await loggingServer(mirrorDir);
  const tag = randomBytes(4).toString("hex");
  const secrets: Secrets = {
    GITHUB_TOKEN: `ghp_canaryGITHUB${tag}`,
    AXOUPDATER_GITHUB_TOKEN: `ghp_canaryAXOUPDATER${tag}`,
    AXOLOTLSAY_GITHUB_TOKEN: `ghp_canaryAPP${tag}`,
    proxyPassword: `proxyCanary${tag}`,
  };
  const env: Record<string, string> = {
    ...app.env,
    AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase,
    UPKEEP_LOCK_WAIT: "0.5",
    ...(ca && o.trustCa !== false ? { UPKEEP_CA_FILE: ca.caFile } : {}),
    ...(o.secrets === false
      ? {}
      : {
          GITHUB_TOKEN: secrets.GITHUB_TOKEN,
          AXOUPDATER_GITHUB_TOKEN: secrets.AXOUPDATER_GITHUB_TOKEN,
          AXOLOTLSAY_GITHUB_TOKEN: secrets.AXOLOTLSAY_GITHUB_TOKEN,
          // A proxy that is never used (everything here is loopback), but whose password must not leak.
          HTTPS_PROXY: `http://proxyuser:${secrets.proxyPassword}@127.0.0.1:9`,
          HTTP_PROXY: `http://proxyuser:${secrets.proxyPassword}@127.0.0.1:9`,
          NO_PROXY: "127.0.0.1,localhost",
        }),
    ...o.env,
  };

  const axo = path.join(app.bin, "axo");
  // The updater by its digest: it may be the 100 MB executable.
  const take = () => {
    const bytes = readOrNull(updater);
    return {
      receipt: readOrNull(app.receiptPath),
      updater: bytes && sha256(bytes),
      updaterLink: linkOrNull(updater),
      aliasLink: linkOrNull(axo),
      run: output(path.join(app.bin, "axolotlsay")),
      alias: alias ? output(axo) : null,
      binFiles: existsSync(app.bin) ? readdirSync(app.bin).sort() : [],
    };
  };
  let before = installed === false ? undefined : take();

  const world: World = {
    root,
    home,
    app,
    gh,
    ca,
    mirror,
    mirrorDir,
    updater,
    cache,
    canary,
    secrets,
    env,
    canaryLine,
    hostileInstaller: (version = "2.0.0") => `#!/bin/sh\n${canaryLine}\nprintf '#!/bin/sh\\necho "axolotlsay ${version}"\\n' > "$HOME/.cargo/bin/axolotlsay"\n`,
    plantHostile: (name = "hostile.sh") => {
      const file = path.join(root, name);
      writeFileSync(file, world.hostileInstaller(), { mode: 0o755 });
      return file;
    },
    run: (argv = [], extraEnv = {}, cwd) => runCliWith({ argv, env: { ...env, ...extraEnv }, invokedAs: updater, ...(cwd ? { cwd } : {}) }),
    runExe: (argv = [], extraEnv = {}, ro = {}) => runJsonProcess(updater, argv, { ...env, ...extraEnv }, { cwd: ro.cwd ?? home, ...ro }),
    version: () => output(path.join(app.bin, "axolotlsay")).trim(),
    updateReceipt: (receipt) => writeFileSync(app.receiptPath, `${JSON.stringify(receipt)}\n`),
    snapshot: () => {
      before = take();
    },
    intactFindings: () => {
      if (!before) return ["nothing was installed (installed: false): there is no previous install to keep"];
      const now = take();
      const found: string[] = [];
      const changed = (what: string, a: unknown, b: unknown) => found.push(`${what}: was ${JSON.stringify(a)}, now ${JSON.stringify(b)}`);
      if (now.run !== `axolotlsay ${installed}\n`) found.push(`the previous version does not run: axolotlsay --version printed ${JSON.stringify(now.run)}`);
      if (!(now.receipt && before.receipt && now.receipt.equals(before.receipt)))
        changed("receipt not byte-identical", before.receipt?.toString(), now.receipt?.toString());
      if (now.updater !== before.updater) changed("updater not byte-identical (sha256)", before.updater, now.updater);
      if (now.updaterLink !== before.updaterLink) changed("updater link changed", before.updaterLink, now.updaterLink);
      if (now.aliasLink !== before.aliasLink) changed("alias changed", before.aliasLink, now.aliasLink);
      if (now.alias !== before.alias) changed("the alias no longer runs the old version", before.alias, now.alias);
      if (JSON.stringify(now.binFiles) !== JSON.stringify(before.binFiles))
        changed("a backup, staging or stray file left in the bin dir (or one gone)", before.binFiles, now.binFiles);
      if (existsSync(lock)) found.push(`lock left behind: ${lock}`);
      return found;
    },
    updatedFindings: (version = "2.0.0") => {
      const now = take();
      const found: string[] = [];
      if (now.run !== `axolotlsay ${version}\n`) found.push(`axolotlsay --version printed ${JSON.stringify(now.run)}, not axolotlsay ${version}`);
      if (alias && now.alias !== `axolotlsay ${version}\n`) found.push(`the alias printed ${JSON.stringify(now.alias)}, not axolotlsay ${version}`);
      let receiptVersion: unknown;
      try {
        receiptVersion = (JSON.parse(now.receipt?.toString() ?? "") as { version?: unknown }).version;
      } catch {
        receiptVersion = "(unreadable receipt)";
      }
      if (receiptVersion !== version) found.push(`the receipt says version ${JSON.stringify(receiptVersion)}, not ${version}`);
      const dotFiles = now.binFiles.filter((f) => f.startsWith("."));
      if (dotFiles.length) found.push(`backup or staging left in the bin dir: ${dotFiles.join(", ")}`);
      if (existsSync(lock)) found.push(`lock left behind: ${lock}`);
      return found;
    },
    canaryFindings: () => (existsSync(canary) ? [`a script that was not verified was executed (${canary} exists)`] : []),
    leakFindings: (r, more = []) => {
      const values = Object.values(secrets);
      const places: [string, string][] = [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ];
      for (const file of filesUnder(home)) places.push([file, readFileSync(file).toString("latin1")]);
      const logs = [...gh.log.filter((l) => l.server !== "api"), ...mirror.log, ...more];
      for (const l of logs) places.push([`${l.server} request ${l.path}`, `${l.path}\n${JSON.stringify(l.headers)}`]);
      return places.flatMap(([where, text]) => values.filter((v) => text.includes(v)).map((v) => `secret ${v.slice(0, 12)}… leaked into ${where}`));
    },
  };
  return world;
}

/** Options of {@link runJsonProcess}. */
export interface ProcessOptions {
  cwd?: string;
  /** Sees stderr so far; may kill the process (to interrupt it at a moment). */
  onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
  /** SIGKILL after this long (default 25 s), so a hang fails the row instead of the whole run. */
  timeoutMs?: number;
  /** Called once the process is started, with a way to signal it. */
  started?: (kill: (signal: NodeJS.Signals) => void) => void | Promise<void>;
}

/** Runs a program with exactly `env` and collects its output; stdout parsed when it is JSON. */
export function runJsonProcess(file: string, args: string[], env: Record<string, string>, o: ProcessOptions = {}): Promise<CliRun & { signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd: o.cwd ?? "/", stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 25_000);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      o.onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on("error", reject);
    void o.started?.((s) => child.kill(s));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let json: Record<string, any> | undefined;
      try {
        json = JSON.parse(stdout) as Record<string, any>;
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, signal, stdout, stderr, json });
    });
  });
}

// Every regular file under `dir` (symlinks not followed: they point at the world's own files or outside).
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Removes a path if it exists (rows that plant things). */
export function remove(p: string): void {
  rmSync(p, { recursive: true, force: true });
}
