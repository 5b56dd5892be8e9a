#!/usr/bin/env node
// upkeep's own release: scripts/release.mjs applied to upkeep itself. Every built executable in
// dist/targets/<target>/ becomes upkeep-<target>.tar.xz (.zip on Windows) with checksums, installers
// for upkeep, and upkeep-<target>-update — the files app authors ship as <app>-<target>-update.
//
//   npm run release:self -- --out DIR [--repo OWNER/NAME] [--from DIR]
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { release } from "./release.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" }, repo: { type: "string" }, from: { type: "string" } }, strict: true });
if (!values.out) {
  process.stderr.write("release-self: --out DIR is required\n");
  process.exit(2);
}
const from = values.from ?? path.join(root, "dist", "targets");
const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
try {
  // The executables are both the app (upkeep) and its own updater (upkeep-update updates upkeep).
  const files = release({ app: "upkeep", version, repo: values.repo ?? "upkeep-dev/upkeep", binaries: from, updater: from, out: values.out });
  process.stderr.write(`release-self: upkeep ${version} for ${readdirSync(from).length} targets, ${files.length} files in ${values.out}\n`);
} catch (error) {
  process.stderr.write(`release-self: ${error.message}\n`);
  process.exit(1);
}
