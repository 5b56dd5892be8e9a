import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalDir, locateInvoked } from "../../src/io/paths.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("locateInvoked", () => {
  it("resolves a relative path against cwd without following the final symlink", async () => {
    const root = tmpDir();
    mkdirSync(path.join(root, "bin"));
    writeFileSync(path.join(root, "real"), "", { mode: 0o755 });
    symlinkSync(path.join(root, "real"), path.join(root, "bin", "a-update"));
    expect(await locateInvoked("./bin/a-update", root, "", "linux")).toBe(path.join(root, "bin", "a-update"));
  });
  it("looks a bare name up on PATH, skipping non-executables", async () => {
    const root = tmpDir();
    for (const d of ["one", "two"]) mkdirSync(path.join(root, d));
    writeFileSync(path.join(root, "one", "a-update"), "", { mode: 0o644 });
    writeFileSync(path.join(root, "two", "a-update"), "", { mode: 0o755 });
    expect(await locateInvoked("a-update", "/", `${root}/one:${root}/two`, "linux")).toBe(path.join(root, "two", "a-update"));
  });
  it("falls back to cwd when PATH has nothing", async () => {
    expect(await locateInvoked("a-update", "/w", "", "linux")).toBe("/w/a-update");
  });
});

describe("canonicalDir", () => {
  it("resolves symlinked directories and keeps missing ones as given", async () => {
    const root = tmpDir();
    mkdirSync(path.join(root, "real"));
    symlinkSync(path.join(root, "real"), path.join(root, "link"));
    expect(await canonicalDir(path.join(root, "link"))).toBe(await canonicalDir(path.join(root, "real")));
    expect(await canonicalDir(path.join(root, "gone"))).toBe(path.join(root, "gone"));
  });
});
