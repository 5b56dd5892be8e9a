// Over 200 lines: the release directory is one contract with the installers (files, checksums, the artifact table), made in one pass.
// Turns an app's built binaries into a directory ready to attach to a GitHub release: archives, checksums,
// `<app>-<target>-update` (upkeep, plain and as `.xz`, `.zip` for Windows), installers (scripts/release.mjs).
//
// --binaries DIR holds <target>/<files>: every regular file there is one of the app's executables.
// --updater DIR holds <target>/upkeep (upkeep.exe for Windows targets), or another updater (render.ts).
// --sign-key FILE signs sha256.sum and the installers (sign-release.ts); --public-key pins keys in them.
// --mirror URL renders installers for a static mirror instead of GitHub (core/mirror.ts: the layout).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { checksumLine, sha256Hex } from "../core/checksum.js";
import { mirrorDownloadBase } from "../core/mirror.js";
import { strictVersion } from "../core/version.js";
import { packUpdater, tar, xz, zip } from "./archive.js";
import { ROOT, upkeepVersion } from "./checkout.js";
import { PASSWORD_VARIABLE } from "./minisign-keys.js";
import { isUpkeep, renderInstaller, type Artifact } from "./render.js";
import { loadPublicKeys, loadSigningKey, SigningError, signFiles, signingPlan } from "./sign-release.js";
import { isWindowsTarget, KNOWN_TARGETS, updaterFileName } from "./targets.js";

export const USAGE = `Usage: node scripts/release.mjs --app NAME --version V --repo OWNER/NAME --binaries DIR --updater DIR --out DIR
       [--base-url URL | --mirror URL] [--install-path CARGO_HOME|~/dir|$VAR/dir] [--alias BIN=ALIAS]... [--tag TAG]
       [--sign-key FILE] [--public-key KEY|FILE]...
--mirror URL: the installers download from the static mirror whose releases.json is at URL (URL/<tag>/<asset>)
  and record it as the receipt's source, so <app>-update updates from it; --repo is then optional.
  Add the release to the mirror directory with: node scripts/mirror.mjs --out DIR --app NAME --from-release OUT
--sign-key FILE: a minisign secret key (minisign -G, or scripts/keygen.mjs); its password from ${PASSWORD_VARIABLE}.
  Writes sha256.sum.minisig and <app>-installer.{sh,ps1}.minisig, and the installers pin its public key.
--public-key KEY|FILE: the keys the installers pin instead (repeatable; rotation: the old and the new key).`;

/** The options of scripts/release.mjs, named as on its command line (`--alias` repeats). */
export type ReleaseOptions = {
  [key in "app" | "version" | "repo" | "binaries" | "updater" | "out" | "base-url" | "mirror" | "install-path" | "tag"]?: string | undefined;
} & {
  alias?: string[] | undefined;
  /** `--public-key`: key lines or `.pub` files the installers pin (default: the signing key's). */
  "public-key"?: string[] | undefined;
  /** `--sign-key`: the minisign secret key file that signs the release. */
  "sign-key"?: string | undefined;
  /** The signing key's password (`UPKEEP_SIGN_PASSWORD`); unused for an unencrypted key. */
  signPassword?: string | undefined;
  /** Where notes for the author go (a pinned key that does not sign, ...); default nowhere. */
  note?: ((line: string) => void) | undefined;
  /** Timestamp of every archive entry, seconds since 1970 (`SOURCE_DATE_EPOCH`); default now. */
  mtime?: number | undefined;
  /** The upkeep checkout holding installers/ and package.json; default this one. */
  root?: string | undefined;
};

/** A release to make, checked: what {@link validate} returns. */
export interface ReleasePlan {
  app: string;
  version: string;
  owner: string;
  repo: string;
  tag: string;
  baseUrl: string;
  /** `--mirror`: the directory URL holding the mirror's releases.json, recorded in the receipt; "" for GitHub. */
  mirrorUrl: string;
  installPath: string;
  aliases: [bin: string, alias: string][];
  binaries: string;
  updater: string;
  out: string;
}

/** A refusal, with a message for people; anything else thrown is a bug. */
export class ReleaseError extends Error {}

const fail = (message: string): never => {
  throw new ReleaseError(message);
};

const REQUIRED = ["app", "version", "binaries", "updater", "out"] as const;

