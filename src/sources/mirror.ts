import path from "node:path";
import { mirrorIndexUrls, parseMirrorIndex } from "../core/mirror.js";
import { findVersion, hasInstaller, pickLatest } from "../core/select.js";
import { UpdaterError } from "../errors.js";
import type { Http } from "../io/http.js";
import type { Platform, Release, UpdateRequest } from "../types.js";
import type { ReleaseSource } from "./types.js";

/** What a mirror source needs. */
export interface MirrorSourceOptions {
  http: Http;
  /** The mirror: a URL or directory holding `releases.json` (or `<app>/releases.json`). */
  source: string;
  app: string;
  cwd: string;
  /** How paths are read (`C:\m` on Windows); default the running system's. */
  platform?: Platform | undefined;
  verbose?: ((line: string) => void) | undefined;
}

/**
 * Releases from a static mirror (a web server, S3, a file share or a plain directory) holding a
 * `releases.json` and the assets, as built by scripts/mirror.mjs. One request per run, conditional.
 */
export function mirrorSource(o: MirrorSourceOptions): ReleaseSource {
  let index: Promise<Release[]> | undefined;
  const load = async (): Promise<Release[]> => {
    const urls = mirrorIndexUrls(o.source, o.app, o.cwd, o.platform ?? (path.sep === "\\" ? "win32" : "linux"));
    for (const url of urls) {
      const local = url.startsWith("file:") ? new URL(".", url).href : undefined;
      const res = await o.http.get(url, { accept: "application/json", maxBytes: 32 * 1024 * 1024, conditional: true, fileRoot: local });
      if (res.status === 404) continue;
      if (res.status !== 200) {
        throw new UpdaterError("NETWORK", `The mirror answered ${res.status} for ${res.url}.`, { hint: "Check the mirror's address and that it is up." });
      }
      o.verbose?.(`Mirror index ${url}`);
      return parseMirrorIndex(res.body.toString("utf8"), url, o.app);
    }
    throw new UpdaterError("RELEASE_NOT_FOUND", `The mirror ${o.source} has no releases.json for ${o.app} (looked for ${urls.join(" and ")}).`, {
      hint: `Build it with: node scripts/mirror.mjs --app ${o.app} --out <dir> …, or fix --source / UPKEEP_SOURCE.`,
    });
  };

  async function find(request: UpdateRequest): Promise<Release> {
    index ??= load();
    const releases = await index;
    let found: Release | undefined;
    switch (request.kind) {
      case "latest":
      case "prerelease":
        found = pickLatest(releases, o.app, request.kind === "prerelease");
        break;
      case "version":
        found = findVersion(releases, o.app, request.version);
        break;
      case "tag": {
        const tagged = releases.find((r) => r.tag === request.tag);
        if (tagged && !hasInstaller(tagged, o.app)) {
          throw new UpdaterError("NO_INSTALLER", `Release ${tagged.tag} on the mirror has no ${o.app}-installer script.`);
        }
        found = tagged;
        break;
      }
    }
    if (found) return found;
    const what = request.kind === "version" ? `version ${request.version}` : request.kind === "tag" ? `tag ${request.tag}` : "stable release";
    throw new UpdaterError("RELEASE_NOT_FOUND", `The mirror ${o.source} has no ${what} of ${o.app}.`, {
      hint: "Refresh the mirror with scripts/mirror.mjs, or pick another version.",
    });
  }

  return {
    kind: "mirror",
    description: `mirror ${o.source}`,
    find,
    // Installers fetch their archives from where the installer itself is, not from GitHub.
    downloadBase: (release) => {
      const installer = release.assets.find((a) => a.name.startsWith(`${o.app}-installer.`));
      return installer ? installer.downloadUrl.slice(0, installer.downloadUrl.lastIndexOf("/")) : undefined;
    },
  };
}
