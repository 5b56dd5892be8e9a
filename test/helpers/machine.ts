// The world of `upkeep` under its own name (test/cli/machine/): two apps in one HOME, each published
// on its own fake GitHub.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { runCliWith } from "./cli.js";
import { fakeRelease, installedApp } from "./fake-app.js";
import { startFakeGithub } from "./fake-github.js";

/** Two apps (axolotlsay 1.0.0 → 2.0.0, otherapp 4.0.0 → 5.0.0) with their updaters, and `upkeep` to run. */
export async function machineWorld(o: { otherFails?: boolean; otherPrelude?: string } = {}) {
  const ghA = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")] });
  const ghB = await startFakeGithub({
    repo: "otherapp",
    releases: [
      fakeRelease("5.0.0", {
        app: "otherapp",
        repo: "otherapp",
        ...(o.otherFails ? { prelude: "echo 'no space left' >&2; exit 4" } : o.otherPrelude ? { prelude: o.otherPrelude } : {}),
      }),
    ],
  });
  const a = installedApp();
  const b = installedApp({
    app: "otherapp",
    version: "4.0.0",
    home: a.home,
    receipt: { source: { app_name: "otherapp", name: "otherapp", owner: "axodotdev", release_type: "github" } },
  });
  const updater = (app: string) => {
    writeFileSync(path.join(a.bin, `${app}-update`), '#!/bin/sh\n[ "$1" = -V ] && echo "upkeep 0.1.0"\nexit 0\n', { mode: 0o755 });
  };
  updater("axolotlsay");
  updater("otherapp");
  const env = { ...a.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: ghA.gheBase, OTHERAPP_INSTALLER_GHE_BASE_URL: ghB.gheBase };
  const upkeep = (argv: string[]) => runCliWith({ argv, env, invokedAs: "/usr/local/bin/upkeep" });
  const version = (app: string) => spawnSync(path.join(a.bin, app), { encoding: "utf8" }).stdout.trim();
  return { a, b, env, upkeep, version, ghA, ghB };
}
