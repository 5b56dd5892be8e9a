import { remoteUrlProblem } from "./url.js";
import { UpdaterError } from "../errors.js";
import type { Asset, Release } from "../types.js";
import { appEnvVar } from "./env-name.js";
import { versionFromTag } from "./version.js";

/** The fields of a GitHub release object that upkeep reads (REST API, `application/vnd.github+json`). */
export interface GithubReleaseWire {
  tag_name?: unknown;
  name?: unknown;
  prerelease?: unknown;
  draft?: unknown;
  assets?: unknown;
}

/** The public GitHub API, used when no base-URL variable is set. */
export const DEFAULT_API_BASE = "https://api.github.com";

/** The variables that move `app`'s GitHub API elsewhere (their values are read by config.ts). */
export function githubBaseVars(app: string): { ghe: string; gh: string } {
  return { ghe: appEnvVar(app, "INSTALLER_GHE_BASE_URL"), gh: appEnvVar(app, "INSTALLER_GITHUB_BASE_URL") };
}

/**
 * The API root for `app`, with axoupdater's rules, from the values of {@link githubBaseVars}:
 * `<APP>_INSTALLER_GHE_BASE_URL` (`ghe`) → `<base>/api/v3`, `<APP>_INSTALLER_GITHUB_BASE_URL` (`gh`) →
 * `<scheme>://api.<domain>[:port]`, both → error, neither → api.github.com. Unlike axoupdater, a GHE base
 * with a path keeps it (`https://h/prefix` → `https://h/prefix/api/v3`), the same place the installers
 * download from.
 */
export function githubApiBase(app: string, ghe: string | undefined, gh: string | undefined): string {
  const { ghe: gheVar, gh: ghVar } = githubBaseVars(app);
  if (ghe !== undefined && gh !== undefined) {
    throw new UpdaterError("USAGE", `Both ${gheVar} and ${ghVar} have been set in the environment.`, {
      hint: "These variables are mutually exclusive; unset one of them.",
    });
  }
  if (ghe !== undefined) {
    const url = parseBase(ghe, gheVar);
    const dir = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
    return `${url.origin}${dir}api/v3`;
  }
  if (gh !== undefined) {
    const url = parseBase(gh, ghVar);
    if (isIpHost(url.hostname)) {
      throw new UpdaterError("USAGE", `Unable to parse the domain from the passed url: ${gh}`, {
        hint: `${ghVar} only takes domains. For an IP address use ${gheVar} instead.`,
      });
    }
    return `${url.protocol}//api.${url.hostname}${url.port ? `:${url.port}` : ""}`;
  }
  return DEFAULT_API_BASE;
}

// A WHATWG URL's hostname is an IP address exactly when it is bracketed (IPv6) or four decimal numbers
// (IPv4, which the parser always writes that way: `0x7f.1` becomes `127.0.0.1`). No node:net needed.
function isIpHost(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

function parseBase(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UpdaterError("USAGE", `${variable} is not a URL: "${value}".`, {
      hint: `Set ${variable} to an absolute URL such as https://github.example.com.`,
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UpdaterError("USAGE", `${variable} must be an http(s) URL, not "${value}".`);
  }
  return url;
}

/** Escapes each part of a tag for a URL path but keeps its slashes (`release/v1.0.0`, `v1.0.0+build`). */
export function encodeTag(tag: string): string {
  return tag.split("/").map(encodeURIComponent).join("/");
}

/** URL of one page of a repository's releases. */
export function releasesUrl(apiBase: string, owner: string, repo: string, perPage = 100): string {
  return `${repoUrl(apiBase, owner, repo)}/releases?per_page=${perPage}`;
}

/** URL of the newest non-prerelease, non-draft release. */
export function latestReleaseUrl(apiBase: string, owner: string, repo: string): string {
  return `${repoUrl(apiBase, owner, repo)}/releases/latest`;
}

/** URL of the release with this tag. */
export function tagReleaseUrl(apiBase: string, owner: string, repo: string, tag: string): string {
  return `${repoUrl(apiBase, owner, repo)}/releases/tags/${encodeTag(tag)}`;
}

function repoUrl(apiBase: string, owner: string, repo: string): string {
  return `${apiBase.replace(/\/+$/, "")}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

/**
 * The `rel="next"` target of an RFC 8288 `Link` header, or undefined. Parses the header properly instead
 * of axoupdater's substring search (which a URL containing "next" confused).
 */
export function nextPageUrl(link: string | undefined): string | undefined {
  if (!link) return undefined;
  const entry = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of link.matchAll(entry)) {
    const params = match[2] ?? "";
    for (const param of params.split(";")) {
      const [key, rawValue] = param.split("=", 2).map((s) => s.trim());
      if (key?.toLowerCase() !== "rel" || rawValue === undefined) continue;
      const rels = rawValue.replace(/^"|"$/g, "").toLowerCase().split(/\s+/);
      if (rels.includes("next")) return match[1];
    }
  }
  return undefined;
}

/**
 * Maps a GitHub release to upkeep's Release; undefined when its tag names no version of `app`
 * (such releases are skipped, as axoupdater does). A `null` release name is fine.
 */
export function toRelease(wire: GithubReleaseWire, app: string, from?: string): Release | undefined {
  if (typeof wire.tag_name !== "string") return undefined;
  const version = versionFromTag(wire.tag_name, app);
  if (version === undefined) return undefined;
  const assets: Asset[] = [];
  if (Array.isArray(wire.assets)) {
    for (const a of wire.assets as Record<string, unknown>[]) {
      if (typeof a?.name !== "string" || typeof a.browser_download_url !== "string") continue;
      // An asset whose address may not be followed is kept (it is still listed in messages) but refused.
      const refused =
        from === undefined
          ? undefined
          : (remoteUrlProblem(a.browser_download_url, from) ?? (typeof a.url === "string" ? remoteUrlProblem(a.url, from) : undefined));
      assets.push({
        name: a.name,
        downloadUrl: a.browser_download_url,
        ...(typeof a.url === "string" ? { apiUrl: a.url } : {}),
        ...(refused ? { refused } : {}),
        ...(typeof a.size === "number" ? { size: a.size } : {}),
        ...(typeof a.digest === "string" ? { digest: a.digest } : {}),
      });
    }
  }
  return {
    tag: wire.tag_name,
    version,
    name: typeof wire.name === "string" ? wire.name : null,
    prerelease: wire.prerelease === true,
    draft: wire.draft === true,
    assets,
  };
}
