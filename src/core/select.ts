import type { Release, UpdateRequest } from "../types.js";
import { compareVersions } from "./compare.js";

/** True when the release carries one of `app`'s installers (`<app>-installer.sh`, `.ps1`, …). */
export function hasInstaller(release: Release, app: string): boolean {
  const prefix = `${app}-installer.`;
  return release.assets.some((a) => a.name.startsWith(prefix));
}

/** Whether a release may be picked at all: published (not a draft) and installable. */
export function isCandidate(release: Release, app: string): boolean {
  return !release.draft && hasInstaller(release, app);
}

/**
 * The highest version among installable releases; prereleases (by GitHub's flag, as axoupdater)
 * only when allowed. Ties go to the later one in the list, as axoupdater's `max_by` does.
 */
export function pickLatest(releases: readonly Release[], app: string, allowPrerelease: boolean): Release | undefined {
  let best: Release | undefined;
  for (const r of releases) {
    if (!isCandidate(r, app) || (r.prerelease && !allowPrerelease)) continue;
    if (best === undefined || compareVersions(r.version, best.version) >= 0) best = r;
  }
  return best;
}

/** The first installable release (in API order) whose version is exactly `version`. */
export function findVersion(releases: readonly Release[], app: string, version: string): Release | undefined {
  return releases.find((r) => isCandidate(r, app) && compareVersions(r.version, version) === 0);
}

/**
 * Whether moving from `current` to `target` is an update: "latest" requests only go up (a newer local
 * prerelease is left alone); an explicit version or tag moves whenever it differs, downgrades included.
 * `force` reinstalls even the same version. With a signing key pinned, "latest" never goes down, even
 * forced: an older release is genuinely signed too, so serving it as the latest is a replay.
 */
export function isUpdateNeeded(current: string, target: string, request: UpdateRequest, force: boolean, pinned = false): boolean {
  const order = compareVersions(current, target);
  const latest = request.kind === "latest" || request.kind === "prerelease";
  if (latest && pinned && order > 0) return false;
  if (force) return true;
  return latest ? order < 0 : order !== 0;
}

/** Describes a request for messages: "the latest release", "version 1.2.3", "tag v1.2.3". */
export function describeRequest(request: UpdateRequest): string {
  switch (request.kind) {
    case "latest":
      return "the latest release";
    case "prerelease":
      return "the latest release (prereleases included)";
    case "version":
      return `version ${request.version}`;
    case "tag":
      return `tag ${request.tag}`;
  }
}
