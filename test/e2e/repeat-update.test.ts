// Bytes an update moves: releases 1.0.0, 2.0.0 and 3.0.0 of the test app all ship the same dist/upkeep
// build. installer.sh of 1.0.0 downloads it once (as its .xz) into the shared store; the updates to
// 2.0.0 and then 3.0.0 run their own installer.sh, which finds that build in the store and requests no
// updater at all. Counted from the fake GitHub's request log (paths and body bytes sent), not timed.
import { existsSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { releaseFromDir } from "../helpers/fake-app.js";
import type { LoggedRequest } from "../helpers/fake-github.js";
import { makeRelease } from "../helpers/installers.js";
import { runProcess as run } from "../helpers/run.js";
import { EXE as exe, makeWorld } from "../helpers/world.js";

const UPDATER = "axolotlsay-x86_64-unknown-linux-gnu-update";
const isUpdater = (file: string): boolean => /-update(\.xz|\.zip)?$/.test(file);

describe("repeat updates with the same upkeep build download no updater", () => {
  // The long timeout: releasing compresses the 100 MB updater with xz, a minute on a busy two-core machine.
  it("install 1.0.0 requests the updater once (its .xz); the updates to 2.0.0 and 3.0.0 request none", async () => {
    expect(existsSync(exe), "dist/upkeep is built by npm test").toBe(true);
    const upkeep = readFileSync(exe);
    const [v1, v2, v3] = ["1.0.0", "2.0.0", "3.0.0"].map((version) => makeRelease({ version, updater: () => upkeep })) as [string, string, string];
    const w = await makeWorld({
      installed: false,
      releases: [releaseFromDir(v3, "v3.0.0"), releaseFromDir(v2, "v2.0.0"), releaseFromDir(v1, "v1.0.0")],
      secrets: false,
    });
    // The downloads since the last call: each file asked for, and the body bytes sent for them.
    const phase = (): { files: string[]; bytes: number } => {
      const seen: LoggedRequest[] = w.gh.log.splice(0).filter((l) => l.bytes !== undefined);
      return { files: seen.map((l) => path.basename(l.path)), bytes: seen.reduce((n, l) => n + (l.bytes ?? 0), 0) };
    };

    const install = await run("sh", [path.join(v1, "axolotlsay-installer.sh")], w.env);
    expect(install.stderr).toBe("");
    expect(install.code).toBe(0);
    const installed = phase();
    expect(installed.files.filter(isUpdater)).toEqual([`${UPDATER}.xz`]);
    const packed = statSync(path.join(v1, `${UPDATER}.xz`)).size;
    expect(installed.bytes).toBe(packed + statSync(path.join(v1, "axolotlsay-x86_64-unknown-linux-gnu.tar.xz")).size);
    expect(packed).toBeLessThan(upkeep.length / 3);
    const link = readlinkSync(w.updater);
    expect(link).toMatch(new RegExp(`^${w.home}/\\.local/share/upkeep/[^/]+/upkeep$`));

    for (const [args, version] of [
      [["--version", "2.0.0"], "2.0.0"],
      [[], "3.0.0"],
    ] as const) {
      const up = await run(w.updater, [...args], w.env);
      expect(up.stderr.trimEnd().split("\n").at(-1)).toBe(`New release ${version} installed!`);
      expect(up.code).toBe(0);
      expect(w.version()).toBe(`axolotlsay ${version} x86_64-unknown-linux-gnu`);
      expect(JSON.parse(readFileSync(w.app.receiptPath, "utf8")).version).toBe(version);
      const update = phase();
      expect(update.files.filter(isUpdater)).toEqual([]);
      // What it did download: the installer (with its checksum) and the app's archive, nothing else.
      expect(update.files.filter((f) => !f.endsWith(".sha256") && f !== "sha256.sum").sort()).toEqual([
        "axolotlsay-installer.sh",
        "axolotlsay-x86_64-unknown-linux-gnu.tar.xz",
      ]);
      expect(update.bytes).toBeLessThan(64 * 1024);
      expect(readlinkSync(w.updater)).toBe(link);
    }
    expect((await run(w.updater, ["-V"], w.env)).stdout).toMatch(/^upkeep \d/);
  }, 300_000);
});
