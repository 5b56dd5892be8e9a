import { appEnvVar } from "../core/env-name.js";
import { latestReleaseUrl, nextPageUrl, releasesUrl, tagReleaseUrl, toRelease, type GithubReleaseWire } from "../core/github.js";
import { findVersion, hasInstaller, isCandidate, pickLatest } from "../core/select.js";
import { compareVersions } from "../core/compare.js";
import { UpdaterError } from "../errors.js";
import type { Http, HttpResponse } from "../io/http.js";
import type { Release, UpdateRequest } from "../types.js";
import type { ReleaseSource } from "./types.js";

/** What the GitHub source needs to know. */
export interface GithubSourceOptions {
  http: Http;
  apiBase: string;
  owner: string;
  repo: string;
  app: string;
  /** Where the token came from, for hints; undefined when there is none. */
  tokenFrom: string | undefined;
  verbose?: ((line: string) => void) | undefined;
}

const JSON_ACCEPT = "application/vnd.github+json";
const MAX_PAGES = 100;

/**
 * Releases from the GitHub (or GitHub Enterprise) REST API, spending as few requests as possible:
 * latest is one request (`/releases/latest`), a version first tries its usual tag `v<version>`, and
 * listing uses 100 per page and stops once the answer is known.
 */
export function githubSource(o: GithubSourceOptions): ReleaseSource {
  const repoName = `${o.owner}/${o.repo}`;
  const description = `GitHub repository ${repoName}`;

  async function api(url: string): Promise<HttpResponse | undefined> {
    const res = await o.http.get(url, { accept: JSON_ACCEPT, maxBytes: 32 * 1024 * 1024, conditional: true });
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status === 404) return undefined;
    throw statusError(res, o);
  }

  function json(res: HttpResponse): unknown {
    try {
      return JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new UpdaterError("NETWORK", `${res.url} did not answer with JSON (status ${res.status}).`, {
        hint: "A proxy or captive portal may be answering instead of GitHub; check your network settings.",
      });
    }
  }

  // Walks the release list page by page until `done` says the answer is certain.
  async function list(done: (seen: Release[]) => boolean): Promise<Release[]> {
    const seen: Release[] = [];
    let url: string | undefined = releasesUrl(o.apiBase, o.owner, o.repo);
    for (let page = 1; url && page <= MAX_PAGES; page++) {
      const res = await api(url);
      if (!res) throw repoNotFound(o, repoName);
      const body = json(res);
      if (!Array.isArray(body)) throw new UpdaterError("NETWORK", `${res.url} did not answer with a list of releases.`);
      for (const wire of body as GithubReleaseWire[]) {
        const release = toRelease(wire, o.app, res.url);
        if (release) seen.push(release);
      }
      if (done(seen)) break;
      url = nextPageUrl(res.headers.link);
    }
    return seen;
  }

  async function byTag(tag: string): Promise<Release | undefined> {
    const res = await api(tagReleaseUrl(o.apiBase, o.owner, o.repo, tag));
    if (!res) return undefined;
    const release = toRelease(json(res) as GithubReleaseWire, o.app, res.url);
    if (!release) {
      throw new UpdaterError("RELEASE_NOT_FOUND", `The release tagged ${tag} in ${repoName} does not name a version of ${o.app}.`, {
        hint: `Tags look like v1.2.3 or ${o.app}-v1.2.3; pass --version instead if you know the version.`,
      });
    }
    return release.draft ? undefined : release;
  }

  const noInstaller = (r: Release): UpdaterError =>
    new UpdaterError("NO_INSTALLER", `Release ${r.tag} of ${repoName} has no ${o.app}-installer script, so it cannot be installed.`, {
      hint: `Its assets are: ${r.assets.map((a) => a.name).join(", ") || "none"}.`,
    });

  async function find(request: UpdateRequest): Promise<Release> {
    switch (request.kind) {
      case "latest": {
        const res = await api(latestReleaseUrl(o.apiBase, o.owner, o.repo));
        const latest = res ? toRelease(json(res) as GithubReleaseWire, o.app, res.url) : undefined;
        if (latest && !latest.prerelease && isCandidate(latest, o.app)) return latest;
        o.verbose?.(
          latest ? `The latest release ${latest.tag} has no installer; looking through the list.` : "No usable /releases/latest; looking through the list.",
        );
        const found = pickLatest(await list(() => false), o.app, false);
        if (found) return found;
        throw new UpdaterError("RELEASE_NOT_FOUND", `There are no stable releases available for ${o.app} in ${repoName}.`, {
          hint: "Use --prerelease to allow prereleases, or --version/--tag to pick one.",
        });
      }
      case "prerelease": {
        // Releases are listed by date, not version, so every page must be seen to know the highest.
        const found = pickLatest(await list(() => false), o.app, true);
        if (found) return found;
        throw new UpdaterError("RELEASE_NOT_FOUND", `There are no releases available for ${o.app} in ${repoName}.`);
      }
      case "version": {
        const guess = await byTag(`v${request.version}`).catch((e: unknown) => {
          if (UpdaterError.is(e) && e.code === "RELEASE_NOT_FOUND") return undefined;
          throw e;
        });
        if (guess && compareVersions(guess.version, request.version) === 0) {
          if (!hasInstaller(guess, o.app)) throw noInstaller(guess);
          return guess;
        }
        const found = findVersion(await list((seen) => findVersion(seen, o.app, request.version) !== undefined), o.app, request.version);
        if (found) return found;
        throw new UpdaterError("RELEASE_NOT_FOUND", `The version ${request.version} was not found for the app ${o.app} in ${repoName}.`, {
          hint: "Run without --version to get the latest release.",
        });
      }
      case "tag": {
        const release = await byTag(request.tag);
        if (!release) {
          throw new UpdaterError("RELEASE_NOT_FOUND", `There is no release tagged ${request.tag} in ${repoName}.`, {
            hint: "Check the tag's spelling on the repository's releases page.",
          });
        }
        if (!hasInstaller(release, o.app)) throw noInstaller(release);
        return release;
      }
    }
  }

  return { kind: "github", description, find };
}

