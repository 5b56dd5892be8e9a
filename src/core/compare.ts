import semver from "semver";

/**
 * Compares two versions like axoupdater (Rust semver): precedence first, then build metadata,
 * so `1.0.0` < `1.0.0+1`. Returns -1, 0 or 1.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  return semver.compareBuild(a, b);
}
