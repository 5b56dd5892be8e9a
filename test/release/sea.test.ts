import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildSea, nodeBinary } from "../../src/release/sea.js";
import { buildTarget, HOST } from "../../src/release/targets.js";
import { tmpDir } from "../helpers/fake-app.js";

const require = createRequire(import.meta.url);

describe("nodeBinary", () => {
  it("uses the installed dev dependency when it is the version asked for (nothing fetched)", () => {
    const t = buildTarget(HOST);
    const cache = tmpDir();
    const bin = nodeBinary(t.pkg, t.version, t.file, cache);
    expect(bin).toBe(path.join(path.dirname(require.resolve(`${t.pkg}/package.json`)), t.file));
    expect(existsSync(bin)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(path.dirname(path.dirname(bin)), "package.json"), "utf8")).version).toBe(t.version);
  });
});

describe("buildSea", () => {
  it("refuses a target that does not build here before doing anything", async () => {
    const out = path.join(tmpDir(), "upkeep");
    await expect(buildSea({ bundle: "/nonexistent.cjs", out, target: "aarch64-apple-darwin", cacheDir: tmpDir() })).rejects.toThrow("cannot be built here");
    await expect(buildSea({ bundle: "/nonexistent.cjs", out, target: "riscv64-unknown-linux-gnu", cacheDir: tmpDir() })).rejects.toThrow("unknown target");
    expect(existsSync(`${out}.work`)).toBe(false);
  });
});
