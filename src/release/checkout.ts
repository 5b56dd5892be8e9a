// The checkout of upkeep the release tooling runs in: installers/, package.json, node_modules/.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root directory. This file (src/release/checkout.ts) and the bundles the launchers
 * in scripts/ make of it (.cache/<name>/<bundle>.mjs) both sit two levels below it.
 */
export const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** upkeep's own version, from the checkout's package.json. */
export function upkeepVersion(root: string = ROOT): string {
  return (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
}
