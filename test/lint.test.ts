// The control of `npm run lint` (Biome with the project's biome.json): the tree passes, and a planted
// violation of each kind — a lint rule, unformatted code — makes the same check fail.
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpDir } from "./helpers/fake-app.js";
import { runProcess } from "./helpers/run.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const biome = path.join(root, "node_modules/.bin/biome");

// Runs `biome check` in `dir`, which holds a copy of the project's biome.json.
const check = (dir: string) => runProcess(biome, ["check", "--vcs-enabled=false", "."], { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" }, dir);

// A copy of one real, clean source file under src/ in a temp tree, so the config's includes apply.
function planted(body?: string): string {
  const dir = tmpDir("upkeep-lint-");
  cpSync(path.join(root, "biome.json"), path.join(dir, "biome.json"));
  cpSync(path.join(root, "src/core/compare.ts"), path.join(dir, "src/core/compare.ts"), { recursive: true });
  if (body !== undefined) writeFileSync(path.join(dir, "src/core/planted.ts"), body);
  return dir;
}

describe("lint (biome check)", () => {
  it("passes on the tree as committed", async () => {
    const r = await runProcess(biome, ["check", "."], { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" }, root);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
  it("control: a clean copy passes", async () => {
    const r = await check(planted());
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
  it("control: a non-null assertion in src/ fails", async () => {
    const r = await check(planted("export const first = (xs: string[]): string => xs[0]!;\n"));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("noNonNullAssertion");
  });
  it("control: an explicit any in src/ fails", async () => {
    const r = await check(planted("export const id = (x: any): number => x;\n"));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("noExplicitAny");
  });
  it("control: unformatted code fails", async () => {
    const r = await check(planted("export const   spaced = {a:1}\n"));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/format/i);
  });
});
