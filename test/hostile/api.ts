// Hostile-input rows: API bodies — what GitHub (or something answering in its place) sends back.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";
import type { World } from "../helpers/world.js";
import type { HostileRow } from "./row.js";

const sha = (b: string): string => createHash("sha256").update(b).digest("hex");

/** Answers `/releases/latest` with a release whose assets are given (name, URLs, digest). */
export function latestIs(w: World, assets: { name: string; browser_download_url: string; url?: string; digest?: string }[]): void {
  const body = JSON.stringify({
    tag_name: "v2.0.0",
    name: "v2.0.0",
    draft: false,
    prerelease: false,
    assets: assets.map((a, i) => ({ id: i + 1, size: 10, ...a })),
  });
  w.gh.inject({ match: /\/releases\/latest$/, server: "api", status: 200, headers: { "content-type": "application/json" }, body });
}

const installer = "axolotlsay-installer.sh";

export const apiRows: HostileRow[] = [
  {
    name: "finding 6: browser_download_url is a file: URL of a local script (hashed and run before): refused",
    setup: (w) => {
      const file = w.plantHostile();
      latestIs(w, [{ name: installer, browser_download_url: `file://${file}`, url: `file://${file}`, digest: `sha256:${sha(w.hostileInstaller())}` }]);
    },
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: /Refusing to download axolotlsay-installer.sh from file:.*only http and https/,
  },
  {
    name: "finding 6: browser_download_url file:///dev/zero (grew memory without bound): refused at once",
    setup: (w) => latestIs(w, [{ name: installer, browser_download_url: "file:///dev/zero", url: "file:///dev/zero" }]),
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "file: scheme",
  },
  {
    name: "finding 6: browser_download_url is a FIFO (hung for ever): refused at once",
    setup: (w) => {
      const fifo = path.join(w.root, "fifo");
      spawnSync("mkfifo", [fifo]);
      latestIs(w, [{ name: installer, browser_download_url: `file://${fifo}`, url: `file://${fifo}` }]);
    },
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "file: scheme",
  },
  {
    name: "finding 6: an ftp: asset URL: refused (only http and https)",
    setup: (w) => latestIs(w, [{ name: installer, browser_download_url: "ftp://127.0.0.1/axolotlsay-installer.sh", url: "ftp://127.0.0.1/i" }]),
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "ftp: scheme",
  },
  {
    name: "finding 6: the download host redirects to file:///etc/passwd: refused, not followed",
    world: { secrets: false },
    setup: (w) => w.gh.inject({ server: "download", match: /axolotlsay-installer\.sh$/, status: 302, headers: { location: `file://${w.plantHostile()}` } }),
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: /file: scheme.*a redirect from/,
  },
  {
    name: "finding 5: sha256.sum is an HTML page (counted as 'no checksum' before): DOWNLOAD_FAILED, nothing run",
    world: { release: { installerBody: "", installerDigest: null } },
    setup: (w) => {
      const r = w.gh.releases[0]!;
      r.assets[0]!.body = w.hostileInstaller();
      r.assets.push({ name: "sha256.sum", body: "<!DOCTYPE html><html><body>Sign in to continue</body></html>\n", digest: null });
    },
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "sha256.sum",
  },
  {
    name: "finding 5: the digest matches a swapped installer, but sha256.sum disagrees: CHECKSUM_MISMATCH (every source is checked)",
    setup: (w) => {
      const r = w.gh.releases[0]!;
      r.assets[0]!.body = w.hostileInstaller();
      r.assets.push({ name: "sha256.sum", body: `${sha("the real installer")}  ${installer}\n`, digest: null });
    },
    exit: 1,
    code: "CHECKSUM_MISMATCH",
    message: "sha256.sum says",
  },
  {
    name: "finding 5: a sha256.sum listing only archives is not a source; the digest still verifies (success)",
    setup: (w) => {
      w.gh.releases[0]!.assets.push({ name: "sha256.sum", body: `${sha("archive")}  axolotlsay-x86_64-unknown-linux-gnu.tar.xz\n`, digest: null });
    },
    exit: 0,
    code: null,
    result: "updated",
    check: (_w, r) => expect(r.json?.warnings.map((x: { code: string }) => x.code)).not.toContain("NO_CHECKSUM"),
  },
  {
    name: "<asset>.sha256 disagrees with the installer (no digest): CHECKSUM_MISMATCH",
    world: { release: { installerDigest: null } },
    setup: (w) => {
      const r = w.gh.releases[0]!;
      r.assets[0]!.body = w.hostileInstaller();
      r.assets.push({ name: `${installer}.sha256`, body: `${sha("x")} *${installer}\n` });
    },
    exit: 1,
    code: "CHECKSUM_MISMATCH",
  },
  {
    name: "the API's digest disagrees with the download: CHECKSUM_MISMATCH naming that source",
    world: { release: { installerDigest: `sha256:${"0".repeat(64)}` } },
    setup: (w) => {
      w.gh.releases[0]!.assets[0]!.body = w.hostileInstaller();
    },
    exit: 1,
    code: "CHECKSUM_MISMATCH",
    message: "the release's digest says",
  },
  {
    name: "finding 4: the installer trickles at 1 byte/s with --timeout 2: TIMEOUT per attempt, lock released",
    world: { secrets: false },
    setup: (w) => {
      w.mirror.handle(/trickle/, (_q, res) => {
        res.writeHead(200, { "content-length": "100000" });
        const t = setInterval(() => res.write("#"), 1000);
        res.on("close", () => clearInterval(t));
      });
      latestIs(w, [{ name: installer, browser_download_url: `${w.mirror.url}trickle/${installer}` }]);
    },
    run: (w) => w.run(["--json", "--timeout", "1"]),
    exit: 1,
    code: "TIMEOUT",
  },
  {
    name: "an HTML page served as the installer (captive portal): DOWNLOAD_FAILED",
    world: { release: { installerDigest: null } },
    setup: (w) => {
      w.gh.releases[0]!.assets[0]!.body = `<!DOCTYPE html><html><body>${w.canaryLine}</body></html>`;
    },
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "HTML page",
  },
  {
    name: "the API answers an HTML page instead of JSON: NETWORK naming a proxy or portal",
    setup: (w) =>
      w.gh.inject({ match: /\/releases\/latest$/, server: "api", status: 200, headers: { "content-type": "text/html" }, body: "<html>login</html>" }),
    exit: 1,
    code: "NETWORK",
    message: "did not answer with JSON",
  },
  {
    name: "finding 6: a Link header sends --prerelease paging to a file: URL: refused",
    setup: (w) =>
      w.gh.inject({
        match: /\/releases\?/,
        server: "api",
        status: 200,
        headers: { "content-type": "application/json", link: '<file:///etc/passwd>; rel="next"' },
        body: "[]",
      }),
    run: (w) => w.run(["--json", "--prerelease"]),
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "file: scheme",
  },
  {
    name: "finding 6: an API answering over https names an http:// installer URL (a downgrade): refused",
    world: { tls: true },
    setup: (w) => latestIs(w, [{ name: installer, browser_download_url: `${w.mirror.url}${installer}`, url: `${w.mirror.url}api-asset` }]),
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "downgrade from https to plain http",
    check: (w) => expect(w.mirror.log, "nothing fetched over http").toEqual([]),
  },
  {
    name: "finding 6: the https download host redirects to http:// (a downgrade): refused, not followed",
    world: { tls: true, secrets: false },
    setup: (w) => w.gh.inject({ server: "download", match: /axolotlsay-installer\.sh$/, status: 302, headers: { location: `${w.mirror.url}${installer}` } }),
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: /downgrade from https to plain http.*a redirect from https:/,
    check: (w) => expect(w.mirror.log, "nothing fetched over http").toEqual([]),
  },
];
