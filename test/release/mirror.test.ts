import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { checksumLine, sha256Hex } from "../../src/core/checksum.js";
import { MIRROR_SCHEMA, parseMirrorIndex } from "../../src/core/mirror.js";
import { addReleases, fromReleaseDir, MirrorError, type SourceRelease } from "../../src/release/mirror.js";
import type { Asset } from "../../src/types.js";
import { tmpDir } from "../helpers/fake-app.js";
import { loggingServer } from "../helpers/static-server.js";

const INSTALLER = Buffer.from("#!/bin/sh\necho installed\n");
const ARCHIVE = Buffer.from("archive bytes");

/** An in-memory release; `reads` counts the reads of each asset. */
function source(tag: string, files: Record<string, Buffer | string>, digests: Record<string, string> = {}): SourceRelease & { reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  const assets: Asset[] = Object.keys(files).map((name) => ({
    name,
    downloadUrl: `https://d.example/${name}`,
    ...(digests[name] ? { digest: `sha256:${digests[name]}` } : {}),
  }));
  return {
    tag,
    prerelease: false,
    assets,
    reads,
    read: async (asset) => {
      reads[asset.name] = (reads[asset.name] ?? 0) + 1;
      return Buffer.from(files[asset.name] as Buffer | string);
    },
  };
}
const sums = (...names: [string, Buffer][]) => `${names.map(([n, d]) => checksumLine(sha256Hex(d), n)).join("\n")}\n`;

describe("addReleases", () => {
  it("writes the index core reads (schema, versions by core's tag rules, paths relative to it), verified", async () => {
    const out = tmpDir();
    const log = vi.fn();
    const stats = await addReleases(
      out,
      "axolotlsay",
      [
        source("axolotlsay/2.0.0", {
          "axolotlsay-installer.sh": INSTALLER,
          "a.tar.xz": ARCHIVE,
          "sha256.sum": sums(["axolotlsay-installer.sh", INSTALLER], ["a.tar.xz", ARCHIVE]),
        }),
        source("v1.0.0-01", { "axolotlsay-installer.sh": INSTALLER }),
        source("v1.5.0", { "notes.txt": "no installer" }),
      ],
      log,
    );
    expect(stats).toEqual({ releases: 1, copied: 3, linked: 0, unchanged: 0, unverified: 1 });
    expect(log).toHaveBeenCalledWith("skipping v1.0.0-01: its tag names no version");
    expect(log).toHaveBeenCalledWith("skipping v1.5.0: no axolotlsay-installer asset");
    const text = readFileSync(path.join(out, "releases.json"), "utf8");
    expect(JSON.parse(text)).toMatchObject({
      schema: MIRROR_SCHEMA,
      app: "axolotlsay",
      releases: [{ tag: "axolotlsay/2.0.0", version: "2.0.0", prerelease: false }],
    });
    const indexUrl = pathToFileURL(path.join(out, "releases.json")).href;
    const [read] = parseMirrorIndex(text, indexUrl, "axolotlsay");
    const installer = read?.assets.find((a) => a.name === "axolotlsay-installer.sh");
    expect(installer).toMatchObject({
      digest: `sha256:${sha256Hex(INSTALLER)}`,
      downloadUrl: pathToFileURL(path.join(out, "axolotlsay_2.0.0", "axolotlsay-installer.sh")).href,
    });
    expect(installer?.refused).toBeUndefined();
    expect(readFileSync(path.join(out, "axolotlsay_2.0.0", "a.tar.xz"))).toEqual(ARCHIVE);
  });

  it("checks every published checksum: a digest that disagrees with sha256.sum stops it", async () => {
    const out = tmpDir();
    const r = source(
      "v1.0.0",
      { "axolotlsay-installer.sh": INSTALLER, "sha256.sum": sums(["axolotlsay-installer.sh", Buffer.from("other")]) },
      { "axolotlsay-installer.sh": sha256Hex(INSTALLER) },
    );
    await expect(addReleases(out, "axolotlsay", [r])).rejects.toThrow(
      `checksum mismatch for v1.0.0/axolotlsay-installer.sh: expected ${sha256Hex("other")}, got ${sha256Hex(INSTALLER)}`,
    );
    expect(existsSync(path.join(out, "releases.json"))).toBe(false);
  });

  it("refuses a checksum file that is not one", async () => {
    const r = source("v1.0.0", { "axolotlsay-installer.sh": INSTALLER, "axolotlsay-installer.sh.sha256": "<html>rate limited</html>" });
    await expect(addReleases(tmpDir(), "axolotlsay", [r])).rejects.toThrow("v1.0.0/axolotlsay-installer.sh.sha256 is not a checksum file");
  });

  it("refreshes incrementally: a current copy is not read again, checksum files are read once", async () => {
    const out = tmpDir();
    const files = {
      "axolotlsay-installer.sh": INSTALLER,
      "axolotlsay-installer.sh.sha256": `${checksumLine(sha256Hex(INSTALLER), "axolotlsay-installer.sh")}\n`,
    };
    const first = source("v1.0.0", files);
    await addReleases(out, "axolotlsay", [first]);
    expect(first.reads).toEqual({ "axolotlsay-installer.sh": 1, "axolotlsay-installer.sh.sha256": 1 });
    const again = source("v1.0.0", files, {
      "axolotlsay-installer.sh": sha256Hex(INSTALLER),
      "axolotlsay-installer.sh.sha256": sha256Hex(files["axolotlsay-installer.sh.sha256"]),
    });
    expect(await addReleases(out, "axolotlsay", [again])).toEqual({ releases: 1, copied: 0, linked: 0, unchanged: 2, unverified: 0 });
    expect(again.reads).toEqual({});
  });

  it("will not add to another app's or another schema's index (core's rule)", async () => {
    const out = tmpDir();
    writeFileSync(path.join(out, "releases.json"), JSON.stringify({ schema: "upkeep-mirror/2", app: "axolotlsay", releases: [] }));
    await expect(addReleases(out, "axolotlsay", [])).rejects.toThrow('is not a mirror of axolotlsay: its schema is "upkeep-mirror/2", not "upkeep-mirror/1"');
    writeFileSync(path.join(out, "releases.json"), JSON.stringify({ schema: MIRROR_SCHEMA, app: "other", releases: [] }));
    await expect(addReleases(out, "axolotlsay", [])).rejects.toThrow('is not a mirror of axolotlsay: it is for "other", not axolotlsay');
  });
});

