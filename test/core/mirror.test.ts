import { describe, expect, it } from "vitest";
import { MIRROR_SCHEMA, mirrorAssetPath, mirrorDownloadBase, mirrorIndexProblem, mirrorIndexUrls, parseMirrorIndex } from "../../src/core/mirror.js";

const H = "a".repeat(64);
const index = (o: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: MIRROR_SCHEMA,
    app: "axolotlsay",
    releases: [
      {
        tag: "v2.0.0",
        version: "2.0.0",
        prerelease: false,
        assets: [{ name: "axolotlsay-installer.sh", path: "v2.0.0/axolotlsay-installer.sh", size: 10, sha256: H }],
      },
      { tag: "axolotlsay-v1.0.0", prerelease: true, assets: [] },
      { tag: "nightly", prerelease: false, assets: [] },
    ],
    ...o,
  });

describe("parseMirrorIndex", () => {
  it("maps releases, resolves asset paths against the index, and carries each SHA-256 as a digest", () => {
    const r = parseMirrorIndex(index(), "https://m.example/axo/releases.json", "axolotlsay");
    expect(r.map((x) => [x.tag, x.version, x.prerelease])).toEqual([
      ["v2.0.0", "2.0.0", false],
      ["axolotlsay-v1.0.0", "1.0.0", true],
    ]);
    expect(r[0]!.assets[0]).toEqual({
      name: "axolotlsay-installer.sh",
      downloadUrl: "https://m.example/axo/v2.0.0/axolotlsay-installer.sh",
      size: 10,
      digest: `sha256:${H}`,
    });
  });
  // [label, text, message]
  const bad: [string, string, string][] = [
    ["not JSON", "<html>", "not JSON"],
    ["another schema", index({ schema: "upkeep-mirror/9" }), 'schema is "upkeep-mirror/9"'],
    ["another app", index({ app: "other" }), 'for "other"'],
    ["no list", index({ releases: 3 }), "not a list"],
  ];
  for (const [label, text, message] of bad) {
    it(`SOURCE_UNSUPPORTED for ${label}`, () => {
      expect(() => parseMirrorIndex(text, "https://m/releases.json", "axolotlsay")).toThrow(
        expect.objectContaining({ code: "SOURCE_UNSUPPORTED", message: expect.stringContaining(message) }),
      );
    });
  }
});

describe("mirrorIndexUrls", () => {
  // [source, urls]
  const cases: [string, string[]][] = [
    ["https://m.example/axo", ["https://m.example/axo/releases.json", "https://m.example/axo/axolotlsay/releases.json"]],
    ["https://m.example/all/", ["https://m.example/all/releases.json", "https://m.example/all/axolotlsay/releases.json"]],
    ["https://m.example/axo/releases.json", ["https://m.example/axo/releases.json"]],
    ["/srv/mirror", ["file:///srv/mirror/releases.json", "file:///srv/mirror/axolotlsay/releases.json"]],
    ["mirror", ["file:///work/mirror/releases.json", "file:///work/mirror/axolotlsay/releases.json"]],
    ["file:///srv/m", ["file:///srv/m/releases.json", "file:///srv/m/axolotlsay/releases.json"]],
  ];
  for (const [source, urls] of cases) it(source, () => expect(mirrorIndexUrls(source, "axolotlsay", "/work", "linux")).toEqual(urls));
  it("a path with # and % stays one path", () => {
    expect(mirrorIndexUrls("/srv/m #1%", "axolotlsay", "/", "linux")[0]).toBe("file:///srv/m%20%231%25/releases.json");
  });

  // Windows: `--source C:\m` is a directory, not a URL of scheme `c:` (found under wine).
  const windows: [string, string][] = [
    ["C:\\mirror\\axo", "file:///C:/mirror/axo/releases.json"],
    ["c:/mirror/axo", "file:///c:/mirror/axo/releases.json"],
    ["Z:\\tmp\\m #1", "file:///Z:/tmp/m%20%231/releases.json"],
    ["mirror", "file:///D:/work/mirror/releases.json"],
    ["..\\mirror", "file:///D:/mirror/releases.json"],
    ["\\mirror", "file:///D:/mirror/releases.json"],
    ["\\\\server\\share\\m", "file://server/share/m/releases.json"],
    ["C:\\m\\releases.json", "file:///C:/m/releases.json"],
    ["file:///C:/m", "file:///C:/m/releases.json"],
    ["https://m.example/axo", "https://m.example/axo/releases.json"],
  ];
  for (const [source, url] of windows) {
    it(`win32: ${source}`, () => expect(mirrorIndexUrls(source, "axolotlsay", "D:\\work", "win32")[0]).toBe(url));
  }
});

