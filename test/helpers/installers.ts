// Helpers for installer tests: releases built with the real release tooling (src/release/release.ts,
// what scripts/release.mjs runs), the shells to run them under, and a runner that gives the
// installer exactly the environment a test chooses.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { release } from "../../src/release/release.js";
import { UPKEEP_MARKER } from "../../src/release/render.js";
import { tmpDir } from "./fake-app.js";
import { runProcess } from "./run.js";

/** A shell to run installers with: its argv prefix, or why it cannot be used here. */
export interface Shell {
  name: string;
  argv: string[];
  missing: string | undefined;
}

/** Absolute path of a command on the test runner's PATH, or "" (tests give installers their own PATH). */
export const which = (cmd: string): string => spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();

const shell = (name: string, cmd: string, args: string[], hint: string): Shell => {
  const found = which(cmd);
  return { name, argv: [found || cmd, ...args], missing: found ? undefined : `${cmd} is not installed (${hint})` };
};

/** dash, bash and busybox ash; `missing` says which tool is absent (the test then skips, saying so). */
export const SHELLS: Shell[] = [
  shell("dash", "dash", [], "npm run setup installs it"),
  shell("bash", "bash", ["--posix"], "install bash"),
  shell("busybox ash", "busybox", ["sh"], "npm run setup installs it"),
];

/**
 * A stand-in for upkeep as the updater: a script printing "updater <version>" that scripts/release.mjs
 * takes for upkeep (it holds upkeep's marker), so installers share it through the store.
 */
export const fakeUpkeep = (version: string): string => `#!/bin/sh\n# ${UPKEEP_MARKER}\necho "updater ${version}"\n`;

/** Options of {@link makeRelease}. */
export interface MakeReleaseOptions {
  version: string;
  app?: string;
  targets?: string[];
  installPath?: string;
  aliases?: string[];
  baseUrl?: string;
  /** `--mirror`: the directory URL of the mirror's releases.json the installers download from and record. */
  mirror?: string;
  /** Updater body per target; default {@link fakeUpkeep} of the release's version. */
  updater?: (target: string) => Buffer | string;
  /** An unencrypted minisign secret key file (its path) that signs the release (`--sign-key`). */
  signKey?: string;
  /** Keys (lines or `.pub` paths) the installers pin instead of the signing key's (`--public-key`). */
  publicKeys?: string[];
}

/** Builds a release directory of a fake app with scripts/release.mjs; returns its path. */
export function makeRelease(o: MakeReleaseOptions): string {
  const app = o.app ?? "axolotlsay";
  const work = tmpDir("upkeep-release-");
  for (const target of o.targets ?? ["x86_64-unknown-linux-gnu"]) {
    const windows = target.includes("windows");
    const bins = path.join(work, "bins", target);
    const upd = path.join(work, "upd", target);
    mkdirSync(bins, { recursive: true });
    mkdirSync(upd, { recursive: true });
    writeFileSync(path.join(bins, windows ? `${app}.exe` : app), `#!/bin/sh\necho "${app} ${o.version} ${target}"\n`, { mode: 0o755 });
    writeFileSync(path.join(upd, windows ? "upkeep.exe" : "upkeep"), o.updater?.(target) ?? fakeUpkeep(o.version), { mode: 0o755 });
  }
  const out = path.join(work, "out");
  release({
    app,
    version: o.version,
    repo: "axodotdev/axolotlsay",
    binaries: path.join(work, "bins"),
    updater: path.join(work, "upd"),
    out,
    ...(o.installPath ? { "install-path": o.installPath } : {}),
    ...(o.aliases ? { alias: o.aliases } : {}),
    ...(o.baseUrl ? { "base-url": o.baseUrl } : {}),
    ...(o.mirror ? { mirror: o.mirror } : {}),
    ...(o.signKey ? { "sign-key": o.signKey } : {}),
    ...(o.publicKeys ? { "public-key": o.publicKeys } : {}),
  });
  return out;
}

/** What one installer run did. */
export type ScriptRun = import("./run.js").ProcessRun;

/** Options of {@link runScript}. */
export interface RunScriptOptions {
  args?: string[];
  cwd?: string;
  /** Run as the unprivileged user 65534 (for permission tests when the suite runs as root). */
  asNobody?: boolean;
}

/** Runs `script` under `shell` with exactly `env`, asynchronously (the fake server shares this process). */
export function runScript(shell: Shell, script: string, env: Record<string, string>, o: RunScriptOptions = {}): Promise<ScriptRun> {
  let argv = [...shell.argv, script, ...(o.args ?? [])];
  if (o.asNobody) argv = [which("setpriv") || "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...argv];
  return runProcess(argv[0]!, argv.slice(1), env, o.cwd ?? "/");
}

/** A directory of stand-in commands (e.g. a `uname` that says Darwin) to put first on PATH. */
export function fakeCommands(commands: Record<string, string>): string {
  const dir = tmpDir("upkeep-cmds-");
  chmodSync(dir, 0o755);
  for (const [name, body] of Object.entries(commands)) writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return dir;
}

/** A PATH directory holding only links to these system commands (to hide curl, say). */
export function onlyCommands(names: string[]): string {
  const dir = tmpDir("upkeep-path-");
  chmodSync(dir, 0o755);
  for (const name of names) {
    const found = which(name);
    if (found) symlinkSync(found, path.join(dir, name));
  }
  return dir;
}

/** A PATH directory of busybox applets only: an Alpine-like userland. */
export function busyboxOnly(): string {
  const dir = tmpDir("upkeep-busybox-");
  chmodSync(dir, 0o755);
  const applets = spawnSync("busybox", ["--list"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  const busybox = which("busybox");
  for (const a of applets) symlinkSync(busybox, path.join(dir, a));
  return dir;
}
