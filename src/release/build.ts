// Builds upkeep (scripts/build.mjs): the library (dist/lib: ESM + .d.ts, dist/lib/cjs: CommonJS + .d.ts)
// and single executables.
//
//   node scripts/build.mjs                    this machine's executable: dist/upkeep
//   node scripts/build.mjs --target <triple>  another target: dist/targets/<triple>/upkeep[.exe]
//   node scripts/build.mjs --target all       every target that builds here
//   --force                                   rebuild even when the bundle has not changed
//
// The host executable is also linked as dist/targets/<host triple>/upkeep, the layout
// scripts/release.mjs takes as --updater.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Metafile } from "esbuild";
import { sha256Hex } from "../core/checksum.js";
import { ROOT } from "./checkout.js";
import { buildSea } from "./sea.js";
import { HOST, NOT_BUILDABLE, TARGETS } from "./targets.js";

const require = createRequire(import.meta.url);

/** Bump when the steps after bundling change (a build made the old way is then rebuilt): 2 signs the Mac executables. */
const RECIPE = 2;

/** What the launcher tells the build: entry points (relative to the checkout) and the Node running it. */
export interface BuildSettings {
  /** The executable's entry point, bundled into dist/upkeep. */
  executableEntry: string;
  /** The library's entry point, bundled into dist/lib/index.js. */
  libraryEntry: string;
  /** The Node that runs tsc. */
  execPath: string;
  root?: string | undefined;
}

/**
 * esbuild options of every program that runs as a single executable: one minified CommonJS file with
 * every dependency inlined (inside a single executable require() reaches only built-in modules).
 */
export const SEA_BUNDLE = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
} as const;

/** The release tooling's own files among a bundle's inputs: none may end up in the executable. */
export function releaseToolingIn(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((input) => input.replaceAll("\\", "/").startsWith("src/release/"));
}

/**
 * The library's runtime dependencies (package.json `dependencies`): the CommonJS build leaves them as
 * `require` calls, so each must be loadable by `require` on every Node `engines` allows (no require(esm)
 * before Node 20.19); every other package the library reaches is inlined.
 */
export function runtimeDependencies(root: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {});
}

// dist/lib/cjs: the library as CommonJS for `require("upkeep")` (package.json "exports" → "require"),
// a package.json saying so, and a copy of the declarations, which TypeScript then reads as CommonJS.
async function buildCommonJs(esbuild: typeof import("esbuild"), root: string, entry: string, lib: string): Promise<void> {
  const out = path.join(lib, "cjs");
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    external: runtimeDependencies(root),
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: path.join(out, "index.js"),
    logLevel: "warning",
  });
  writeFileSync(path.join(out, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  for (const file of readdirSync(lib, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".d.ts") || file.split(path.sep)[0] === "cjs") continue;
    mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    copyFileSync(path.join(lib, file), path.join(out, file));
  }
}

/** scripts/build.mjs: argv (without node and the script) → exit status. */
export async function main(argv: string[], settings: BuildSettings): Promise<number> {
  const root = settings.root ?? ROOT;
  const dist = path.join(root, "dist");
  const cacheDir = path.join(root, ".cache", "node");
  const log = (line: string): void => {
    process.stderr.write(`build: ${line}\n`);
  };

  const { values } = parseArgs({ args: argv, options: { force: { type: "boolean" }, target: { type: "string", multiple: true } }, strict: true });
  const requested = (values.target ?? []).flatMap((t) => (t === "all" ? Object.keys(TARGETS) : [t]));
  for (const t of requested) {
    if (NOT_BUILDABLE[t]) {
      log(`${t} cannot be built here: ${NOT_BUILDABLE[t]}`);
      return 1;
    }
    if (!TARGETS[t]) {
      log(`unknown target ${t}; these build here: ${Object.keys(TARGETS).join(", ")}`);
      return 2;
    }
  }

  const esbuild = await import("esbuild");
  mkdirSync(dist, { recursive: true });

  // 1. The executable's bundle: one CommonJS file with every dependency inlined (inside a single
  //    executable require() reaches only built-in modules, and ESM bundles fail there).
  const bundlePath = path.join(dist, "upkeep.cjs");
  const executable = await esbuild.build({
    ...SEA_BUNDLE,
    entryPoints: [path.join(root, settings.executableEntry)],
    outfile: bundlePath,
    metafile: true,
    absWorkingDir: root,
  });
  const tooling = releaseToolingIn(executable.metafile);
  if (tooling.length > 0) {
    rmSync(bundlePath, { force: true });
    log(`the executable must not contain the release tooling, but ${settings.executableEntry} reaches ${tooling.join(", ")}`);
    return 1;
  }

  // 2. The library for Node apps: ESM with dependencies left as imports, plus declarations; then the
  //    same as CommonJS in dist/lib/cjs (no require(esm) needed: Node 20.18 has none).
  await esbuild.build({
    entryPoints: [path.join(root, settings.libraryEntry)],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: path.join(dist, "lib/index.js"),
    logLevel: "warning",
  });
  execFileSync(settings.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.lib.json")], { stdio: "inherit" });
  await buildCommonJs(esbuild, root, settings.libraryEntry, path.join(dist, "lib"));

  // 3. Executables, skipped when the bundle and the Node version are what they were last time.
  const bundleHash = sha256Hex(readFileSync(bundlePath));
  const stampPath = path.join(dist, ".sea-stamps.json");
  const stamps = (existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, "utf8")) : {}) as Record<string, string>;

  const build = async (target: string, out: string): Promise<void> => {
    const stamp = `${bundleHash}:${TARGETS[target]?.version}:${RECIPE}`;
    if (!values.force && stamps[target] === stamp && existsSync(out)) {
      log(`${path.relative(root, out)} is up to date`);
      return;
    }
    await buildSea({ bundle: bundlePath, out, target, cacheDir });
    stamps[target] = stamp;
    writeFileSync(stampPath, JSON.stringify(stamps, null, 2));
    log(`${path.relative(root, out)} built (${target}, Node ${TARGETS[target]?.version})`);
  };

  const hostExe = path.join(dist, "upkeep");
  await build(HOST, hostExe);
  const hostTarget = path.join(dist, "targets", HOST, "upkeep");
  mkdirSync(path.dirname(hostTarget), { recursive: true });
  rmSync(hostTarget, { force: true });
  linkSync(hostExe, hostTarget);
  for (const t of requested.filter((t) => t !== HOST)) await build(t, path.join(dist, "targets", t, TARGETS[t]?.exe ?? "upkeep"));
  return 0;
}
