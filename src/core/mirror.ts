import path from "node:path";
import { pathToFileURL } from "node:url";
import { UpdaterError } from "../errors.js";
import type { Asset, Platform, Release } from "../types.js";
import { remoteUrlProblem } from "./url.js";
import { strictVersion, versionFromTag } from "./version.js";

/** The `schema` value of a mirror's `releases.json` this upkeep reads. */
export const MIRROR_SCHEMA = "upkeep-mirror/1";

/** The file name of a mirror's index, in the mirror's (or the app's) directory. */
export const MIRROR_INDEX_FILE = "releases.json";

/** One asset in a mirror: `path` is relative to `releases.json` (see {@link mirrorAssetPath}). */
export interface MirrorAsset {
  name: string;
  path: string;
  size: number;
  sha256: string;
}

/** One release in a mirror; `version` is the one its tag names ({@link versionFromTag}). */
export interface MirrorRelease {
  tag: string;
  version: string;
  prerelease: boolean;
  assets: MirrorAsset[];
}

/** A mirror's `releases.json`, as written by scripts/mirror.mjs (src/release/mirror.ts) and read here. */
export interface MirrorIndex {
  schema: typeof MIRROR_SCHEMA;
  app: string;
  releases: MirrorRelease[];
}

/**
 * Why `raw` (a parsed `releases.json`) is not a mirror index of `app` that this upkeep reads, or
 * undefined when it is one. The reader refuses such an index; the writer will not add to it.
 */
export function mirrorIndexProblem(raw: unknown, app: string): string | undefined {
  const index = (typeof raw === "object" && raw !== null ? raw : {}) as Partial<MirrorIndex>;
  if (index.schema !== MIRROR_SCHEMA) return `its schema is ${JSON.stringify(index.schema)}, not "${MIRROR_SCHEMA}"`;
  if (index.app !== app) return `it is for ${JSON.stringify(index.app)}, not ${app}`;
  if (!Array.isArray(index.releases)) return '"releases" is not a list';
  return undefined;
}

/**
 * Where a mirror keeps an asset of the release tagged `tag`: `<tag>/<name>`, the tag made a safe
 * directory name (`release/v1` → `release_v1`). `dir` is that directory, `path` the index's
 * URL-encoded `path` (relative to `releases.json`). The one layout: scripts/mirror.mjs writes it,
 * scripts/release.mjs --mirror renders installers for it ({@link mirrorDownloadBase}).
 */
export function mirrorAssetPath(tag: string, name: string): { dir: string; path: string } {
  const dir = tag.replace(/[^A-Za-z0-9._+-]/g, "_");
  return { dir, path: `${encodeURIComponent(dir)}/${encodeURIComponent(name)}` };
}

/**
 * The URL an installer of the release tagged `tag` downloads its assets from when the mirror's
 * `releases.json` is at the directory `mirrorUrl`: `<mirrorUrl>/<tag directory>` ({@link mirrorAssetPath}).
 */
export function mirrorDownloadBase(mirrorUrl: string, tag: string): string {
  const file = mirrorAssetPath(tag, "x").path;
  return `${mirrorUrl.replace(/\/+$/, "")}/${file.slice(0, file.lastIndexOf("/"))}`;
}

/**
 * Releases from a mirror's `releases.json` at `indexUrl`; asset paths are relative to it. An asset
 * whose path leaves a directory mirror, or names another scheme, is marked refused. An installer
 * without a valid SHA-256 is refused at download time (a mirror must carry checksums).
 */
export function parseMirrorIndex(text: string, indexUrl: string, app: string): Release[] {
  const bad = (why: string): UpdaterError =>
    new UpdaterError("SOURCE_UNSUPPORTED", `The mirror index ${indexUrl} cannot be used: ${why}.`, {
      hint: "Rebuild the mirror with scripts/mirror.mjs, or use a newer upkeep.",
    });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad("it is not JSON");
  }
  const problem = mirrorIndexProblem(raw, app);
  if (problem) throw bad(problem);
  const index = raw as MirrorIndex;
  const out: Release[] = [];
  const local = indexUrl.startsWith("file:") ? new URL(".", indexUrl).href : undefined;
  for (const r of index.releases) {
    if (typeof r?.tag !== "string" || !Array.isArray(r.assets)) throw bad("a release has no tag or assets");
    const version = typeof r.version === "string" ? strictVersion(r.version) : versionFromTag(r.tag, app);
    if (!version) continue;
    const assets: Asset[] = r.assets
      .filter((a) => typeof a?.name === "string" && typeof a.path === "string")
      .map((a) => {
        let downloadUrl: string;
        let refused: string | undefined;
        try {
          downloadUrl = new URL(a.path, indexUrl).href;
          refused = remoteUrlProblem(downloadUrl, indexUrl);
        } catch {
          downloadUrl = a.path;
          refused = `its path ${JSON.stringify(a.path)} is not a valid address`;
        }
        return {
          name: a.name,
          downloadUrl,
          ...(typeof a.size === "number" ? { size: a.size } : {}),
          ...(typeof a.sha256 === "string" && /^[0-9a-f]{64}$/i.test(a.sha256) ? { digest: `sha256:${a.sha256.toLowerCase()}` } : {}),
          ...(refused ? { refused } : {}),
          ...(local ? { fileRoot: local } : {}),
        };
      });
    out.push({ tag: r.tag, version, name: null, prerelease: r.prerelease === true, draft: false, assets });
  }
  return out;
}

/**
 * Where a mirror's index may be: `<source>/releases.json` (the app's own directory) or
 * `<source>/<app>/releases.json` (a directory of several apps). A plain path (relative to `cwd`) becomes
 * a file: URL: on Windows `C:\m` is `file:///C:/m` (not a URL of scheme `c:`), `\\srv\m` is `file://srv/m`.
 */
export function mirrorIndexUrls(source: string, app: string, cwd: string, platform: Platform): string[] {
  const base = isUrl(source, platform) ? source : dirUrl(source, cwd, platform);
  const dir = base.endsWith("/") ? base : `${base}/`;
  if (dir.endsWith(`/${MIRROR_INDEX_FILE}/`)) return [base];
  return [new URL(MIRROR_INDEX_FILE, dir).href, new URL(`${encodeURIComponent(app)}/${MIRROR_INDEX_FILE}`, dir).href];
}

// A scheme of two letters or more; one letter and a colon is a Windows drive (`C:\m`, `c:/m`, `C:m`).
function isUrl(source: string, platform: Platform): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(source)) return false;
  if (/^[a-z]:[\\/]/i.test(source)) return false;
  return !(platform === "win32" && /^[a-z]:/i.test(source));
}

function dirUrl(dir: string, cwd: string, platform: Platform): string {
  const windows = platform === "win32";
  const abs = (windows ? path.win32 : path.posix).resolve(cwd, dir);
  return pathToFileURL(abs, { windows }).href;
}

/**
 * Why `source` cannot be a mirror, or undefined when it can: an http(s) URL, or a directory path (also
 * written as a file: URL). Any other scheme (`ftp:`, `s3:`) is refused before anything is read.
 */
export function mirrorSourceProblem(source: string, platform: Platform): string | undefined {
  if (source.trim() === "") return "it is empty";
  if (!isUrl(source, platform)) return undefined;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return "it is not a valid URL";
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.hostname ? undefined : "the URL names no host";
  if (url.protocol === "file:") return undefined;
  return `its scheme "${url.protocol}" is neither http(s) nor a directory path`;
}
