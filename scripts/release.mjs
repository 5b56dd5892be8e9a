#!/usr/bin/env node
// Turns an app's built binaries into a directory ready to attach to a GitHub release:
// archives, checksums, `<app>-<target>-update` copies of upkeep, rendered installers and, with
// --sign-key, their minisign signatures.
//
//   node scripts/release.mjs --app NAME --version V --repo OWNER/NAME \
//        --binaries DIR --updater DIR --out DIR [--base-url URL | --mirror URL] [--install-path P] [--alias BIN=ALIAS] \
//        [--sign-key FILE] [--public-key KEY|FILE]...
//
// --mirror URL renders the installers for a static mirror served at URL (docs/reference.md, "Mirror
// layout"): add the release to it with scripts/mirror.mjs --from-release.
//
// --binaries DIR holds <target>/<files>: every regular file there is one of the app's executables.
// --updater DIR holds <target>/upkeep (upkeep.exe for Windows targets). SOURCE_DATE_EPOCH makes the
// archives reproducible; UPKEEP_SIGN_PASSWORD is the --sign-key file's password. A launcher: the logic
// is src/release/release.ts.
import { tooling } from "./lib/tooling.mjs";

process.exitCode = await tooling.release(process.argv.slice(2), {
  sourceDateEpoch: process.env.SOURCE_DATE_EPOCH,
  signPassword: process.env.UPKEEP_SIGN_PASSWORD,
});