describe("addReleases with one updater shipped by several releases", () => {
  const UPDATER = Buffer.from("#!/bin/sh\necho 'one upkeep build'\n");
  const updater = "axolotlsay-x86_64-unknown-linux-gnu-update";
  // A release shipping UPDATER, with its checksum published in sha256.sum.
  const shipping = (tag: string, digests: Record<string, string> = {}) => {
    const installer = Buffer.from(`#!/bin/sh\necho ${tag}\n`);
    return source(
      tag,
      { "axolotlsay-installer.sh": installer, [updater]: UPDATER, "sha256.sum": sums(["axolotlsay-installer.sh", installer], [updater, UPDATER]) },
      digests,
    );
  };
  const file = (out: string, tag: string) => path.join(out, tag, updater);

  it("hard-links it instead of fetching it again; every <tag>/<asset> is still served as a file of its own", async () => {
    const out = tmpDir();
    const [v2, v1] = [shipping("v2.0.0"), shipping("v1.0.0")];
    expect(await addReleases(out, "axolotlsay", [v2, v1])).toEqual({ releases: 2, copied: 5, linked: 1, unchanged: 0, unverified: 2 });
    expect(v2.reads[updater]).toBe(1);
    expect(v1.reads[updater]).toBeUndefined();
    // A later refresh finds it through the index: v3 links to it too.
    const v3 = shipping("v3.0.0", { [updater]: sha256Hex(UPDATER) });
    expect(await addReleases(out, "axolotlsay", [v3])).toMatchObject({ copied: 2, linked: 1 });
    expect(v3.reads[updater]).toBeUndefined();
    const inode = statSync(file(out, "v2.0.0")).ino;
    for (const tag of ["v1.0.0", "v3.0.0"]) expect(statSync(file(out, tag)).ino).toBe(inode);
    expect(statSync(file(out, "v2.0.0")).nlink).toBe(3);
    // Served by any web server: every asset of every release at its own path, with the bytes its index records.
    const server = await loggingServer(out);
    const indexUrl = new URL("releases.json", server.url).href;
    const releases = parseMirrorIndex(readFileSync(path.join(out, "releases.json"), "utf8"), indexUrl, "axolotlsay");
    expect(releases.map((r) => r.tag)).toEqual(["v3.0.0", "v2.0.0", "v1.0.0"]);
    for (const r of releases) {
      for (const a of r.assets) {
        const res = await fetch(a.downloadUrl);
        expect(res.status, a.downloadUrl).toBe(200);
        expect(`sha256:${sha256Hex(Buffer.from(await res.arrayBuffer()))}`).toBe(a.digest);
      }
    }
    expect(server.log.map((l) => l.path)).toContain(`/v1.0.0/${updater}`);
  });

  it("links only to a file whose content has the hash, and never an asset without a published checksum", async () => {
    const out = tmpDir();
    await addReleases(out, "axolotlsay", [shipping("v1.0.0")]);
    // The copy changes under the index (a new file, so no hard link shares the change).
    rmSync(file(out, "v1.0.0"));
    writeFileSync(file(out, "v1.0.0"), "changed");
    const v2 = shipping("v2.0.0");
    expect(await addReleases(out, "axolotlsay", [v2])).toMatchObject({ copied: 3, linked: 0 });
    expect(v2.reads[updater]).toBe(1);
    expect(readFileSync(file(out, "v2.0.0"))).toEqual(UPDATER);
    expect(statSync(file(out, "v2.0.0")).ino).not.toBe(statSync(file(out, "v1.0.0")).ino);
    const bare = source("v3.0.0", { "axolotlsay-installer.sh": INSTALLER, [updater]: UPDATER });
    expect(await addReleases(out, "axolotlsay", [bare])).toMatchObject({ copied: 2, linked: 0, unverified: 2 });
    expect(statSync(file(out, "v3.0.0")).nlink).toBe(1);
  });
});

describe("fromReleaseDir", () => {
  it("refuses a tag naming no version the updater reads (core/version.ts), such as 1.0.0-01", () => {
    const dir = tmpDir();
    expect(() => fromReleaseDir({ app: "axolotlsay", dir, tag: "v1.0.0-01" })).toThrow(MirrorError);
    expect(() => fromReleaseDir({ app: "axolotlsay", dir, tag: "v1.0.0-01" })).toThrow("the tag v1.0.0-01 names no version of axolotlsay that upkeep reads");
    expect(fromReleaseDir({ app: "axolotlsay", dir, tag: "axolotlsay-v1.0.0-1" })[0]?.tag).toBe("axolotlsay-v1.0.0-1");
  });
});
