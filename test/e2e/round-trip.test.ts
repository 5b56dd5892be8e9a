// The whole product, as an app author and a user meet it: release v1 and v2 of a tiny app with
// scripts/release.mjs (shipping the real dist/upkeep as <app>-<target>-update), publish both on the
// fake GitHub, install v1 with the rendered installer.sh, then run the installed axolotlsay-update.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { releaseFromDir } from "../helpers/fake-app.js";
import { makeRelease } from "../helpers/installers.js";
import { runProcess as run } from "../helpers/run.js";
import { EXE as exe, makeWorld } from "../helpers/world.js";

describe("round trip: release → install v1 → <app>-update → v2", () => {
  // The long timeout: releasing compresses the 100 MB updater with xz, a minute on a busy two-core machine.
  it("updates the app installed by our installer, rewrites the receipt and keeps the updater", async () => {
    expect(existsSync(exe), "dist/upkeep is built by npm test").toBe(true);
    const upkeep = readFileSync(exe);
    const v1 = makeRelease({ version: "1.0.0", aliases: ["axolotlsay=axolotl"], updater: () => upkeep });
    const v2 = makeRelease({ version: "2.0.0", aliases: ["axolotlsay=axolotl"], updater: () => upkeep });
    // Nothing installed yet: v1 is installed below by its own installer.sh.
    const {
      home,
      env,
      app: { bin, receiptPath },
      version: app,
    } = await makeWorld({ installed: false, releases: [releaseFromDir(v2, "v2.0.0"), releaseFromDir(v1, "v1.0.0")], secrets: false });

    const install = await run("sh", [path.join(v1, "axolotlsay-installer.sh")], env);
    expect(install.stderr).toBe("");
    expect(install.code).toBe(0);
    expect(app()).toBe("axolotlsay 1.0.0 x86_64-unknown-linux-gnu");
    expect(JSON.parse(readFileSync(receiptPath, "utf8")).version).toBe("1.0.0");

    const check = await run(path.join(bin, "axolotlsay-update"), ["--check", "--json"], env);
    expect(check.code).toBe(100);
    expect(JSON.parse(check.stdout)).toMatchObject({
      result: "update_available",
      old_version: "1.0.0",
      new_version: "2.0.0",
      install_prefix: path.join(home, ".cargo"),
    });

    const up = await run(path.join(bin, "axolotlsay-update"), [], env);
    expect(up.stderr.split("\n")[0]).toBe("Checking for updates...");
    expect(up.stderr).toContain(`installing to ${bin}`);
    expect(up.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    expect(up.code).toBe(0);
    expect(up.stderr).not.toContain("NO_CHECKSUM"); // the installer's own .sha256 was checked

    expect(app()).toBe("axolotlsay 2.0.0 x86_64-unknown-linux-gnu");
    expect(spawnSync(path.join(bin, "axolotl"), { encoding: "utf8" }).stdout.trim()).toBe("axolotlsay 2.0.0 x86_64-unknown-linux-gnu");
    const receipt = JSON.parse(readFileSync(receiptPath, "utf8"));
    expect(receipt).toMatchObject({ version: "2.0.0", install_prefix: path.join(home, ".cargo"), provider: { source: "upkeep" }, modify_path: true });
    expect((await run(path.join(bin, "axolotlsay-update"), ["-V"], env)).stdout).toMatch(/^upkeep \d/);
    const again = await run(path.join(bin, "axolotlsay-update"), ["--quiet"], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
    // The user's .profile got exactly one PATH line across install and update.
    expect(readFileSync(path.join(home, ".profile"), "utf8")).toBe('\n. "$HOME/.cargo/env"\n');
    // release.mjs knew the real build for upkeep, so the installer shared it through the store.
    expect(readlinkSync(path.join(bin, "axolotlsay-update"))).toMatch(new RegExp(`^${home}/\\.local/share/upkeep/[^/]+/upkeep$`));
  }, 300_000);
});
