#!/usr/bin/env node
// Turns an app's built binaries into a directory ready to attach to a GitHub release:
// archives, checksums, `<app>-<target>-update` copies of upkeep, and rendered installers.
//
//   node scripts/release.mjs --app NAME --version V --repo OWNER/NAME \
//        --binaries DIR --updater DIR --out DIR [--base-url URL] [--install-path P] [--alias BIN=ALIAS]
//
// --binaries DIR holds <target>/<files>: every regular file there is one of the app's executables.
// --updater DIR holds <target>/upkeep (upkeep.exe for Windows targets).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { tar, xz, zip } from "./lib/archive.mjs";
import { renderInstaller } from "./lib/render.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Targets upkeep and the installers know, and whether they are Windows (zip, .exe). */
export const TARGETS = {
  "x86_64-unknown-linux-gnu": false,
  "aarch64-unknown-linux-gnu": false,
  "x86_64-unknown-linux-musl": false,
  "aarch64-unknown-linux-musl": false,
  "x86_64-apple-darwin": false,
  "aarch64-apple-darwin": false,
  "x86_64-pc-windows-msvc": true,
  "aarch64-pc-windows-msvc": true,
};

const USAGE = `Usage: node scripts/release.mjs --app NAME --version V --repo OWNER/NAME --binaries DIR --updater DIR --out DIR
       [--base-url URL] [--install-path CARGO_HOME|~/dir|$VAR/dir] [--alias BIN=ALIAS]... [--tag TAG]`;

class ReleaseError extends Error {}
const fail = (message) => {
  throw new ReleaseError(message);
};

