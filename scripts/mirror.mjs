#!/usr/bin/env node
// Builds or refreshes a static mirror that <app>-update can use with no GitHub at all:
//
//   node scripts/mirror.mjs --out DIR --app NAME --github OWNER/REPO [--api-url URL] [--token T] [--prereleases]
//   node scripts/mirror.mjs --out DIR --app NAME --from-release DIR [--tag TAG] [--prerelease]
//
// The mirror is DIR/releases.json (schema "upkeep-mirror/1") and DIR/<tag>/<asset>. Serve DIR with any
// web server, S3 or a file share, or use it as a directory. Refreshing is incremental: an asset already
// there with the right SHA-256 is not fetched again. Every asset is verified while copied, against
// GitHub's digest, the release's <asset>.sha256 or sha256.sum; a mismatch stops before the index changes.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const SCHEMA = "upkeep-mirror/1";
const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const STRICT_SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

class MirrorError extends Error {}

/** The version a tag names for `app` (v1.2.3, app-v1.2.3, app/1.2.3 …), or undefined. */
export function versionOf(tag, app) {
  let candidate = tag;
  let matched = false;
  const slash = tag.lastIndexOf("/");
  if (slash >= 0) {
    candidate = tag.slice(slash + 1);
    matched = tag.slice(0, slash).split("/").pop() === app;
  }
  if (!matched && candidate.startsWith(`${app}-`)) candidate = candidate.slice(app.length + 1);
  if (candidate.startsWith("v")) candidate = candidate.slice(1);
  return STRICT_SEMVER.test(candidate) ? candidate : undefined;
}

const dirFor = (tag) => tag.replace(/[^A-Za-z0-9._+-]/g, "_");

