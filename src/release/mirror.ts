// Over 200 lines: addReleases is one pass per release (signatures, checksums, links, copies) that must stop before the index changes.
// Writes and refreshes a static mirror that <app>-update can use with no GitHub at all (scripts/mirror.mjs;
// the command line is mirror-cli.ts, GitHub as a source mirror-github.ts).
//
// The mirror is DIR/releases.json (core/mirror.ts: schema "upkeep-mirror/1") and DIR/<tag>/<asset>. Serve
// DIR with any web server, S3 or a file share, or use it as a directory. Refreshing is incremental: an
// asset already there with the right SHA-256 is not fetched again. Every asset is verified while copied,
// against every SHA-256 the release publishes for it (GitHub's digest, <asset>.sha256, sha256.sum: the
// updater's rules, core/checksum.ts); a mismatch stops before the index changes. Versions and tags follow
// core/version.ts, so the mirror holds exactly the releases an updater can pick. An asset another file of
// the mirror has by its published SHA-256 (one updater build in many releases) is a hard link to it, not
// fetched again: every <tag>/<asset> stays a file of its own, served as before (a copy where links fail).
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { checksumFromText, checksumSourcesFor, sha256Hex } from "../core/checksum.js";
import {
  MIRROR_INDEX_FILE,
  MIRROR_SCHEMA,
  mirrorAssetPath,
  mirrorIndexProblem,
  type MirrorAsset,
  type MirrorIndex,
  type MirrorRelease,
} from "../core/mirror.js";
import type { PublicKey } from "../core/minisign.js";
import { hasInstaller } from "../core/select.js";
import { versionFromTag } from "../core/version.js";
import type { Asset, Release } from "../types.js";
import { verifyReleaseSignatures } from "./mirror-verify.js";

/** A refusal, with a message for people; anything else thrown is a bug. */
export class MirrorError extends Error {}

/** A release to add to a mirror: its assets as core describes them, and how to read one's bytes. */
export interface SourceRelease {
  tag: string;
  prerelease: boolean;
  assets: Asset[];
  read(asset: Asset): Promise<Buffer>;
}

/** What {@link addReleases} did. */
export interface MirrorStats {
  releases: number;
  copied: number;
  /** Assets made hard links to a file of the mirror with the same SHA-256 (not fetched). */
  linked: number;
  unchanged: number;
  unverified: number;
}

/** The mirror as it is now (empty when new); refuses a directory holding another app's or another schema's index. */
function readIndex(out: string, app: string): MirrorIndex {
  const file = path.join(out, MIRROR_INDEX_FILE);
  if (!existsSync(file)) return { schema: MIRROR_SCHEMA, app, releases: [] };
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  const problem = mirrorIndexProblem(raw, app);
  if (problem) throw new MirrorError(`${file} is not a mirror of ${app}: ${problem}`);
  return raw as MirrorIndex;
}

// Puts `file` in place by a rename, once `make` has made it under a temporary name (its bytes, or a hard link).
function placeAtomic(file: string, make: (tmp: string) => void): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    rmSync(tmp, { force: true });
    make(tmp);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Makes `file` a hard link to `existing`; false where the file system cannot (another disk, a share without links). */
function linkAtomic(existing: string, file: string): boolean {
  try {
    placeAtomic(file, (tmp) => linkSync(existing, tmp));
    return true;
  } catch {
    return false;
  }
}

/** The mirror's files by SHA-256 (the index's by tag and name, never its paths; those written since); `find` checks the content. */
function mirrorFiles(out: string, index: MirrorIndex) {
  const byHash = new Map<string, string[]>();
  const verified = new Map<string, string>();
  const add = (hex: string, file: string): void => void byHash.set(hex, [...(byHash.get(hex) ?? []), file]);
  for (const r of index.releases) for (const a of r.assets) if (a.sha256) add(a.sha256, path.join(out, mirrorAssetPath(r.tag, a.name).dir, a.name));
  const hashOf = (file: string): string | undefined =>
    lstatSync(file, { throwIfNoEntry: false })?.isFile() ? (verified.get(file) ?? verified.set(file, sha256Hex(readFileSync(file))).get(file)) : undefined;
  return {
    add: (hex: string, file: string): void => {
      add(hex, file);
      verified.set(file, hex);
    },
    find: (hex: string): string | undefined => byHash.get(hex)?.find((file) => hashOf(file) === hex),
  };
}

/**
 * The SHA-256s `release` publishes for `name`, in core's order (GitHub's digest, `<name>.sha256`,
 * `sha256.sum`): all of them, or with `all` false only the first (enough to see a copy is current).
 */
async function publishedChecksums(release: Release, name: string, all: boolean, read: (asset: Asset) => Promise<Buffer>): Promise<string[]> {
  const found: string[] = [];
  for (const source of checksumSourcesFor(release, name)) {
    if (!all && found.length > 0) break;
    if (source.kind === "digest") {
      found.push(source.expected);
      continue;
    }
    const lookup = checksumFromText((await read(source.asset)).toString("utf8"), name, source.kind === "file");
    if (lookup.kind === "found") found.push(lookup.hex);
    if (lookup.kind === "not-checksums")
      throw new MirrorError(`${release.tag}/${source.asset.name} is not a checksum file (no "<sha256>  <name>" line); the mirror was not changed`);
  }
  return found;
}