/** Checks the options and fills defaults; throws ReleaseError with a message for people. */
export function validate(o: ReleaseOptions): ReleasePlan {
  const given = {} as Record<(typeof REQUIRED)[number] | "repo", string>;
  for (const key of REQUIRED) given[key] = o[key] || fail(`--${key} is required\n${USAGE}`);
  // A mirror-only release names no GitHub repository.
  const mirror = o.mirror;
  given.repo = o.repo || (mirror !== undefined ? "" : fail(`--repo is required (or --mirror URL for a release without GitHub)\n${USAGE}`));
  const { app, version } = given;
  // The app name becomes shell and PowerShell variable names (<APP>_INSTALL_DIR), so keep it plain.
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(app)) fail(`--app "${app}" must start with a letter and hold only letters, digits, '-' and '_'`);
  if (strictVersion(version) === undefined) fail(`--version "${version}" is not a semantic version such as 1.2.3 (no leading v)`);
  const repo = given.repo === "" ? [] : (/^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(given.repo) ?? fail(`--repo "${given.repo}" must look like OWNER/NAME`));
  const [, owner = "", name = ""] = repo;
  const tag = o.tag ?? `v${version}`;
  if (!/^[A-Za-z0-9_./+-]+$/.test(tag)) fail(`--tag "${tag}" has characters a release tag cannot have`);
  let baseUrl = `https://github.com/${owner}/${name}/releases/download/${tag}`;
  const base = o["base-url"];
  if (base !== undefined) {
    if (!URL.canParse(base)) fail(`--base-url "${base}" is not a URL`);
    if (!/^https?:$/.test(new URL(base).protocol) || /['"\s\\`$]/.test(base)) fail(`--base-url "${base}" must be a plain http(s) URL`);
    baseUrl = base.replace(/\/+$/, "");
  }
  let mirrorUrl = "";
  if (mirror !== undefined) {
    if (base !== undefined) fail("--mirror and --base-url both say where the installers download from; give one");
    if (!URL.canParse(mirror) || !/^https?:$/.test(new URL(mirror).protocol) || /['"\s\\`$]/.test(mirror)) {
      fail(`--mirror "${mirror}" must be a plain http(s) URL: the directory that will hold the mirror's releases.json`);
    }
    if (/\/releases\.json$/.test(new URL(mirror).pathname)) fail(`--mirror "${mirror}" must be the directory holding releases.json, not the file`);
    mirrorUrl = mirror.replace(/\/+$/, "");
    baseUrl = mirrorDownloadBase(mirrorUrl, tag);
  }
  const installPath = o["install-path"] ?? "CARGO_HOME";
  if (!/^(CARGO_HOME|~\/[A-Za-z0-9_./-]+|\$[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z0-9_./-]+)?)$/.test(installPath)) {
    fail(`--install-path "${installPath}" must be CARGO_HOME, ~/dir or $VAR/dir`);
  }
  const aliases: [string, string][] = [];
  for (const a of o.alias ?? []) {
    const [, bin = "", alias = ""] = /^([A-Za-z0-9_.-]+)=([A-Za-z0-9_.-]+)$/.exec(a) ?? fail(`--alias "${a}" must look like BIN=ALIAS`);
    aliases.push([bin, alias]);
  }
  return { app, version, owner, repo: name, tag, baseUrl, mirrorUrl, installPath, aliases, binaries: given.binaries, updater: given.updater, out: given.out };
}

/** Builds the release directory; returns the list of files written. */
export function release(options: ReleaseOptions): string[] {
  const o = validate(options);
  const root = options.root ?? ROOT;
  if (!existsSync(o.binaries) || !statSync(o.binaries).isDirectory()) fail(`--binaries ${o.binaries} is not a directory`);
  const targets = readdirSync(o.binaries)
    .filter((t) => statSync(path.join(o.binaries, t)).isDirectory())
    .sort();
  if (targets.length === 0) fail(`--binaries ${o.binaries} holds no <target>/ directories`);
  for (const t of targets) if (!KNOWN_TARGETS.includes(t)) fail(`unknown target "${t}" in ${o.binaries}; known: ${KNOWN_TARGETS.join(", ")}`);

  const plan = targets.map((target) => {
    const windows = isWindowsTarget(target);
    const dir = path.join(o.binaries, target);
    const files = readdirSync(dir)
      .filter((f) => statSync(path.join(dir, f)).isFile())
      .sort();
    if (files.length === 0) fail(`${dir} holds no binaries`);
    const updater = path.join(o.updater, target, updaterFileName(target));
    if (!existsSync(updater)) fail(`missing updater for target ${target}: ${updater} does not exist`);
    for (const [bin] of o.aliases)
      if (!files.includes(windows ? `${bin}.exe` : bin) && !files.includes(bin)) fail(`--alias names ${bin}, which ${dir} does not hold`);
    return { target, windows, dir, files, updater };
  });

  // The keys first: a wrong password or a bad key file stops the release before anything is written.
  let signKey: ReturnType<typeof loadSigningKey> | undefined;
  let pinned: ReturnType<typeof signingPlan>;
  try {
    const file = options["sign-key"];
    signKey = file === undefined ? undefined : loadSigningKey(file, options.signPassword);
    pinned = signingPlan(signKey, loadPublicKeys(options["public-key"] ?? []));
  } catch (error) {
    if (error instanceof SigningError) fail(error.message);
    throw error;
  }
  for (const line of pinned.notes) options.note?.(`note: ${line}`);

  if (existsSync(o.out) && readdirSync(o.out).length > 0) fail(`--out ${o.out} is not empty; give a new or empty directory`);
  mkdirSync(o.out, { recursive: true });

  const mtime = options.mtime ?? Math.floor(Date.now() / 1000);
  const written: string[] = [];
  const sums: string[] = [];
  const emit = (name: string, data: Buffer | string): string => {
    writeFileSync(path.join(o.out, name), data, { mode: 0o644 });
    const hex = sha256Hex(data);
    writeFileSync(path.join(o.out, `${name}.sha256`), `${checksumLine(hex, name)}\n`);
    sums.push(checksumLine(hex, name));
    written.push(name, `${name}.sha256`);
    return hex;
  };

  const artifacts: Artifact[] = [];
  for (const p of plan) {
    const top = `${o.app}-${p.target}`;
    const entries = p.files.map((f) => ({ name: `${top}/${f}`, data: readFileSync(path.join(p.dir, f)), mode: 0o755 }));
    const archive = p.windows ? `${top}.zip` : `${top}.tar.xz`;
    const archiveSum = emit(archive, p.windows ? zip(entries, mtime) : xz(tar(entries, mtime)));
    artifacts.push({ kind: "archive", target: p.target, file: archive, sha256: archiveSum, binaries: p.files });
    const updaterName = `${o.app}-${p.target}-update`;
    const updater = readFileSync(p.updater);
    artifacts.push({ kind: "updater", target: p.target, file: updaterName, sha256: emit(updaterName, updater), binaries: [], upkeep: isUpkeep(updater) });
    // Compressed too (upkeep: ~25 MB instead of ~100), for installers that can unpack it.
    const packed = `${updaterName}${p.windows ? ".zip" : ".xz"}`;
    const packedSum = emit(
      packed,
      packUpdater(updater, p.windows ? { name: `${o.app}-update.exe`, mtime } : undefined, path.join(root, ".cache", "updater-xz")),
    );
    artifacts.push({ kind: p.windows ? "updater-zip" : "updater-xz", target: p.target, file: packed, sha256: packedSum, binaries: [] });
  }

  const data = { ...o, upkeepVersion: upkeepVersion(root), artifacts, publicKeys: pinned.publicKeys.map((k) => k.line) };
  for (const kind of ["sh", "ps1"] as const) {
    const template = readFileSync(path.join(root, "installers", `installer.${kind}`), "utf8");
    const text = renderInstaller(template, kind, data);
    emit(`${o.app}-installer.${kind}`, kind === "ps1" ? text.replace(/\r?\n/g, "\r\n") : text);
  }
  writeFileSync(path.join(o.out, "sha256.sum"), `${sums.join("\n")}\n`);
  written.push("sha256.sum");
  // The signatures are not listed in sha256.sum: they sign it.
  if (signKey) written.push(...signFiles(o.out, ["sha256.sum", `${o.app}-installer.sh`, `${o.app}-installer.ps1`], signKey, o.version, mtime));
  return written;
}

/** What the launcher passes on from its environment. */
export interface ReleaseHost {
  /** `SOURCE_DATE_EPOCH`: the archives' timestamp (seconds since 1970), for reproducible releases. */
  sourceDateEpoch?: string | undefined;
  /** `UPKEEP_SIGN_PASSWORD`: the password of the --sign-key file. */
  signPassword?: string | undefined;
}

/** The archives' timestamp the host asks for, if any. */
export function archiveTime(host: ReleaseHost): number | undefined {
  return host.sourceDateEpoch === undefined ? undefined : Number(host.sourceDateEpoch);
}

/** scripts/release.mjs: argv (without node and the script) → exit status. */
export async function main(argv: string[], host: ReleaseHost = {}): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript types it from the parseArgs assignment below
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
        mirror: { type: "string" },
        "install-path": { type: "string" },
        alias: { type: "string", multiple: true },
        tag: { type: "string" },
        "sign-key": { type: "string" },
        "public-key": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`release: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const note = (line: string): void => void process.stderr.write(`release: ${line}\n`);
    const files = release({ ...values, mtime: archiveTime(host), signPassword: host.signPassword, note });
    process.stderr.write(`release: wrote ${files.length} files to ${values.out}\n`);
    if (values.mirror !== undefined) {
      note(`next: node scripts/mirror.mjs --out <mirror dir> --app ${values.app} --from-release ${values.out}, then serve <mirror dir> at ${values.mirror}`);
    }
    for (const f of files) process.stdout.write(`${f}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    process.stderr.write(`release: ${error.message}\n`);
    return 1;
  }
}