// The expected checksum of `name` from a sha256sum-style text, if listed (or the single entry of a .sha256).
function listed(text, name, single) {
  const entries = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(.+?))?\s*$/.exec(line);
    if (m) entries.push({ hex: m[1].toLowerCase(), name: m[2]?.replace(/^\.\//, "") });
  }
  return entries.find((e) => e.name === name)?.hex ?? (single && entries.length === 1 ? entries[0].hex : undefined);
}

/** The mirror as it is now (empty when new). */
function readIndex(out, app) {
  const file = path.join(out, "releases.json");
  if (!existsSync(file)) return { schema: SCHEMA, app, releases: [] };
  const index = JSON.parse(readFileSync(file, "utf8"));
  if (index.schema !== SCHEMA || index.app !== app) throw new MirrorError(`${file} is not a mirror of ${app} (schema ${index.schema}, app ${index.app})`);
  return index;
}

function writeAtomic(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/**
 * Adds releases to the mirror in `out`. `releases` is a list of { tag, prerelease, assets: [{ name,
 * size, fetch(): Promise<Buffer>, expected(): Promise<string|undefined> }] }. Returns counts.
 */
export async function addReleases(out, app, releases, log = () => {}) {
  const index = readIndex(out, app);
  const stats = { releases: 0, copied: 0, unchanged: 0, unverified: 0 };
  const entries = [];
  for (const r of releases) {
    const version = versionOf(r.tag, app);
    if (!version || !r.assets.some((a) => a.name.startsWith(`${app}-installer.`))) {
      log(`skipping ${r.tag}: ${version ? `no ${app}-installer asset` : "its tag names no version"}`);
      continue;
    }
    const dir = dirFor(r.tag);
    const assets = [];
    for (const a of r.assets) {
      const file = path.join(out, dir, a.name);
      const known = index.releases.find((x) => x.tag === r.tag)?.assets.find((x) => x.name === a.name);
      const expected = (await a.expected()) ?? known?.sha256;
      if (expected && existsSync(file) && sha256(readFileSync(file)) === expected) {
        stats.unchanged++;
        assets.push({ name: a.name, path: `${encodeURIComponent(dir)}/${encodeURIComponent(a.name)}`, size: statSync(file).size, sha256: expected });
        continue;
      }
      const data = await a.fetch();
      const got = sha256(data);
      if (expected && got !== expected) throw new MirrorError(`checksum mismatch for ${r.tag}/${a.name}: expected ${expected}, got ${got}; the mirror was not changed`);
      if (!expected) {
        stats.unverified++;
        log(`warning: ${r.tag}/${a.name} has no published checksum; recorded as downloaded`);
      }
      writeAtomic(file, data);
      stats.copied++;
      assets.push({ name: a.name, path: `${encodeURIComponent(dir)}/${encodeURIComponent(a.name)}`, size: data.length, sha256: got });
    }
    entries.push({ tag: r.tag, version, prerelease: Boolean(r.prerelease), assets });
    stats.releases++;
  }
  // New and refreshed releases first (newest first, as listed), then any older ones the mirror kept.
  const fresh = new Set(entries.map((e) => e.tag));
  index.releases = [...entries, ...index.releases.filter((x) => !fresh.has(x.tag))];
  writeAtomic(path.join(out, "releases.json"), `${JSON.stringify(index, null, 2)}\n`);
  return stats;
}

// GET with the token only on the API origin, following redirects by hand so it never leaves it.
async function get(url, { token, apiOrigin, accept }) {
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const headers = { "user-agent": "upkeep-mirror", accept: accept ?? "*/*" };
    if (token && new URL(current).origin === apiOrigin) headers.authorization = `Bearer ${token}`;
    const res = await fetch(current, { headers, redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      current = new URL(location, current).href;
      continue;
    }
    if (!res.ok) throw new MirrorError(`GET ${current} answered ${res.status}`);
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }
  throw new MirrorError(`too many redirects from ${url}`);
}

/** Every non-draft release of a GitHub repository, as addReleases takes them. */
export async function fromGithub({ repo, apiUrl, token, prereleases }) {
  const api = (apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const apiOrigin = new URL(api).origin;
  const list = [];
  let url = `${api}/repos/${repo}/releases?per_page=100`;
  while (url) {
    const { res, body } = await get(url, { token, apiOrigin, accept: "application/vnd.github+json" });
    list.push(...JSON.parse(body.toString("utf8")));
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
  }
  const fetchAsset = async (a) => (token ? get(a.url, { token, apiOrigin, accept: "application/octet-stream" }) : get(a.browser_download_url, { apiOrigin })).then((r) => r.body);
  return list
    .filter((r) => !r.draft && (prereleases || !r.prerelease))
    .map((r) => {
      let sums;
      const sumOf = async (name) => {
        const single = r.assets.find((x) => x.name === `${name}.sha256`);
        if (single) return listed((await fetchAsset(single)).toString("utf8"), name, true);
        const all = r.assets.find((x) => x.name === "sha256.sum");
        if (!all) return undefined;
        sums ??= fetchAsset(all).then((b) => b.toString("utf8"));
        return listed(await sums, name, false);
      };
      return {
        tag: r.tag_name,
        prerelease: r.prerelease,
        assets: r.assets.map((a) => ({
          name: a.name,
          size: a.size,
          fetch: () => fetchAsset(a),
          expected: async () => /^sha256:([0-9a-f]{64})$/i.exec(a.digest ?? "")?.[1]?.toLowerCase() ?? (a.name.endsWith(".sha256") || a.name === "sha256.sum" ? undefined : await sumOf(a.name)),
        })),
      };
    });
}

/** One release from a scripts/release.mjs output directory, checked against its own checksums. */
export function fromReleaseDir({ dir, tag, prerelease }) {
  const names = readdirSync(dir).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
  const sums = names.includes("sha256.sum") ? readFileSync(path.join(dir, "sha256.sum"), "utf8") : "";
  return [
    {
      tag,
      prerelease,
      assets: names.map((name) => ({
        name,
        fetch: async () => readFileSync(path.join(dir, name)),
        expected: async () =>
          names.includes(`${name}.sha256`) ? listed(readFileSync(path.join(dir, `${name}.sha256`), "utf8"), name, true) : listed(sums, name, false),
      })),
    },
  ];
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      app: { type: "string" },
      github: { type: "string" },
      "api-url": { type: "string" },
      token: { type: "string" },
      prereleases: { type: "boolean" },
      "from-release": { type: "string" },
      tag: { type: "string" },
      prerelease: { type: "boolean" },
    },
    strict: true,
  });
  if (!values.out || !values.app || (!values.github === !values["from-release"])) {
    throw new MirrorError("usage: --out DIR --app NAME and one of --github OWNER/REPO or --from-release DIR");
  }
  const log = (line) => process.stderr.write(`mirror: ${line}\n`);
  const releases = values.github
    ? await fromGithub({ repo: values.github, apiUrl: values["api-url"], token: values.token ?? process.env.GITHUB_TOKEN, prereleases: values.prereleases })
    : fromReleaseDir({ dir: values["from-release"], tag: values.tag ?? `v${guessVersion(values["from-release"], values.app)}`, prerelease: values.prerelease });
  const stats = await addReleases(values.out, values.app, releases, log);
  log(`${stats.releases} releases; ${stats.copied} assets copied, ${stats.unchanged} unchanged, ${stats.unverified} without a published checksum`);
  log(`use it with: <app>-update --source ${pathToFileURL(path.resolve(values.out)).href} (or serve ${values.out} over HTTP)`);
}

// The version of a release directory, from its installer's rendered APP_VERSION line.
function guessVersion(dir, app) {
  const installer = path.join(dir, `${app}-installer.sh`);
  const m = existsSync(installer) ? /^APP_VERSION='([^']+)'/m.exec(readFileSync(installer, "utf8")) : null;
  if (!m) throw new MirrorError(`pass --tag: cannot tell the version of ${dir}`);
  return m[1];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`mirror: ${error instanceof MirrorError ? error.message : error.stack}\n`);
    process.exitCode = 1;
  });
}