/** Adds releases to the mirror in `out` (newest first, as listed); with `keys`, only releases they signed (mirror-verify.ts). */
export async function addReleases(
  out: string,
  app: string,
  releases: readonly SourceRelease[],
  log: (line: string) => void = () => {},
  keys: PublicKey[] = [],
): Promise<MirrorStats> {
  const index = readIndex(out, app);
  const stats: MirrorStats = { releases: 0, copied: 0, linked: 0, unchanged: 0, unverified: 0 };
  const files = mirrorFiles(out, index);
  const entries: MirrorRelease[] = [];
  for (const r of releases) {
    const version = versionFromTag(r.tag, app);
    const release: Release = { tag: r.tag, version: version ?? "", name: null, prerelease: r.prerelease, draft: false, assets: r.assets };
    if (!version || !hasInstaller(release, app)) {
      log(`skipping ${r.tag}: ${version ? `no ${app}-installer asset` : "its tag names no version"}`);
      continue;
    }
    // Checksum files are read once, for the checks and for copying them.
    const checksumFiles = new Map<string, Promise<Buffer>>();
    const readChecksums = (asset: Asset): Promise<Buffer> => {
      const known = checksumFiles.get(asset.name) ?? r.read(asset);
      checksumFiles.set(asset.name, known);
      return known;
    };
    // Verified bytes are the bytes copied: the cache above keeps what the check read.
    if (keys.length > 0) for (const line of await verifyReleaseSignatures(app, release, keys, readChecksums)) log(`signature checked: ${line}`);
    const assets: MirrorAsset[] = [];
    for (const a of r.assets) {
      const where = mirrorAssetPath(r.tag, a.name);
      const file = path.join(out, where.dir, a.name);
      const recorded = index.releases.find((x) => x.tag === r.tag)?.assets.find((x) => x.name === a.name)?.sha256;
      const current = (await publishedChecksums(release, a.name, false, readChecksums))[0] ?? recorded;
      if (current && existsSync(file) && sha256Hex(readFileSync(file)) === current) {
        stats.unchanged++;
        files.add(current, file);
        assets.push({ name: a.name, path: where.path, size: statSync(file).size, sha256: current });
        continue;
      }
      const published = await publishedChecksums(release, a.name, true, readChecksums);
      // The same bytes already in the mirror, by every checksum the release publishes: a hard link, no download.
      const same = published.length > 0 && published.every((hex) => hex === published[0]) ? files.find(published[0] as string) : undefined;
      if (same && same !== file && linkAtomic(same, file)) {
        stats.linked++;
        assets.push({ name: a.name, path: where.path, size: statSync(file).size, sha256: published[0] as string });
        continue;
      }
      const data = await (checksumFiles.get(a.name) ?? r.read(a));
      const got = sha256Hex(data);
      const expected = published.length > 0 ? published : recorded ? [recorded] : [];
      const wrong = expected.find((hex) => hex !== got);
      if (wrong) throw new MirrorError(`checksum mismatch for ${r.tag}/${a.name}: expected ${wrong}, got ${got}; the mirror was not changed`);
      if (expected.length === 0) {
        stats.unverified++;
        log(`warning: ${r.tag}/${a.name} has no published checksum; recorded as downloaded`);
      }
      placeAtomic(file, (tmp) => writeFileSync(tmp, data));
      files.add(got, file);
      stats.copied++;
      assets.push({ name: a.name, path: where.path, size: data.length, sha256: got });
    }
    entries.push({ tag: r.tag, version, prerelease: r.prerelease, assets });
    stats.releases++;
  }
  // New and refreshed releases first (newest first, as listed), then any older ones the mirror kept.
  const fresh = new Set(entries.map((e) => e.tag));
  index.releases = [...entries, ...index.releases.filter((x) => !fresh.has(x.tag))];
  placeAtomic(path.join(out, MIRROR_INDEX_FILE), (tmp) => writeFileSync(tmp, `${JSON.stringify(index, null, 2)}\n`));
  return stats;
}

/**
 * One release from a scripts/release.mjs output directory, checked against its own checksums. Its tag
 * must name a version of `app` by core's rules: a release no updater would pick is refused, not mirrored.
 */
export function fromReleaseDir(o: { app: string; dir: string; tag: string; prerelease?: boolean | undefined }): SourceRelease[] {
  if (versionFromTag(o.tag, o.app) === undefined) {
    throw new MirrorError(
      `the tag ${o.tag} names no version of ${o.app} that upkeep reads (a strict semantic version such as 1.2.3 or 1.2.3-rc.1: ` +
        "no leading v, no leading zeros), so no updater would ever pick this release; the mirror was not changed",
    );
  }
  const names = readdirSync(o.dir)
    .filter((f) => statSync(path.join(o.dir, f)).isFile())
    .sort();
  const assets: Asset[] = names.map((name) => ({ name, downloadUrl: pathToFileURL(path.join(o.dir, name)).href }));
  return [{ tag: o.tag, prerelease: o.prerelease === true, assets, read: async (asset) => readFileSync(path.join(o.dir, asset.name)) }];
}
