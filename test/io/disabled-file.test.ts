import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDisabledFile } from "../../src/io/disabled-file.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("readDisabledFile", () => {
  it("no file, or a dangling link: nothing", async () => {
    const dir = tmpDir();
    expect(await readDisabledFile(path.join(dir, "hello-update.disabled"), 4096)).toBeUndefined();
    symlinkSync(path.join(dir, "gone"), path.join(dir, "dangling"));
    expect(await readDisabledFile(path.join(dir, "dangling"), 4096)).toBeUndefined();
    expect(await readDisabledFile(path.join(dir, "not-a-dir", "x"), 4096)).toBeUndefined();
  });

  it("reads the text, at most `limit` bytes, through a link", async () => {
    const dir = tmpDir();
    const file = path.join(dir, "hello-update.disabled");
    writeFileSync(file, "installed by Nix\n");
    expect(await readDisabledFile(file, 4096)).toEqual({ text: "installed by Nix\n" });
    writeFileSync(file, "x".repeat(10_000));
    expect(await readDisabledFile(file, 4096)).toEqual({ text: "x".repeat(4096) });
    symlinkSync(file, path.join(dir, "link"));
    expect(await readDisabledFile(path.join(dir, "link"), 3)).toEqual({ text: "xxx" });
    writeFileSync(file, "");
    expect(await readDisabledFile(file, 4096)).toEqual({ text: "" });
  });

  // Running as root, a mode of 000 does not stop a read; a loop of links and non-files stand for "unreadable".
  it("there but unreadable: a directory, a FIFO (without blocking), a loop of links", async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, "a-dir"));
    expect(await readDisabledFile(path.join(dir, "a-dir"), 4096)).toEqual({ problem: "not a regular file" });
    expect(spawnSync("mkfifo", [path.join(dir, "fifo")]).status).toBe(0);
    expect(await readDisabledFile(path.join(dir, "fifo"), 4096)).toEqual({ problem: "not a regular file" });
    symlinkSync(path.join(dir, "loop-b"), path.join(dir, "loop-a"));
    symlinkSync(path.join(dir, "loop-a"), path.join(dir, "loop-b"));
    expect(await readDisabledFile(path.join(dir, "loop-a"), 4096)).toEqual({ problem: "ELOOP" });
  });
});
