// A Windows stand-in program for the wine tier (test/e2e/wine.test.ts), built as a Windows single
// executable by the project's own pipeline. What it does depends on its own file name:
//
// - `powershell.exe`: an installer. upkeep runs `powershell -NoProfile -NonInteractive -ExecutionPolicy
//   Bypass -File <app>-installer.ps1`; the .ps1 (from the mirror) names the app, version and mirror in
//   `# standin-<key>: <value>` lines. Like a cargo-dist installer it copies `<app>.exe` and
//   `<app>-update.exe` from `INSTALLER_DOWNLOAD_URL` into `<APP>_INSTALL_DIR` (then
//   `CARGO_DIST_FORCE_INSTALL_DIR`), then writes `%LOCALAPPDATA%\<app>\<app>-receipt.json`. Copying over
//   a running .exe fails, as on Windows (wine enforces that), and so does this installer then.
// - any other name (`<app>.exe`): the app. `--version` prints `<app> <version>`, the version being the
//   marker appended to its own file (see `withVersion` in test/helpers/wine.ts).
//
// Faults, from STANDIN_FAULT (upkeep passes its environment on to the installer and to the app it
// verifies): `fail` (install everything, then exit 1), `old-receipt` (write a receipt still at 1.5.0),
// `hang-before-copy`, `hang-after-updater`, `hang-after-receipt` (the installer), `hang-verify` (the
// app's --version). A hang writes the file STANDIN_MARKER, then waits (for the test to kill it).
//
// Under the name `<app>-update.exe` (or a `.previous` copy of it) it is upkeep itself, bundled from
// src/ with two pauses for the tests that must kill it at a moment nothing else marks (see
// `holdPlugin` in test/helpers/wine.ts): UPKEEP_WINE_HOLD=after-backup|after-self-move writes
// STANDIN_MARKER and waits forever. Without that variable it is upkeep unchanged.
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const VERSION_TAG = "STANDIN-VERSION=";

function ownVersion(): string {
  const file = process.execPath;
  const size = statSync(file).size;
  const tail = Buffer.alloc(Math.min(64, size));
  const fd = openSync(file, "r");
  readSync(fd, tail, 0, tail.length, size - tail.length);
  closeSync(fd);
  const m = new RegExp(`${VERSION_TAG}([^;]+);`).exec(tail.toString("latin1"));
  return m?.[1] ?? "0.0.0-unmarked";
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function hangIf(point: string): void {
  if (process.env.STANDIN_FAULT !== point) return;
  const marker = process.env.STANDIN_MARKER;
  if (!marker) throw new Error("STANDIN_MARKER is not set");
  writeFileSync(marker, `${point}\n`);
  // The test kills it (and upkeep) here; the limit only keeps a forgotten one from living on.
  sleep(120_000);
  process.exit(9);
}

function installer(): number {
  const args = process.argv.slice(2);
  const at = args.indexOf("-File");
  if (at < 0 || args[at + 1] === undefined) {
    process.stderr.write(`stand-in powershell: no -File in ${JSON.stringify(args)}\n`);
    return 2;
  }
  const script = readFileSync(args[at + 1]!, "utf8");
  const field = (key: string): string => {
    const m = new RegExp(`^# standin-${key}: (.*)$`, "m").exec(script);
    if (!m) throw new Error(`the installer script has no "# standin-${key}:" line`);
    return m[1]!.trim();
  };
  const app = field("app");
  const version = field("version");
  const envApp = app.toUpperCase().replaceAll("-", "_");
  const dir = process.env[`${envApp}_INSTALL_DIR`] || process.env.CARGO_DIST_FORCE_INSTALL_DIR;
  const from = process.env.INSTALLER_DOWNLOAD_URL;
  const local = process.env.LOCALAPPDATA;
  if (!dir || !from || !local) {
    process.stderr.write(`stand-in installer: missing ${!dir ? `${envApp}_INSTALL_DIR` : !from ? "INSTALLER_DOWNLOAD_URL" : "LOCALAPPDATA"}\n`);
    return 2;
  }
  const source = fileURLToPath(from);
  process.stdout.write(`installing ${app} ${version} to ${dir}\n`);
  hangIf("hang-before-copy");
  mkdirSync(dir, { recursive: true });
  for (const name of [`${app}.exe`, `${app}-update.exe`]) {
    // Straight over the old file, as PowerShell's Copy-Item does: this fails on a running .exe.
    copyFileSync(path.join(source, name), path.join(dir, name));
    process.stdout.write(`  ${name}\n`);
  }
  hangIf("hang-after-updater");
  const receiptDir = path.join(local, app);
  mkdirSync(receiptDir, { recursive: true });
  const receipt = {
    binaries: [`${app}.exe`],
    binary_aliases: {},
    cdylibs: [],
    cstaticlibs: [],
    install_layout: "flat",
    install_prefix: dir,
    modify_path: false,
    provider: { source: "cargo-dist", version: "0.31.0" },
    source: { app_name: app, name: app, owner: "axodotdev", release_type: "mirror", url: field("mirror") },
    version: process.env.STANDIN_FAULT === "old-receipt" ? "1.5.0" : version,
  };
  const file = path.join(receiptDir, `${app}-receipt.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(receipt));
  renameSync(`${file}.tmp`, file);
  hangIf("hang-after-receipt");
  if (process.env.STANDIN_FAULT === "fail") {
    process.stderr.write("stand-in installer: failing on purpose after installing\n");
    return 1;
  }
  process.stdout.write("everything's installed!\n");
  return 0;
}

function app(): number {
  const name = path.win32.basename(process.execPath).replace(/\.exe$/i, "");
  if (process.argv[2] !== "--version") {
    process.stderr.write(`${name}: stand-in app; only --version works\n`);
    return 2;
  }
  hangIf("hang-verify");
  process.stdout.write(`${name} ${ownVersion()}\n`);
  return 0;
}

function main(): number | undefined {
  const self = path.win32.basename(process.execPath).toLowerCase();
  if (/-update(\.previous-[a-z0-9]+)?\.exe$/.test(self)) {
    void import("../../src/cli/main.js");
    return undefined;
  }
  try {
    return self === "powershell.exe" ? installer() : app();
  } catch (error) {
    process.stderr.write(`stand-in ${self}: ${(error as Error).message}\n`);
    return 1;
  }
}

const code = main();
if (code !== undefined) process.exitCode = code;
