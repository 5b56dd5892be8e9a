import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tar, xz, zip, type ArchiveEntry } from "../../src/release/archive.js";
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
