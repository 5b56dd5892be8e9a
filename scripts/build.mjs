#!/usr/bin/env node
// Builds upkeep: the library (dist/lib: ESM + .d.ts; dist/lib/cjs: CommonJS + .d.ts) and single executables.
//
//   node scripts/build.mjs                    this machine's executable: dist/upkeep
//   node scripts/build.mjs --target <triple>  another target: dist/targets/<triple>/upkeep[.exe]
//   node scripts/build.mjs --target all       every target that builds here
//   --force                                   rebuild even when the bundle has not changed
//
// The host executable is also linked as dist/targets/<host triple>/upkeep, the layout
// scripts/release.mjs takes as --updater. A launcher: the build is src/release/build.ts.
import { tooling } from "./lib/tooling.mjs";

// The executable's entry point, bundled into dist/upkeep (the build refuses it if it reaches src/release/).
const EXECUTABLE_ENTRY = "src/cli/main.ts";
// The library's entry point, bundled into dist/lib/index.js.
const LIBRARY_ENTRY = "src/index.ts";

process.exitCode = await tooling.build(process.argv.slice(2), { executableEntry: EXECUTABLE_ENTRY, libraryEntry: LIBRARY_ENTRY, execPath: process.execPath });
