// upkeep's own release (scripts/release-self.mjs): the release tooling applied to upkeep itself. Every
// built executable in dist/targets/<target>/ becomes upkeep-<target>.tar.xz (.zip on Windows) with
// checksums, installers for upkeep, and upkeep-<target>-update — the files app authors ship as
// <app>-<target>-update.
import { readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, upkeepVersion } from "./checkout.js";
import { archiveTime, release, type ReleaseHost } from "./release.js";

/** scripts/release-self.mjs: `--out DIR [--repo OWNER/NAME] [--from DIR]` → exit status. */
export async function main(argv: string[], host: ReleaseHost = {}): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: "string" }, repo: { type: "string" }, from: { type: "string" } }, strict: true });
  if (!values.out) {
    process.stderr.write("release-self: --out DIR is required\n");
    return 2;
  }
  const from = values.from ?? path.join(ROOT, "dist", "targets");
  const version = upkeepVersion();
  try {
    // The executables are both the app (upkeep) and its own updater (upkeep-update updates upkeep).
    const files = release({
      app: "upkeep",
      version,
      repo: values.repo ?? "upkeep-dev/upkeep",
      binaries: from,
      updater: from,
      out: values.out,
      mtime: archiveTime(host),
    });
    process.stderr.write(`release-self: upkeep ${version} for ${readdirSync(from).length} targets, ${files.length} files in ${values.out}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`release-self: ${(error as Error).message}\n`);
    return 1;
  }
}
