// Hostile-input rows: mirrors — a static mirror's index and assets, over HTTP or as a directory.
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { installerScript } from "../helpers/fake-app.js";
import { writeMirror, type MirrorAsset, type World } from "../helpers/world.js";
import type { HostileRow } from "./row.js";

const installer = "axolotlsay-installer.sh";
const good = (): string => installerScript({ version: "2.0.0" });

/** A mirror holding 2.0.0 (and 1.0.0) whose installer asset is `asset`. */
function mirrorWith(w: World, asset: Partial<MirrorAsset> = {}): void {
  writeMirror(w.mirrorDir, [
    { tag: "v2.0.0", version: "2.0.0", assets: [{ name: installer, body: w.hostileInstaller(), ...asset }] },
    { tag: "v1.0.0", version: "1.0.0", assets: [{ name: installer, body: installerScript({ version: "1.0.0" }) }] },
  ]);
}

const viaHttp = (w: World) => w.run(["--json", "--source", w.mirror.url]);
const viaDir = (w: World) => w.run(["--json", "--source", w.mirrorDir]);

export const mirrorRows: HostileRow[] = [
  {
    name: "finding 5: a mirror asset without sha256 ran unverified before: NO_CHECKSUM refusal",
    setup: (w) => mirrorWith(w, { sha256: null }),
    run: viaHttp,
    exit: 1,
    code: "NO_CHECKSUM",
    message: "publishes no valid SHA-256",
  },
  {
    name: "finding 5: a mirror asset whose sha256 is not a SHA-256 ('zz…'): NO_CHECKSUM refusal",
    setup: (w) => mirrorWith(w, { sha256: "zz".repeat(32) }),
    run: viaDir,
    exit: 1,
    code: "NO_CHECKSUM",
  },
  {
    name: "a mirror asset whose sha256 differs from its bytes: CHECKSUM_MISMATCH",
    setup: (w) => mirrorWith(w, { sha256: "0".repeat(64) }),
    run: viaHttp,
    exit: 1,
    code: "CHECKSUM_MISMATCH",
  },
  {
    name: "finding 6: a remote mirror's asset path is file:///…/hostile.sh: refused",
    setup: (w) => {
      mirrorWith(w, { path: `file://${w.plantHostile()}` });
    },
    run: viaHttp,
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "file: scheme",
  },
  {
    name: "finding 6: a directory mirror's asset path climbs out with ../: refused",
    setup: (w) => {
      w.plantHostile();
      mirrorWith(w, { path: "../hostile.sh" });
    },
    run: viaDir,
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "outside the mirror directory",
  },
  {
    name: "finding 6: a directory mirror's asset path is absolute (/…/hostile.sh): refused",
    setup: (w) => {
      mirrorWith(w, { path: w.plantHostile() });
    },
    run: viaDir,
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "outside the mirror directory",
  },
  {
    name: "finding 6: a directory mirror's asset is a symlink out of the mirror: refused",
    setup: (w) => {
      mirrorWith(w, { path: "v2.0.0/link.sh" });
      mkdirSync(path.join(w.mirrorDir, "v2.0.0"), { recursive: true });
      symlinkSync(w.plantHostile(), path.join(w.mirrorDir, "v2.0.0", "link.sh"));
    },
    run: viaDir,
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "outside the mirror directory",
  },
  {
    name: "finding 11: a directory mirror's asset is a FIFO (hung for ever): refused at once",
    setup: (w) => {
      mirrorWith(w, { path: "v2.0.0/fifo.sh" });
      mkdirSync(path.join(w.mirrorDir, "v2.0.0"), { recursive: true });
      spawnSync("mkfifo", [path.join(w.mirrorDir, "v2.0.0", "fifo.sh")]);
    },
    run: viaDir,
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "not a regular file",
  },
  {
    name: "finding 11: a directory mirror's releases.json is a FIFO: refused at once",
    setup: (w) => {
      spawnSync("mkfifo", [path.join(w.mirrorDir, "releases.json")]);
    },
    run: viaDir,
    exit: 1,
    code: "DOWNLOAD_FAILED",
    message: "not a regular file",
  },
  {
    name: "finding 4: a mirror installer trickling at 1 byte/s with --timeout 1: TIMEOUT",
    setup: (w) => {
      mirrorWith(w, { path: "slow/axolotlsay-installer.sh" });
      w.mirror.handle(/^\/slow\//, (_q, res) => {
        res.writeHead(200, { "content-length": "100000" });
        const t = setInterval(() => res.write("#"), 1000);
        res.on("close", () => clearInterval(t));
      });
    },
    run: (w) => w.run(["--json", "--timeout", "1", "--source", w.mirror.url]),
    exit: 1,
    code: "TIMEOUT",
  },
  {
    name: "a mirror index that is an HTML page: SOURCE_UNSUPPORTED, nothing downloaded",
    setup: (w) => writeFileSync(path.join(w.mirrorDir, "releases.json"), "<!DOCTYPE html><html>oops</html>"),
    run: viaHttp,
    exit: 1,
    code: "SOURCE_UNSUPPORTED",
    check: (w) => expect(w.mirror.log.map((l) => l.path)).toEqual(["/releases.json"]),
  },
  {
    name: "control: a well-formed directory mirror still updates (the refusals above are not blanket)",
    setup: (w) => {
      writeMirror(w.mirrorDir, [
        { tag: "v2.0.0", version: "2.0.0", assets: [{ name: installer, body: good() }] },
        { tag: "v1.0.0", version: "1.0.0", assets: [{ name: installer, body: installerScript({ version: "1.0.0" }) }] },
      ]);
    },
    run: viaDir,
    exit: 0,
    code: null,
    result: "updated",
  },
];
