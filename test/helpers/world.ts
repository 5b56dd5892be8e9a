// One test world, shared by the hostile-input table and later tests: axolotlsay 1.0.0 installed in a
// throw-away HOME (binary, alias, updater, receipt), a fake GitHub on loopback publishing 2.0.0, a
// static mirror server that logs every request's headers, distinct canary secrets in the environment,
// and a canary file outside the prefix that any hostile script writes if it is ever executed.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { runCliWith, type CliRun } from "./cli.js";
import { loggingServer, type LoggingServer, type SeenRequest } from "./static-server.js";
import { fakeRelease, installedApp, tmpDir, type InstalledApp, type ReleaseOptions } from "./fake-app.js";
import { startFakeGithub, type FakeGithub, type FakeRelease } from "./fake-github.js";
import { makeTestCa } from "./tls.js";

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
export function writeMirror(dir: string, releases: { tag: string; version: string; prerelease?: boolean; assets: MirrorAsset[] }[], app = "axolotlsay"): unknown {
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

/** Options of {@link makeWorld}. */
export interface WorldOptions {
  /** Options of the 2.0.0 release on the fake GitHub. */
  release?: ReleaseOptions;
  /** Replace the fake GitHub's releases entirely. */
  releases?: FakeRelease[];
  /** Put the canary secrets in the environment (default true). */
  secrets?: boolean;
  /** `<app>-update` is a link to the real built executable (dist/upkeep), for rows run as processes. */
  realUpdater?: boolean;
  /** Serve the fake GitHub over HTTPS with a test CA (trusted through UPKEEP_CA_FILE). */
  tls?: boolean;
}

/** A world: the install, its servers, and the checks every row makes. */
export interface World {
  root: string;
  app: InstalledApp;
  gh: FakeGithub;
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
  /** The real executable as a process (needs `realUpdater`); `onStderr` may kill it. */
  runExe(argv?: string[], extraEnv?: Record<string, string>, o?: ProcessOptions): Promise<CliRun & { signal: string | null }>;
  /** Rewrites the receipt (an object, written as JSON). */
  updateReceipt(receipt: unknown): void;
  /** Re-takes the "before" snapshot (after a row's own setup). */
  snapshot(): void;
  /** The previous install runs, byte-identical to the snapshot, with nothing of the attempt left. */
  expectIntact(): void;
  /** No hostile script ran. */
  expectNoCanary(): void;
  /** No secret appears in the output, under HOME (TMPDIR, cache, prefix) or in a non-API server's log. */
  expectNoLeak(r: { stdout: string; stderr: string }, more?: SeenRequest[]): void;
}

/** Builds the world for one test; everything is removed or closed when the test finishes. */
export async function makeWorld(o: WorldOptions = {}): Promise<World> {
  const root = tmpDir("upkeep-world-");
  const home = path.join(root, "home");
  mkdirSync(home);
  const canary = path.join(root, "canary-executed");
  const canaryLine = `echo executed >> '${canary}'`;
  const ca = o.tls ? makeTestCa() : undefined;
  const gh = await startFakeGithub({ releases: o.releases ?? [fakeRelease("2.0.0", o.release), fakeRelease("1.0.0")], ...(ca ? { tls: { key: ca.key, cert: ca.cert } } : {}) });
  const app = installedApp({ home, receipt: { binary_aliases: { axolotlsay: ["axo"] } } });
  symlinkSync("axolotlsay", path.join(app.bin, "axo"));
  const updater = path.join(app.bin, "axolotlsay-update");
  if (o.realUpdater) symlinkSync(EXE, updater);
  else writeFileSync(updater, OLD_UPDATER, { mode: 0o755 });
  const cache = path.join(home, ".cache", "upkeep");
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
    ...(ca ? { UPKEEP_CA_FILE: ca.caFile } : {}),
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
  };

  const take = () => ({
    receipt: readFileSync(app.receiptPath),
    updater: readFileSync(updater),
    updaterLink: lstatSync(updater).isSymbolicLink() ? readlinkSync(updater) : null,
    aliasLink: readlinkSync(path.join(app.bin, "axo")),
    run: spawnSync(path.join(app.bin, "axolotlsay"), ["--version"], { encoding: "utf8" }).stdout,
    alias: spawnSync(path.join(app.bin, "axo"), { encoding: "utf8" }).stdout,
    binFiles: readdirSync(app.bin).sort(),
  });
  let before = take();

  const world: World = {
    root,
    app,
    gh,
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
    updateReceipt: (receipt) => writeFileSync(app.receiptPath, `${JSON.stringify(receipt)}\n`),
    snapshot: () => {
      before = take();
    },
    expectIntact: () => {
      const now = take();
      expect(now.run, "the previous version still runs").toBe("axolotlsay 1.0.0\n");
      expect(now.receipt.equals(before.receipt), "receipt byte-identical").toBe(true);
      expect(now.updater.equals(before.updater), "updater byte-identical").toBe(true);
      expect(now.updaterLink, "updater link unchanged").toBe(before.updaterLink);
      expect(now.aliasLink, "alias unchanged").toBe(before.aliasLink);
      expect(now.alias, "alias still runs the old version").toBe(before.alias);
      expect(now.binFiles, "no backup, staging or stray file left in the bin dir").toEqual(before.binFiles);
      expect(existsSync(path.join(cache, "locks", "axolotlsay.lock")), "lock left behind").toBe(false);
    },
    expectNoCanary: () => {
      expect(existsSync(canary), "a script that was not verified was executed").toBe(false);
    },
    expectNoLeak: (r, more = []) => {
      const values = Object.values(secrets);
      const places: [string, string][] = [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ];
      for (const file of filesUnder(home)) places.push([file, readFileSync(file).toString("latin1")]);
      const logs = [...gh.log.filter((l) => l.server !== "api"), ...mirror.log, ...more];
      for (const l of logs) places.push([`${l.server} request ${l.path}`, `${l.path}\n${JSON.stringify(l.headers)}`]);
      for (const [where, text] of places) {
        for (const v of values) expect(text.includes(v), `secret ${v.slice(0, 12)}… leaked into ${where}`).toBe(false);
      }
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
    let entries;
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
