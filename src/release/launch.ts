// What the launchers in scripts/ run: scripts/lib/tooling.mjs bundles this file (and through it
// src/release/, src/core/ and src/io/) and each launcher calls its own main with its argv.
export { main as bench } from "./bench.js";
export { main as build } from "./build.js";
export { main as keygen } from "./keygen.js";
export { main as mirror } from "./mirror-cli.js";
export { main as release } from "./release.js";
export { main as releaseSelf } from "./release-self.js";
