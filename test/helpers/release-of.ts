// A release as core sees it (types.ts), for unit tests of the signature rules: v2.0.0 with the named
// assets, each at a URL that is never fetched.
import type { Release } from "../../src/types.js";

/** Release v2.0.0 (version 2.0.0, published, not a prerelease) holding `names`. */
export function releaseOf(names: string[]): Release {
  return {
    tag: "v2.0.0",
    version: "2.0.0",
    name: null,
    prerelease: false,
    draft: false,
    assets: names.map((name) => ({ name, downloadUrl: `https://x/${name}` })),
  };
}
