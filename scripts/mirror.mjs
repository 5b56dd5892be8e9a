#!/usr/bin/env node
// Builds or refreshes a static mirror that <app>-update can use with no GitHub at all:
//
//   node scripts/mirror.mjs --out DIR --app NAME --github OWNER/REPO [--api-url URL] [--token T] [--prereleases]
//   node scripts/mirror.mjs --out DIR --app NAME --from-release DIR [--tag TAG] [--prerelease]
//
// The mirror is DIR/releases.json (schema "upkeep-mirror/1") and DIR/<tag>/<asset>. Serve DIR with any
// web server, S3 or a file share, or use it as a directory. Refreshing is incremental: an asset already
// there with the right SHA-256 is not fetched again. Every asset is verified while copied, against
// GitHub's digest, the release's <asset>.sha256 and sha256.sum; a mismatch stops before the index changes.
// GITHUB_TOKEN is the default --token. A launcher: the logic is src/release/mirror*.ts.
import { tooling } from "./lib/tooling.mjs";

process.exitCode = await tooling.mirror(process.argv.slice(2), { githubToken: process.env.GITHUB_TOKEN });