const STRICT_SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Checks the options and fills defaults; throws ReleaseError with a message for people. */
export function validate(o) {
  for (const key of ["app", "version", "repo", "binaries", "updater", "out"]) if (!o[key]) fail(`--${key} is required\n${USAGE}`);
  // The app name becomes shell and PowerShell variable names (<APP>_INSTALL_DIR), so keep it plain.
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(o.app)) fail(`--app "${o.app}" must start with a letter and hold only letters, digits, '-' and '_'`);
  if (!STRICT_SEMVER.test(o.version)) fail(`--version "${o.version}" is not a semantic version such as 1.2.3 (no leading v)`);
  const repo = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(o.repo);
  if (!repo) fail(`--repo "${o.repo}" must look like OWNER/NAME`);
  const tag = o.tag ?? `v${o.version}`;
  if (!/^[A-Za-z0-9_./+-]+$/.test(tag)) fail(`--tag "${tag}" has characters a release tag cannot have`);
  let baseUrl = `https://github.com/${repo[1]}/${repo[2]}/releases/download/${tag}`;
  if (o["base-url"] !== undefined) {
    let url;
    try {
      url = new URL(o["base-url"]);
    } catch {
      fail(`--base-url "${o["base-url"]}" is not a URL`);
    }
    if (!/^https?:$/.test(url.protocol) || /['"\s\\`$]/.test(o["base-url"])) fail(`--base-url "${o["base-url"]}" must be a plain http(s) URL`);
    baseUrl = o["base-url"].replace(/\/+$/, "");
  }
  const installPath = o["install-path"] ?? "CARGO_HOME";
  if (!/^(CARGO_HOME|~\/[A-Za-z0-9_./-]+|\$[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z0-9_./-]+)?)$/.test(installPath)) {
    fail(`--install-path "${installPath}" must be CARGO_HOME, ~/dir or $VAR/dir`);
  }
  const aliases = [];
  for (const a of o.alias ?? []) {
    const m = /^([A-Za-z0-9_.-]+)=([A-Za-z0-9_.-]+)$/.exec(a);
    if (!m) fail(`--alias "${a}" must look like BIN=ALIAS`);
    aliases.push([m[1], m[2]]);
  }
  return { app: o.app, version: o.version, owner: repo[1], repo: repo[2], tag, baseUrl, installPath, aliases, binaries: o.binaries, updater: o.updater, out: o.out };
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** Builds the release directory; returns the list of files written. */
export function release(options) {
  const o = validate(options);
  if (!existsSync(o.binaries) || !statSync(o.binaries).isDirectory()) fail(`--binaries ${o.binaries} is not a directory`);
  const targets = readdirSync(o.binaries).filter((t) => statSync(path.join(o.binaries, t)).isDirectory()).sort();
  if (targets.length === 0) fail(`--binaries ${o.binaries} holds no <target>/ directories`);
  for (const t of targets) if (!(t in TARGETS)) fail(`unknown target "${t}" in ${o.binaries}; known: ${Object.keys(TARGETS).join(", ")}`);

  const plan = targets.map((target) => {
    const windows = TARGETS[target];
    const dir = path.join(o.binaries, target);
    const files = readdirSync(dir).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
    if (files.length === 0) fail(`${dir} holds no binaries`);
    const updater = path.join(o.updater, target, windows ? "upkeep.exe" : "upkeep");
    if (!existsSync(updater)) fail(`missing updater for target ${target}: ${updater} does not exist`);
    for (const [bin] of o.aliases) if (!files.includes(windows ? `${bin}.exe` : bin) && !files.includes(bin)) fail(`--alias names ${bin}, which ${dir} does not hold`);
    return { target, windows, dir, files, updater };
  });

  if (existsSync(o.out) && readdirSync(o.out).length > 0) fail(`--out ${o.out} is not empty; give a new or empty directory`);
  mkdirSync(o.out, { recursive: true });

  const mtime = Number(process.env.SOURCE_DATE_EPOCH ?? Math.floor(Date.now() / 1000));
  const written = [];
  const sums = [];
  const emit = (name, data) => {
    writeFileSync(path.join(o.out, name), data, { mode: 0o644 });
    const hex = sha256(data);
    writeFileSync(path.join(o.out, `${name}.sha256`), `${hex} *${name}\n`);
    sums.push(`${hex} *${name}`);
    written.push(name, `${name}.sha256`);
    return hex;
  };

  const artifacts = [];
  for (const p of plan) {
    const top = `${o.app}-${p.target}`;
    const entries = p.files.map((f) => ({ name: `${top}/${f}`, data: readFileSync(path.join(p.dir, f)), mode: 0o755 }));
    const archive = p.windows ? `${top}.zip` : `${top}.tar.xz`;
    const archiveSum = emit(archive, p.windows ? zip(entries, mtime) : xz(tar(entries, mtime)));
    artifacts.push({ kind: "archive", target: p.target, file: archive, sha256: archiveSum, binaries: p.files });
    const updaterName = `${o.app}-${p.target}-update`;
    const updaterSum = emit(updaterName, readFileSync(p.updater));
    artifacts.push({ kind: "updater", target: p.target, file: updaterName, sha256: updaterSum, binaries: [] });
  }

  const upkeepVersion = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
  for (const kind of ["sh", "ps1"]) {
    const template = readFileSync(path.join(root, "installers", `installer.${kind}`), "utf8");
    const text = renderInstaller(template, kind, { ...o, upkeepVersion, artifacts });
    emit(`${o.app}-installer.${kind}`, kind === "ps1" ? text.replace(/\r?\n/g, "\r\n") : text);
  }
  writeFileSync(path.join(o.out, "sha256.sum"), `${sums.join("\n")}\n`);
  written.push("sha256.sum");
  return written;
}

async function main(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        app: { type: "string" },
        version: { type: "string" },
        repo: { type: "string" },
        binaries: { type: "string" },
        updater: { type: "string" },
        out: { type: "string" },
        "base-url": { type: "string" },
        "install-path": { type: "string" },
        alias: { type: "string", multiple: true },
        tag: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`release: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const files = release(values);
    process.stderr.write(`release: wrote ${files.length} files to ${values.out}\n`);
    for (const f of files) process.stdout.write(`${f}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    process.stderr.write(`release: ${error.message}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
