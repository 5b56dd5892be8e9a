#!/usr/bin/env node
// `npm run bench`: bundles bench/bench.ts (which reuses the test helpers, with vitest replaced by a
// small stub) and runs it. Results: a table on stdout, bench/results.json and docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const esbuild = await import("esbuild");
const out = path.join(root, ".cache", "bench", "bench.mjs");
mkdirSync(path.dirname(out), { recursive: true });
await esbuild.build({
  entryPoints: [path.join(root, "bench", process.argv[2]?.endsWith(".ts") ? process.argv[2] : process.argv[2] === "fleet" ? "fleet.ts" : "bench.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  outfile: out,
  packages: "external",
  alias: { vitest: path.join(root, "bench", "vitest-stub.ts") },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
  plugins: [
    {
      // Our scripts find files relative to themselves: import them where they are, not bundled.
      name: "scripts-in-place",
      setup(build) {
        build.onResolve({ filter: /scripts\/.*\.mjs$/ }, (args) => ({ path: pathToFileURL(path.resolve(args.resolveDir, args.path)).href, external: true }));
      },
    },
  ],
});
const args = process.argv[2] === "fleet" || process.argv[2]?.endsWith(".ts") ? process.argv.slice(3) : process.argv.slice(2);
const r = spawnSync(process.execPath, [out, ...args], { stdio: "inherit", cwd: root });
process.exitCode = r.status ?? 1;
