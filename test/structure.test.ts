// The architecture, enforced: tests mirror src/ one to one (node-semver's test/map.js), src/core stays
// pure, and only src/config.ts (and the entry point) reads the process's environment.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const files = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
const sources = files("src").filter((f) => f.endsWith(".ts"));

// Files that are only types, re-exports or the process entry point have nothing to test on their own.
const NO_TEST = new Set(["src/index.ts", "src/types.ts", "src/main.ts", "src/sources/types.ts", "src/version.ts"]);

describe("structure", () => {
  for (const file of sources.filter((f) => !NO_TEST.has(f))) {
    const test = file.replace(/^src\//, "test/").replace(/\.ts$/, ".test.ts");
    it(`${file} has ${test}`, () => expect(files(path.dirname(test)).includes(test), `${test} is missing`).toBe(true));
  }

  for (const file of sources.filter((f) => f.startsWith("src/core/"))) {
    it(`${file} is pure (no fs, os, child_process, network, process)`, () => {
      const text = readFileSync(path.join(root, file), "utf8");
      expect(text).not.toMatch(/from "node:(fs|fs\/promises|os|child_process|http|https|net\b(?!")|dns|tls)"/);
      expect(text).not.toMatch(/from "(undici|execa|env-paths)"/);
      expect(text).not.toMatch(/\bprocess\./);
    });
  }

  for (const file of sources.filter((f) => f !== "src/config.ts" && f !== "src/main.ts")) {
    it(`${file} does not read process.env or process.argv`, () => {
      expect(readFileSync(path.join(root, file), "utf8")).not.toMatch(/process\.(env|argv|platform|cwd|execPath)\b/);
    });
  }
});
