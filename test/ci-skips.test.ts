// The control of test/helpers/ci-skips-reporter.ts: a child vitest, with this project's own
// vitest.config.ts but rooted in a temp dir that holds only planted test files, fails under CI
// because tests were skipped (naming each test and why), and passes with the same files without CI.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpDir } from "./helpers/fake-app.js";
import { runProcess } from "./helpers/run.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Written to a temp dir, so they use vitest's globals (nothing resolves `import "vitest"` from /tmp).
const PLANTED = {
  "mixed.test.ts": [
    'it("planted passing test", () => {});',
    'it.skip("planted static skip (skipped: planted-tool-a is not installed)", () => {});',
    'it("planted dynamic skip", (ctx) => ctx.skip("planted-tool-b is not installed"));',
    'it.skip("planted bare skip", () => {});',
    'it.todo("planted todo");',
  ].join("\n"),
  // Every test of the file skipped: vitest then runs none of the file's hooks (why this is a reporter).
  "whole.test.ts": 'describe.skipIf(true)("planted whole file (skipped: planted-tool-c is not installed)", () => { it("inner", () => {}); });',
};

function plant(): string {
  const dir = tmpDir("upkeep-ci-skips-");
  mkdirSync(path.join(dir, "test"));
  for (const [name, body] of Object.entries(PLANTED)) writeFileSync(path.join(dir, "test", name), `${body}\n`);
  return dir;
}

// The project's config (include test/**/*.test.ts, both reporters) with --root at the temp dir:
// only the planted files are found, and the run takes about a second.
const child = (dir: string, env: Record<string, string>, extra: string[] = []) =>
  runProcess(
    process.execPath,
    [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", path.join(root, "vitest.config.ts"), "--root", dir, "--globals", ...extra],
    { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NO_COLOR: "1", ...env },
    dir,
  );

describe("under CI a skipped test fails the run", () => {
  it("a child vitest of planted skips fails with CI=1, naming each skipped test and its reason, and passes without CI", async () => {
    const dir = plant();
    const [ci, local] = await Promise.all([child(dir, { CI: "1" }), child(dir, {})]);
    const out = (r: typeof ci) => r.stdout + r.stderr;

    // The same run both times: the planted files only (not the project's suite), nothing failed.
    for (const r of [ci, local]) {
      expect(out(r)).toMatch(/Test Files\s+1 passed \| 1 skipped \(2\)/);
      expect(out(r)).toMatch(/Tests\s+1 passed \| 4 skipped \| 1 todo \(6\)/);
    }

    expect(ci.code, out(ci)).toBe(1);
    expect(ci.stderr).toContain("CI: 4 skipped tests; under CI a skip fails the run");
    expect(ci.stderr).toContain(
      "test/mixed.test.ts > planted static skip (skipped: planted-tool-a is not installed)\n    reason: planted-tool-a is not installed",
    );
    expect(ci.stderr).toContain("test/mixed.test.ts > planted dynamic skip\n    reason: planted-tool-b is not installed");
    expect(ci.stderr).toContain("test/mixed.test.ts > planted bare skip\n    reason: no reason given");
    expect(ci.stderr).toContain(
      "test/whole.test.ts > planted whole file (skipped: planted-tool-c is not installed) > inner\n    reason: planted-tool-c is not installed",
    );
    expect(ci.stderr, "a todo is not a skip").not.toContain("planted todo");

    expect(local.code, out(local)).toBe(0);
    expect(local.stderr).not.toContain("CI:");
  });

  it("with -t, only the skips among the tests the filter selected count", async () => {
    const dir = plant();
    const r = await child(dir, { CI: "1" }, ["-t", "planted (passing test|dynamic skip)"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain("CI: 1 skipped test; under CI a skip fails the run");
    expect(r.stderr).toContain("test/mixed.test.ts > planted dynamic skip\n    reason: planted-tool-b is not installed");
    expect(r.stderr, "left out by -t").not.toMatch(/planted (static|bare) skip|planted whole file/);
  });
});
