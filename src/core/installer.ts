import type { Platform } from "../types.js";
import { appEnvVar } from "./env-name.js";

/** Which installer script a platform runs. */
export type InstallerKind = "sh" | "ps1";

/** `ps1` on Windows, the POSIX shell installer everywhere else. */
export function installerKind(platform: Platform): InstallerKind {
  return platform === "win32" ? "ps1" : "sh";
}

/** The release asset holding the installer: `<app>-installer.sh` or `<app>-installer.ps1`. */
export function installerAssetName(app: string, platform: Platform): string {
  return `${app}-installer.${installerKind(platform)}`;
}

/** Program and arguments that run a saved installer. */
export interface InstallerCommand {
  file: string;
  args: string[];
}

/**
 * `sh <file>` (so a noexec temp directory does not matter, uv#17191) or PowerShell with `-File`
 * (so a path with spaces stays one argument, axoupdater#355).
 */
export function installerCommand(platform: Platform, scriptPath: string): InstallerCommand {
  if (installerKind(platform) === "ps1") {
    return {
      file: "powershell",
      args: ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", scriptPath],
    };
  }
  return { file: "sh", args: [scriptPath] };
}

/** What the installer must be told to reinstall in place. */
export interface InstallerEnvInput {
  app: string;
  platform: Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** The receipt's install-prefix root (after the cargo-dist 0.10–0.14 `bin` fix). */
  installRoot: string;
  modifyPath: boolean;
  token?: string | undefined;
  /** Directory whose `<app>/` subdirectory held the receipt, so the installer rewrites that same file. */
  configHome?: string | undefined;
  /** Where the installer must fetch its archives (a mirror), instead of its built-in address. */
  downloadBase?: string | undefined;
  /** The release comes from a mirror: the installer gets no token at all. */
  mirror?: boolean | undefined;
}

/** The variables that carry a GitHub token into an installer (cargo-dist reads `<APP>_GITHUB_TOKEN`). */
export function tokenVariables(app: string): string[] {
  return ["GITHUB_TOKEN", "AXOUPDATER_GITHUB_TOKEN", appEnvVar(app, "GITHUB_TOKEN")];
}

/**
 * The installer's environment: ours, minus `PSModulePath` (breaks Windows PowerShell started from pwsh)
 * and the switches that would stop it writing a receipt or updater, plus the forced install directory
 * under both names, `<APP>_NO_MODIFY_PATH=1` when the first install did not touch PATH, and the token.
 * The token goes to the installer only for a GitHub source whose downloads are not redirected: a
 * cargo-dist installer sends it to every download URL, so a mirror (or `<APP>_DOWNLOAD_URL` /
 * `INSTALLER_DOWNLOAD_URL`) would receive it. Then every token variable is removed, also inherited ones.
 */
export function installerEnv(input: InstallerEnvInput): Record<string, string> {
  const { app, platform, installRoot } = input;
  const redirected = [appEnvVar(app, "DOWNLOAD_URL"), "INSTALLER_DOWNLOAD_URL"].some((k) => Boolean(lookup(input.env, k, platform)));
  const tokenAllowed = !input.mirror && input.downloadBase === undefined && !redirected;
  const drop = new Set(
    ["PSModulePath", appEnvVar(app, "UNMANAGED_INSTALL"), appEnvVar(app, "DISABLE_UPDATE"), ...(tokenAllowed ? [] : tokenVariables(app))].map((k) =>
      norm(k, platform),
    ),
  );
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.env)) {
    if (value !== undefined && !drop.has(norm(key, platform))) out[key] = value;
  }
  const set = (key: string, value: string): void => {
    // Windows environment names are case-insensitive: replace any spelling of the same name.
    for (const existing of Object.keys(out)) if (norm(existing, platform) === norm(key, platform)) delete out[existing];
    out[key] = value;
  };
  set("CARGO_DIST_FORCE_INSTALL_DIR", installRoot);
  set(appEnvVar(app, "INSTALL_DIR"), installRoot);
  if (!input.modifyPath) set(appEnvVar(app, "NO_MODIFY_PATH"), "1");
  if (input.token && tokenAllowed) set(appEnvVar(app, "GITHUB_TOKEN"), input.token);
  if (input.configHome !== undefined) set("XDG_CONFIG_HOME", input.configHome);
  if (input.downloadBase !== undefined) {
    // cargo-dist installers read <APP>_DOWNLOAD_URL since 0.28.7/0.30, INSTALLER_DOWNLOAD_URL since 0.4.
    set(appEnvVar(app, "DOWNLOAD_URL"), input.downloadBase);
    set("INSTALLER_DOWNLOAD_URL", input.downloadBase);
  }
  return out;
}

function lookup(env: Readonly<Record<string, string | undefined>>, key: string, platform: Platform): string | undefined {
  for (const [k, v] of Object.entries(env)) if (norm(k, platform) === norm(key, platform) && v) return v;
  return undefined;
}

function norm(key: string, platform: Platform): string {
  return platform === "win32" ? key.toUpperCase() : key;
}

/** Largest installer accepted; cargo-dist's are ~60 KB, so anything near this is not an installer. */
export const MAX_INSTALLER_BYTES = 8 * 1024 * 1024;

/**
 * Why a downloaded body is not a runnable installer, or undefined when it looks like one:
 * never empty, never an HTML page, and a shell script starts with `#!`.
 */
export function installerBodyProblem(body: Uint8Array, kind: InstallerKind, contentType?: string): string | undefined {
  if (body.length === 0) return "the download is empty";
  if (body.length > MAX_INSTALLER_BYTES) return `the download is ${body.length} bytes, over the ${MAX_INSTALLER_BYTES}-byte limit`;
  const start = Buffer.from(body.subarray(0, 512))
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  const head = start.trimStart();
  if (/^text\/html/i.test(contentType ?? "") || /^<(!doctype|html|\?xml|head|body)/i.test(head)) {
    return "the download is an HTML page, not an installer script";
  }
  if (kind === "sh" && !start.startsWith("#!")) return 'the download does not start with "#!", so it is not a shell script';
  return undefined;
}