function repoNotFound(o: GithubSourceOptions, repoName: string): UpdaterError {
  return new UpdaterError("RELEASE_NOT_FOUND", `GitHub has no repository ${repoName} (404 from ${o.apiBase}).`, {
    hint: o.tokenFrom
      ? `The token from ${o.tokenFrom} may lack read access to ${repoName}; otherwise check the receipt's source owner/name.`
      : `If ${repoName} is private, give a token with read access (--token, AXOUPDATER_GITHUB_TOKEN or ${appEnvVar(o.app, "GITHUB_TOKEN")}); otherwise check the receipt's source owner/name.`,
    details: { repo: repoName },
  });
}

// Maps a GitHub error status to the code a script can act on.
function statusError(res: HttpResponse, o: GithubSourceOptions): UpdaterError {
  const h = res.headers;
  const message = apiMessage(res);
  const tokenVar = appEnvVar(o.app, "GITHUB_TOKEN");
  if (res.status === 401) {
    return new UpdaterError("BAD_TOKEN", `GitHub rejected the token (401${message ? ` ${message}` : ""}) for ${res.url}.`, {
      hint: o.tokenFrom
        ? `The token came from ${o.tokenFrom}; replace it with a valid one, or unset it (public repositories need none).`
        : "Check the credentials your proxy or environment adds.",
      details: { status: 401 },
    });
  }
  if ((res.status === 403 || res.status === 429) && (h["x-ratelimit-remaining"] === "0" || res.status === 429 || h["retry-after"] !== undefined)) {
    const reset = Number(h["x-ratelimit-reset"]);
    const retry = Number(h["retry-after"]);
    let when = "";
    if (Number.isFinite(reset) && reset > 0) {
      const at = new Date(reset * 1000);
      const minutes = Math.max(1, Math.ceil((at.getTime() - Date.now()) / 60_000));
      when = ` It resets at ${at.toISOString()} (in about ${minutes} minute${minutes === 1 ? "" : "s"}).`;
    } else if (Number.isFinite(retry)) {
      when = ` Try again in ${retry} seconds.`;
    }
    const limit = h["x-ratelimit-limit"] ? ` (${h["x-ratelimit-limit"]} requests per hour)` : "";
    return new UpdaterError("RATE_LIMITED", `GitHub API rate limit exceeded${limit}.${when}`, {
      hint: o.tokenFrom
        ? `The token from ${o.tokenFrom} has used up its limit; wait for the reset.`
        : `Set a GitHub token in ${tokenVar} or AXOUPDATER_GITHUB_TOKEN (or pass --token) for 5,000 requests per hour.`,
      details: { status: res.status, reset: Number.isFinite(reset) ? reset : null },
    });
  }
  return new UpdaterError("NETWORK", `GitHub answered ${res.status}${message ? ` (${message})` : ""} for ${res.url}.`, {
    hint: res.status >= 500 ? "GitHub is having trouble; try again later." : "Check the repository and your token's permissions.",
    details: { status: res.status },
  });
}

function apiMessage(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.body.toString("utf8")) as { message?: unknown };
    return typeof body.message === "string" ? body.message.slice(0, 200) : "";
  } catch {
    return "";
  }
}
