// The trust file on disk: absent is fine, anything unreadable is refused, writes are atomic and idempotent.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_TRUST_FILE_BYTES, readTrustFile, writeTrustFile } from "../../src/io/trust-file.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("readTrustFile", () => {
  it("no file (or no directory) is no pin", async () => {
    const dir = tmpDir();
    expect(await readTrustFile(path.join(dir, "hello.pub"))).toBeUndefined();
    expect(await readTrustFile(path.join(dir, "keys", "hello.pub"))).toBeUndefined();
  });
  it("reads a file's text", async () => {
    const file = path.join(tmpDir(), "hello.pub");
    writeFileSync(file, "untrusted comment: k\nRWQ\n");
    expect(await readTrustFile(file)).toBe("untrusted comment: k\nRWQ\n");
  });
  // [label, make the path] → SIGNATURE_INVALID naming it (a FIFO must not hang the run)
  const bad: [string, (dir: string) => string, string][] = [
    ["a directory", (dir) => (mkdirSync(path.join(dir, "hello.pub")), path.join(dir, "hello.pub")), "not a regular file"],
    ["a FIFO", (dir) => (execFileSync("mkfifo", [path.join(dir, "hello.pub")]), path.join(dir, "hello.pub")), "not a regular file"],
    ["too large", (dir) => (writeFileSync(path.join(dir, "hello.pub"), "x".repeat(MAX_TRUST_FILE_BYTES + 1)), path.join(dir, "hello.pub")), "over the"],
  ];
  for (const [label, make, part] of bad) {
    it(`refuses ${label}`, async () => {
      const file = make(tmpDir());
      await expect(readTrustFile(file)).rejects.toMatchObject({ code: "SIGNATURE_INVALID", message: expect.stringContaining(part) });
      await expect(readTrustFile(file)).rejects.toMatchObject({ message: expect.stringContaining(file) });
    });
  }
});

describe("writeTrustFile", () => {
  it("creates the directories, writes by rename, and leaves an identical file alone", async () => {
    const dir = tmpDir();
    const file = path.join(dir, "upkeep", "keys", "hello.pub");
    expect(await writeTrustFile(file, "one\n")).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("one\n");
    const inode = statSync(file).ino;
    expect(await writeTrustFile(file, "one\n")).toBe(false);
    expect(statSync(file).ino).toBe(inode);
    expect(await writeTrustFile(file, "two\n")).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("two\n");
    expect(statSync(file).ino).not.toBe(inode);
    expect(readdirSync(path.dirname(file))).toEqual(["hello.pub"]);
  });
  it("a place it cannot write is NOT_WRITABLE naming the file, with nothing left behind", async () => {
    // A path under a regular file: refused for every user, root included (CI runs as root).
    const dir = tmpDir();
    writeFileSync(path.join(dir, "file"), "");
    const file = path.join(dir, "file", "keys", "hello.pub");
    await expect(writeTrustFile(file, "k\n")).rejects.toMatchObject({ code: "NOT_WRITABLE", message: expect.stringContaining(file) });
    expect(readdirSync(dir)).toEqual(["file"]);
  });
});