// The writer's side of the schema (src/release/mirror.ts writes what parseMirrorIndex reads).
describe("mirrorIndexProblem", () => {
  it("accepts this schema for this app, and says what is wrong otherwise", () => {
    expect(mirrorIndexProblem(JSON.parse(index()), "axolotlsay")).toBeUndefined();
    expect(mirrorIndexProblem({ schema: "upkeep-mirror/2" }, "axolotlsay")).toBe('its schema is "upkeep-mirror/2", not "upkeep-mirror/1"');
    expect(mirrorIndexProblem(JSON.parse(index()), "other")).toBe('it is for "axolotlsay", not other');
    expect(mirrorIndexProblem({ schema: MIRROR_SCHEMA, app: "a", releases: {} }, "a")).toBe('"releases" is not a list');
    expect(mirrorIndexProblem(null, "a")).toBe('its schema is undefined, not "upkeep-mirror/1"');
  });
});

describe("mirrorAssetPath", () => {
  it("keeps each release in a directory named after its tag, and a path the reader resolves to it", () => {
    expect(mirrorAssetPath("v2.0.0", "axolotlsay-installer.sh")).toEqual({ dir: "v2.0.0", path: "v2.0.0/axolotlsay-installer.sh" });
    expect(mirrorAssetPath("releases/axolotlsay/1.0.0+b", "a b#.tar.xz")).toEqual({
      dir: "releases_axolotlsay_1.0.0+b",
      path: "releases_axolotlsay_1.0.0%2Bb/a%20b%23.tar.xz",
    });
    const { path } = mirrorAssetPath("v1.0.0", "a b#.sh");
    const text = JSON.stringify({
      schema: MIRROR_SCHEMA,
      app: "axolotlsay",
      releases: [{ tag: "v1.0.0", version: "1.0.0", prerelease: false, assets: [{ name: "a b#.sh", path, size: 1, sha256: H }] }],
    });
    expect(parseMirrorIndex(text, "https://m.example/axo/releases.json", "axolotlsay")[0]?.assets[0]?.downloadUrl).toBe(
      "https://m.example/axo/v1.0.0/a%20b%23.sh",
    );
  });
});

describe("mirrorDownloadBase: where a mirror-rendered installer downloads from", () => {
  const rows: [mirror: string, tag: string, base: string][] = [
    ["http://127.0.0.1:8080/axo", "v2.0.0", "http://127.0.0.1:8080/axo/v2.0.0"],
    ["https://m.example/axo/", "v2.0.0", "https://m.example/axo/v2.0.0"],
    ["https://m.example/axo//", "axolotlsay/1.0.0+b", "https://m.example/axo/axolotlsay_1.0.0%2Bb"],
  ];
  for (const [mirror, tag, base] of rows) {
    it(`${mirror} + ${tag} → ${base}, the directory the index's paths name`, () => {
      expect(mirrorDownloadBase(mirror, tag)).toBe(base);
      // The reader resolves the index's path to the same URL: one layout for installers and updater.
      const name = "axolotlsay-x86_64-unknown-linux-gnu.tar.xz";
      const text = JSON.stringify({
        schema: MIRROR_SCHEMA,
        app: "axolotlsay",
        releases: [{ tag, version: "1.0.0", prerelease: false, assets: [{ name, path: mirrorAssetPath(tag, name).path, size: 1, sha256: H }] }],
      });
      const index = new URL("releases.json", `${mirror.replace(/\/+$/, "")}/`).href;
      expect(parseMirrorIndex(text, index, "axolotlsay")[0]?.assets[0]?.downloadUrl).toBe(`${base}/${name}`);
    });
  }
});
