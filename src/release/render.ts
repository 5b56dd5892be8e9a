// Fills an installer template (installers/installer.sh or .ps1) for one release. Every value was
// validated by the caller to hold no quotes or newlines, so it can sit in a single-quoted string. It
// also tells the installers which updaters are upkeep, the only ones they may share between apps, and
// the app's signing keys, which they record in the receipt.
import { appEnvPrefix } from "../core/env-name.js";
import { isWindowsTarget } from "./targets.js";

/**
 * A phrase of upkeep's own command-line help (src/cli/help.ts), so it is in every upkeep executable (a
 * single executable holds its bundle's text) and in no other updater. Only upkeep goes into the
 * installers' shared store: it finds its app by the name it was run as, where an updater that resolves
 * its own path (axoupdater) would find itself in the store, outside the receipt's prefix, and refuse.
 */
export const UPKEEP_MARKER = "the same program installed under that app's name";

/** Whether an updater executable is upkeep: the marker as UTF-8 (the blob's script) or UTF-16 (a V8 snapshot's), at any byte offset. */
export function isUpkeep(executable: Buffer): boolean {
  return executable.includes(Buffer.from(UPKEEP_MARKER, "utf8")) || executable.includes(Buffer.from(UPKEEP_MARKER, "utf16le"));
}

/**
 * A file of the release an installer may download: an app archive, the updater (`<app>-<target>-update`),
 * or the updater compressed (`updater-xz` for the sh installer, `updater-zip` for the ps1 one): the
 * installer checks the compressed file's SHA-256, unpacks it, then checks the plain updater's.
 */
export interface Artifact {
  kind: "archive" | "updater" | "updater-xz" | "updater-zip";
  target: string;
  file: string;
  sha256: string;
  /** The app's executables inside an archive (none for the others). */
  binaries: string[];
  /** The updater is upkeep, so installers may share one copy of it between apps (any other updater is installed as a plain file). */
  upkeep?: boolean;
}

/** What an installer is rendered with. */
export interface RenderData {
  app: string;
  version: string;
  tag: string;
  owner: string;
  repo: string;
  baseUrl: string;
  /** The mirror (the directory URL of its releases.json) the receipt records as the source; "" or absent: GitHub. */
  mirrorUrl?: string | undefined;
  installPath: string;
  upkeepVersion: string;
  aliases: [bin: string, alias: string][];
  artifacts: Artifact[];
  /** The app's minisign public keys (base64 key lines) the installers record in the receipt; none by default. */
  publicKeys?: readonly string[] | undefined;
}

/**
 * Renders `template` ("sh" for Linux/macOS targets, "ps1" for Windows ones) with the release's data;
 * each installer lists only its own platform's artifacts.
 */
export function renderInstaller(template: string, kind: "sh" | "ps1", d: RenderData): string {
  const windows = kind === "ps1";
  const mine = d.artifacts.filter((a) => isWindowsTarget(a.target) === windows);
  // The fifth field: an archive's binaries, or "upkeep" for an updater the installers may share.
  const extra = (a: Artifact): string[] => (a.binaries.length ? [a.binaries.join(",")] : a.kind === "updater" && a.upkeep ? ["upkeep"] : []);
  const artifacts = mine.map((a) => [a.kind, a.target, a.file, a.sha256, ...extra(a)].join(" ")).join("\n");
  const exe = (name: string): string => (windows && !name.endsWith(".exe") ? `${name}.exe` : name);
  const aliases = d.aliases.map(([bin, alias]) => `${exe(bin)} ${exe(alias)}`).join("\n");
  // The installers split the list on spaces: each key must be one base64 word.
  const badKey = d.publicKeys?.find((k) => !/^[A-Za-z0-9+/]+={0,2}$/.test(k));
  if (badKey !== undefined) throw new Error(`cannot render PUBLIC_KEYS: ${JSON.stringify(badKey)} is not a base64 key line`);
  const values: Record<string, string> = {
    APP: d.app,
    VERSION: d.version,
    TAG: d.tag,
    OWNER: d.owner,
    REPO: d.repo,
    ENV_PREFIX: appEnvPrefix(d.app),
    BASE_URL: d.baseUrl,
    MIRROR_URL: d.mirrorUrl ?? "",
    INSTALL_PATH: d.installPath,
    UPKEEP_VERSION: d.upkeepVersion,
    ARTIFACTS: artifacts,
    ALIASES: aliases,
    PUBLIC_KEYS: (d.publicKeys ?? []).join(" "),
  };
  for (const [key, value] of Object.entries(values)) {
    if (/['`]/.test(value) || (key !== "ARTIFACTS" && key !== "ALIASES" && /[\r\n]/.test(value))) {
      throw new Error(`cannot render ${key}: ${JSON.stringify(value)} holds a quote or newline`);
    }
  }
  return template.replace(/@@([A-Z_]+)@@/g, (match, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`installer template has an unknown placeholder ${match}`);
    return values[key] as string;
  });
}
