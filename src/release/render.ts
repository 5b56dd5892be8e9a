// Fills an installer template (installers/installer.sh or .ps1) for one release. Every value was
// validated by the caller to hold no quotes or newlines, so it can sit in a single-quoted string.
import { appEnvPrefix } from "../core/env-name.js";
import { isWindowsTarget } from "./targets.js";

/** A file of the release an installer may download: an app archive or upkeep renamed as the updater. */
export interface Artifact {
  kind: "archive" | "updater";
  target: string;
  file: string;
  sha256: string;
  /** The app's executables inside an archive (none for the updater). */
  binaries: string[];
}

/** What an installer is rendered with. */
export interface RenderData {
  app: string;
  version: string;
  tag: string;
  owner: string;
  repo: string;
  baseUrl: string;
  installPath: string;
  upkeepVersion: string;
  aliases: [bin: string, alias: string][];
  artifacts: Artifact[];
}

/**
 * Renders `template` ("sh" for Linux/macOS targets, "ps1" for Windows ones) with the release's data;
 * each installer lists only its own platform's artifacts.
 */
export function renderInstaller(template: string, kind: "sh" | "ps1", d: RenderData): string {
  const windows = kind === "ps1";
  const mine = d.artifacts.filter((a) => isWindowsTarget(a.target) === windows);
  const artifacts = mine.map((a) => [a.kind, a.target, a.file, a.sha256, ...(a.binaries.length ? [a.binaries.join(",")] : [])].join(" ")).join("\n");
  const exe = (name: string): string => (windows && !name.endsWith(".exe") ? `${name}.exe` : name);
  const aliases = d.aliases.map(([bin, alias]) => `${exe(bin)} ${exe(alias)}`).join("\n");
  const values: Record<string, string> = {
    APP: d.app,
    VERSION: d.version,
    TAG: d.tag,
    OWNER: d.owner,
    REPO: d.repo,
    ENV_PREFIX: appEnvPrefix(d.app),
    BASE_URL: d.baseUrl,
    INSTALL_PATH: d.installPath,
    UPKEEP_VERSION: d.upkeepVersion,
    ARTIFACTS: artifacts,
    ALIASES: aliases,
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
