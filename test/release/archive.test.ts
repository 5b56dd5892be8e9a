import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packUpdater, tar, xz, zip, type ArchiveEntry } from "../../src/release/archive.js";
import { tmpDir } from "../helpers/fake-app.js";

const MTIME = 1_700_000_000;
const entries: ArchiveEntry[] = [
  { name: "app-x/app", data: Buffer.from("#!/bin/sh\necho app\n"), mode: 0o755 },
  { name: "app-x/README", data: Buffer.alloc(513, "r"), mode: 0o644 },
];

describe("tar + xz", () => {
  it("writes a ustar archive that tar lists and extracts, with modes, directories and the timestamp", () => {
    const dir = tmpDir();
    const file = path.join(dir, "a.tar.xz");
    writeFileSync(file, xz(tar(entries, MTIME)));
    const list = spawnSync("tar", ["--utc", "-tvJf", file], { encoding: "utf8" }).stdout;
    expect(list).toMatch(/^drwxr-xr-x root\/root +0 2023-11-14 22:13 app-x\/$/m);
    expect(list).toMatch(/^-rwxr-xr-x root\/root +19 2023-11-14 22:13 app-x\/app$/m);
    expect(list).toMatch(/^-rw-r--r-- root\/root +513 .* app-x\/README$/m);
    expect(spawnSync("tar", ["-xJf", file, "-C", dir]).status).toBe(0);
    expect(readFileSync(path.join(dir, "app-x", "README"))).toEqual(entries[1]!.data);
  });

  it("is reproducible and refuses names ustar cannot hold", () => {
    expect(tar(entries, MTIME)).toEqual(tar(entries, MTIME));
    expect(() => tar([{ name: "x".repeat(101), data: Buffer.alloc(0), mode: 0o644 }], MTIME)).toThrow("too long for ustar");
  });
});

describe("zip", () => {
  it("writes an archive unzip tests, lists and extracts", () => {
    const dir = tmpDir();
    const file = path.join(dir, "a.zip");
    writeFileSync(file, zip(entries, MTIME));
    expect(spawnSync("unzip", ["-tq", file], { encoding: "utf8" }).status).toBe(0);
    expect(spawnSync("unzip", ["-Z", "-l", file], { encoding: "utf8" }).stdout).toMatch(/^-rwxr-xr-x .* app-x\/app$/m);
    expect(spawnSync("unzip", ["-p", file, "app-x/app"], { encoding: "utf8" }).stdout).toBe("#!/bin/sh\necho app\n");
    expect(zip(entries, MTIME)).toEqual(zip(entries, MTIME));
  });
});

describe("packUpdater", () => {
  it("compresses an updater as xz, or as a zip of one entry, once per build and form", () => {
    const dir = tmpDir();
    const updater = Buffer.from("#!/bin/sh\necho updater\n");
    const packed = packUpdater(updater);
    writeFileSync(path.join(dir, "u.xz"), packed);
    expect(spawnSync("xz", ["-dc", path.join(dir, "u.xz")], { encoding: "utf8" }).stdout).toBe(updater.toString());
    const zipped = packUpdater(updater, { name: "app-update.exe", mtime: MTIME });
    writeFileSync(path.join(dir, "u.zip"), zipped);
    expect(spawnSync("unzip", ["-Z1", path.join(dir, "u.zip")], { encoding: "utf8" }).stdout).toBe("app-update.exe\n");
    expect(spawnSync("unzip", ["-p", path.join(dir, "u.zip"), "app-update.exe"], { encoding: "utf8" }).stdout).toBe(updater.toString());
    // The same build again is the result already made (the same buffer), not compressed anew.
    expect(packUpdater(Buffer.from(updater))).toBe(packed);
    expect(packUpdater(updater, { name: "app-update.exe", mtime: MTIME })).toBe(zipped);
    expect(packUpdater(updater, { name: "other-update.exe", mtime: MTIME })).not.toBe(zipped);
  });

  it("keeps the xz form in a cache directory, uses a kept file only if it unpacks to the build, and keeps the newest 4", () => {
    const cache = tmpDir();
    const build = Buffer.from(`#!/bin/sh\necho cached ${Math.random()}\n`);
    const digest = createHash("sha256").update(build).digest("hex");
    const made = packUpdater(build, undefined, cache);
    const kept = path.join(cache, `${digest}.xz`);
    expect(readFileSync(kept)).toEqual(made);
    // Four other builds push this one out of the in-process memo, so the next call reads the cache.
    const evict = () => {
      for (let i = 0; i < 4; i++) packUpdater(Buffer.from(`other ${i} ${Math.random()}`));
    };
    const otherForm = execFileSync("xz", ["-0", "-c"], { input: build }); // unpacks to the build too, other bytes
    expect(otherForm).not.toEqual(made);
    writeFileSync(kept, otherForm);
    evict();
    expect(packUpdater(build, undefined, cache)).toEqual(otherForm);
    // A kept file that unpacks to something else is not used: the build is compressed again.
    writeFileSync(kept, execFileSync("xz", ["-c"], { input: Buffer.from("not the build") }));
    evict();
    expect(packUpdater(build, undefined, cache)).toEqual(made);
    expect(readFileSync(kept)).toEqual(made);
    for (let i = 0; i < 5; i++) packUpdater(Buffer.from(`build ${i} ${Math.random()}`), undefined, cache);
    expect(readdirSync(cache).filter((f) => f.endsWith(".xz"))).toHaveLength(4);
  });
});
