import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIRROR_SCHEMA } from "../../src/core/mirror.js";
import { UpdaterError } from "../../src/errors.js";
import { testHttp } from "../helpers/http.js";
import { mirrorSource } from "../../src/sources/mirror.js";
import type { UpdateRequest } from "../../src/types.js";
import { tmpDir } from "../helpers/fake-app.js";

const H = "b".repeat(64);
const rel = (tag: string, prerelease = false, installer = true) => ({
  tag,
  prerelease,
  assets: installer ? [{ name: "axolotlsay-installer.sh", path: `${tag}/axolotlsay-installer.sh`, size: 1, sha256: H }] : [],
});

async function source(nested: boolean) {
  const root = tmpDir();
  const dir = nested ? path.join(root, "axolotlsay") : root;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "releases.json"),
    JSON.stringify({
      schema: MIRROR_SCHEMA,
      app: "axolotlsay",
      releases: [rel("v3.0.0-rc.1", true), rel("v2.0.0"), rel("v1.5.0", false, false), rel("v1.0.0")],
    }),
  );
  const http = await testHttp({ apiOrigin: "https://api.github.com" });
  return { root, dir, s: mirrorSource({ http, source: root, app: "axolotlsay", cwd: "/" }) };
}

describe("mirror source (a directory)", () => {
  // [request, expected tag or error code]
  const cases: [UpdateRequest, string][] = [
    [{ kind: "latest" }, "v2.0.0"],
    [{ kind: "prerelease" }, "v3.0.0-rc.1"],
    [{ kind: "version", version: "1.0.0" }, "v1.0.0"],
    [{ kind: "version", version: "9.0.0" }, "RELEASE_NOT_FOUND"],
    [{ kind: "tag", tag: "v1.0.0" }, "v1.0.0"],
    [{ kind: "tag", tag: "v1.5.0" }, "NO_INSTALLER"],
  ];
  for (const nested of [false, true]) {
    for (const [request, want] of cases) {
      it(`${nested ? "multi-app root" : "app directory"}: ${JSON.stringify(request)} → ${want}`, async () => {
        const { s } = await source(nested);
        if (/^[A-Z_]+$/.test(want)) await expect(s.find(request)).rejects.toSatisfy((e: unknown) => UpdaterError.is(e) && e.code === want);
        else expect((await s.find(request)).tag).toBe(want);
      });
    }
  }
  it("tells the installer to download from the release's directory on the mirror", async () => {
    const { s, dir } = await source(false);
    const r = await s.find({ kind: "latest" });
    expect(s.downloadBase?.(r)).toBe(`file://${dir}/v2.0.0`);
    expect(r.assets[0]?.digest).toBe(`sha256:${H}`);
  });
});
