// The one step every launcher in scripts/ shares: esbuild bundles src/release/launch.ts (the release
// tooling, TypeScript over src/core/ and src/io/) into .cache/release/tooling.mjs and loads it. Packages
// stay imports from node_modules/, so running a script needs `npm ci` in a checkout of upkeep.
import { renameSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = path.join(root, ".cache", "release", "tooling.mjs");
// Bundled under a name of this process's own, then renamed: launchers running at once never load half a file.
const partial = `${out}.${process.pid}.tmp`;
const esbuild = await import("esbuild");
await esbuild.build({
  entryPoints: [path.join(root, "src", "release", "launch.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  outfile: partial,
  logLevel: "warning",
});
renameSync(partial, out);

/** One main per launcher: `(argv, …) → exit status`. */
export const tooling = await import(pathToFileURL(out).href);
