import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main, releaseToolingIn, runtimeDependencies } from "../../src/release/build.js";
import { ROOT } from "../../src/release/checkout.js";

// The entry point the build launcher names (scripts/build.mjs keeps it in one constant).
const executableEntry = /const EXECUTABLE_ENTRY = "([^"]+)"/.exec(readFileSync(path.join(ROOT, "scripts", "build.mjs"), "utf8"))?.[1] ?? "";

describe("the executable's bundle", () => {
  it("holds none of the release tooling", async () => {
    const esbuild = await import("esbuild");
    const r = await esbuild.build({
      entryPoints: [path.join(ROOT, executableEntry)],
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: "silent",
    });
    expect(Object.keys(r.metafile.inputs).some((i) => i.startsWith("src/core/"))).toBe(true);
    expect(releaseToolingIn(r.metafile)).toEqual([]);
  });

  it("releaseToolingIn names the release tooling's files among the inputs", () => {
    const inputs = Object.fromEntries(
      ["src/cli/main.ts", "src/release/targets.ts", "src\\release\\sea.ts", "node_modules/semver/index.js"].map((i) => [i, { bytes: 1, imports: [] }]),
    );
    expect(releaseToolingIn({ inputs, outputs: {} })).toEqual(["src/release/targets.ts", "src\\release\\sea.ts"]);
  });
});

describe("the CommonJS library", () => {
  it("leaves exactly package.json's dependencies as require calls (semver), inlining the rest", () => {
    expect(runtimeDependencies(ROOT)).toEqual(["semver"]);
    const cjs = readFileSync(path.join(ROOT, "dist/lib/cjs/index.js"), "utf8");
    const required = [...cjs.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? "").filter((id) => !id.startsWith("node:"));
    expect([...new Set(required)]).toEqual(["semver"]);
  });
});

describe("build main", () => {
  it("refuses targets before building anything: 1 for one that cannot build here, 2 for an unknown one", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const settings = { executableEntry, libraryEntry: "src/index.ts", execPath: process.execPath, root: "/nonexistent" };
    try {
      expect(await main(["--target", "x86_64-unknown-linux-musl"], settings)).toBe(1);
      expect(String(err.mock.calls[0]?.[0])).toContain("x86_64-unknown-linux-musl cannot be built here: the npm registry has no musl build");
      expect(await main(["--target", "riscv64-unknown-linux-gnu"], settings)).toBe(2);
      expect(String(err.mock.calls[1]?.[0])).toContain("these build here: x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu");
    } finally {
      err.mockRestore();
    }
  });
});
