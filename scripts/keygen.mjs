#!/usr/bin/env node
// Makes a minisign key pair for signing an app's releases, without minisign installed: the files
// `minisign -G` writes, which minisign -S and -V use as well.
//
//   UPKEEP_SIGN_PASSWORD='a long passphrase' node scripts/keygen.mjs --out DIR [--name NAME] [--force]
//   node scripts/keygen.mjs --out DIR --no-password
//
// DIR/NAME.key is the secret key (keep it out of the repository: a CI secret), DIR/NAME.pub the public
// key the installers pin. A launcher: the logic is src/release/keygen.ts.
import { tooling } from "./lib/tooling.mjs";

process.exitCode = await tooling.keygen(process.argv.slice(2), { password: process.env.UPKEEP_SIGN_PASSWORD });
