// The round trip release → install → update with another updater than upkeep as <app>-<target>-update:
// an axoupdater-like script that, as axoupdater's check_receipt_is_for_this_executable does, finds
// itself by its resolved path (current_exe, canonicalized) and updates only when that lies in the
// receipt's install prefix. Linked from upkeep's shared store it sits outside the prefix and refuses
// ("Already up to date"); installed as a plain file, as our installers now install any updater that is
// not upkeep, it updates.
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UPKEEP_MARKER } from "../../src/release/render.js";
import { releaseFromDir } from "../helpers/fake-app.js";
import { makeRelease } from "../helpers/installers.js";
import { runProcess as run } from "../helpers/run.js";
import { makeWorld } from "../helpers/world.js";

// axoupdater's rule: the updater's directory (its parent when that is bin/ and the prefix is not)
// must equal the canonical receipt prefix; the newest release's installer is then run into the prefix.
const AXO_LIKE = `#!/bin/sh
set -eu
self=$(readlink -f "$0")
receipt="\${XDG_CONFIG_HOME:-$HOME/.config}/axolotlsay/axolotlsay-receipt.json"
prefix=$(sed -n 's/.*"install_prefix":"\\([^"]*\\)".*/\\1/p' "$receipt")
prefix=$(readlink -f "$prefix")
current=$(sed -n 's/.*"version":"\\([^"]*\\)".*/\\1/p' "$receipt")
root=$(dirname "$self")
if [ "$(basename "$root")" = bin ] && [ "$(basename "$prefix")" != bin ]; then root=$(dirname "$root"); fi
latest=$(curl -fsS "$AXOLOTLSAY_INSTALLER_GHE_BASE_URL/api/v3/repos/axodotdev/axolotlsay/releases/latest" | tr ',' '\\n')
tag=$(printf '%s\\n' "$latest" | sed -n 's/.*"tag_name":"v\\([^"]*\\)".*/\\1/p')
if [ "$root" != "$prefix" ] || [ "$tag" = "$current" ]; then
  echo "Already up to date; not upgrading" >&2
  exit 0
fi
url=$(printf '%s\\n' "$latest" | sed -n 's/.*"browser_download_url":"\\([^"]*\\/axolotlsay-installer\\.sh\\)".*/\\1/p')
tmp=$(mktemp -d)
curl -fsSL -o "$tmp/installer.sh" "$url"
CARGO_DIST_FORCE_INSTALL_DIR="$prefix" AXOLOTLSAY_INSTALL_DIR="$prefix" sh "$tmp/installer.sh" >&2
rm -rf "$tmp"
echo "New release $tag installed!" >&2
`;

describe("round trip with an axoupdater-like updater (it finds itself by its resolved path)", () => {
  // [label, the updater shipped, what the update does, the version after it]
  const cases: [string, string, string, string][] = [
    ["installed as a plain file in the bin dir: it updates", AXO_LIKE, "New release 2.0.0 installed!", "2.0.0"],
    // The old behaviour, planted: the same script marked as upkeep, so the installer links it from the store.
    ["control: linked from the shared store (the old behaviour), it refuses", `${AXO_LIKE}# ${UPKEEP_MARKER}\n`, "Already up to date; not upgrading", "1.0.0"],
  ];
  for (const [label, updater, says, after] of cases) {
    it(label, async () => {
      const v1 = makeRelease({ version: "1.0.0", updater: () => updater });
      const v2 = makeRelease({ version: "2.0.0", updater: () => updater });
      const w = await makeWorld({ installed: false, releases: [releaseFromDir(v2, "v2.0.0"), releaseFromDir(v1, "v1.0.0")], secrets: false });
      const install = await run("sh", [path.join(v1, "axolotlsay-installer.sh")], w.env);
      expect(install.stderr).toBe("");
      expect(install.code).toBe(0);
      expect(w.version()).toBe("axolotlsay 1.0.0 x86_64-unknown-linux-gnu");
      const shared = after === "1.0.0";
      expect(lstatSync(w.updater).isSymbolicLink()).toBe(shared);
      if (shared) expect(readlinkSync(w.updater)).toMatch(new RegExp(`^${w.home}/\\.local/share/upkeep/`));

      const up = await run(w.updater, [], w.env);
      expect(up.code).toBe(0);
      expect(up.stderr.trimEnd().split("\n").at(-1)).toBe(says);
      expect(w.version()).toBe(`axolotlsay ${after} x86_64-unknown-linux-gnu`);
      expect(JSON.parse(readFileSync(w.app.receiptPath, "utf8")).version).toBe(after);
      if (shared) return;
      // Updated by its own installer: still a plain file, and now up to date.
      expect(lstatSync(w.updater).isFile()).toBe(true);
      expect((await run(w.updater, [], w.env)).stderr).toBe("Already up to date; not upgrading\n");
    });
  }
});
