#!/usr/bin/env node
// upkeep's own release: scripts/release.mjs applied to upkeep itself. Every built executable in
// dist/targets/<target>/ becomes upkeep-<target>.tar.xz (.zip on Windows) with checksums, installers
// for upkeep, and upkeep-<target>-update — the files app authors ship as <app>-<target>-update.
//
//   npm run release:self -- --out DIR [--repo OWNER/NAME] [--from DIR]
//
// A launcher: the logic is src/release/release-self.ts.
import { tooling } from "./lib/tooling.mjs";

process.exitCode = await tooling.releaseSelf(process.argv.slice(2), { sourceDateEpoch: process.env.SOURCE_DATE_EPOCH });
