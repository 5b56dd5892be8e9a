// GitHub as a mirror's source (scripts/mirror.mjs --github): every non-draft release, read through the
// updater's own HTTP client and wire-format rules, so the token stays on the API's origin.
import { DEFAULT_API_BASE, nextPageUrl, releasesUrl, toRelease, type GithubReleaseWire } from "../core/github.js";
import { createHttp, type Http } from "../io/http.js";
import type { Asset } from "../types.js";
import type { PublicKey } from "../core/minisign.js";
import { addReleases, MirrorError, type MirrorStats, type SourceRelease } from "./mirror.js";

const API_MAX_BYTES = 32 * 1024 * 1024;
const ASSET_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** What {@link fromGithub} lists. */
export interface GithubOptions {
  app: string;
  /** OWNER/REPO. */
  repo: string;
  /** The API root (GitHub Enterprise: `https://host/api/v3`); default api.github.com. */
  apiUrl?: string | undefined;
  token?: string | undefined;
  prereleases?: boolean | undefined;
  /** Mirror only releases these keys signed (mirror-verify.ts). */
  keys?: PublicKey[] | undefined;
}

/**
 * The HTTP client for GitHub: the updater's own (src/io/http.ts), so the token goes only to the API's
 * origin, never across a redirect to the storage host, and no redirect leaves http(s) or drops to http.
 */
export function githubHttp(o: Pick<GithubOptions, "apiUrl" | "token">): Promise<Http> {
  return createHttp({
    apiOrigin: o.apiUrl ?? DEFAULT_API_BASE,
    token: o.token,
    timeoutMs: 10 * 60 * 1000,
    userAgent: "upkeep-mirror",
    proxy: { http: "", https: "", noProxy: "" },
    attempts: 3,
  });
}

/** Every non-draft release of a GitHub repository (prereleases only when asked), as addReleases takes them. */
export async function fromGithub(http: Http, o: GithubOptions): Promise<SourceRelease[]> {
  const [owner, name, ...rest] = o.repo.split("/");
  if (!owner || !name || rest.length > 0) throw new MirrorError(`--github "${o.repo}" must look like OWNER/REPO`);
  const get = async (url: string, accept: string, maxBytes: number): Promise<{ body: Buffer; url: string; link: string | undefined }> => {
    const res = await http.get(url, { accept, maxBytes });
    if (res.status < 200 || res.status >= 300) throw new MirrorError(`GET ${res.url} answered ${res.status}`);
    return { body: res.body, url: res.url, link: res.headers.link };
  };
  // With a token the API address serves the bytes (private repositories too); the HTTP layer keeps
  // the token off the storage host it redirects to.
  const read = async (asset: Asset): Promise<Buffer> => {
    if (asset.refused) throw new MirrorError(`refusing to download ${asset.name}: ${asset.refused}`);
    const viaApi = o.token !== undefined && asset.apiUrl !== undefined;
    return (await get(viaApi ? (asset.apiUrl as string) : asset.downloadUrl, viaApi ? "application/octet-stream" : "*/*", ASSET_MAX_BYTES)).body;
  };
  const out: SourceRelease[] = [];
  let url: string | undefined = releasesUrl(o.apiUrl ?? DEFAULT_API_BASE, owner, name);
  while (url) {
    const page = await get(url, "application/vnd.github+json", API_MAX_BYTES);
    const list: unknown = JSON.parse(page.body.toString("utf8"));
    if (!Array.isArray(list)) throw new MirrorError(`${page.url} did not answer with a list of releases`);
    for (const wire of list as GithubReleaseWire[]) {
      if (typeof wire.tag_name !== "string" || wire.draft === true || (wire.prerelease === true && !o.prereleases)) continue;
      // A tag that names no version has no assets worth fetching: addReleases says it skips it.
      const assets = toRelease(wire, o.app, page.url)?.assets ?? [];
      out.push({ tag: wire.tag_name, prerelease: wire.prerelease === true, assets, read });
    }
    url = nextPageUrl(page.link);
  }
  return out;
}

/** Mirrors a GitHub repository's releases into `out` with {@link fromGithub} and {@link addReleases}. */
export async function mirrorGithub(out: string, o: GithubOptions, log: (line: string) => void = () => {}): Promise<MirrorStats> {
  const http = await githubHttp(o);
  try {
    return await addReleases(out, o.app, await fromGithub(http, o), log, o.keys);
  } finally {
    await http.close();
  }
}
