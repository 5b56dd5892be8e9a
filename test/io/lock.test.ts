import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatLock } from "../../src/core/lock.js";
import { acquireLock, pidAlive } from "../../src/io/lock.js";
import { tmpDir } from "../helpers/fake-app.js";

const deadPid = (): number => {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
};
const opts = (dir: string, waitMs = 200) => ({ dir, app: "axolotlsay", version: "0.1.0", waitMs });

describe("acquireLock", () => {
  it("takes the lock, writes who holds it, and releases it", async () => {
    const dir = path.join(tmpDir(), "locks");
    const lock = await acquireLock(opts(dir));
    expect(lock?.path).toBe(path.join(dir, "axolotlsay.lock"));
    expect(JSON.parse(readFileSync(lock!.path, "utf8"))).toMatchObject({ pid: process.pid, host: os.hostname(), app: "axolotlsay" });
    await lock!.release();
    expect(existsSync(lock!.path)).toBe(false);
  });

  it("a second taker waits, then fails with LOCKED naming the holder", async () => {
    const dir = tmpDir();
    const first = await acquireLock(opts(dir));
    const started = Date.now();
    await expect(acquireLock(opts(dir, 300))).rejects.toMatchObject({
      code: "LOCKED",
      message: expect.stringContaining(`pid ${process.pid} on ${os.hostname()}`),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    await first!.release();
  });

  it("gets the lock as soon as the holder releases it", async () => {
    const dir = tmpDir();
    const first = await acquireLock(opts(dir));
    setTimeout(() => void first!.release(), 200);
    const second = await acquireLock(opts(dir, 3000));
    expect(second).toBeDefined();
    await second!.release();
  });

  // [label, lock file contents]
  const stale: [string, () => string][] = [
    ["a dead process on this host", () => formatLock({ pid: deadPid(), host: os.hostname(), started: Date.now(), app: "axolotlsay", version: "0.0.1" })],
    [
      "a lock over an hour old",
      () => formatLock({ pid: process.pid, host: os.hostname(), started: Date.now() - 2 * 3600_000, app: "axolotlsay", version: "0.0.1" }),
    ],
    ["an unreadable lock file", () => "garbage"],
    // A dead holder whose pid the system handed to this process (wine reuses the lowest free pid).
    [
      "this process's own pid, but not a lock it holds",
      () => formatLock({ pid: process.pid, host: os.hostname(), started: Date.now() - 5000, app: "axolotlsay", version: "0.0.1" }),
    ],
  ];
  for (const [label, contents] of stale) {
    it(`takes over a stale lock: ${label}`, async () => {
      const dir = tmpDir();
      writeFileSync(path.join(dir, "axolotlsay.lock"), contents());
      const lock = await acquireLock(opts(dir, 0));
      expect(JSON.parse(readFileSync(lock!.path, "utf8")).pid).toBe(process.pid);
      await lock!.release();
    });
  }

  it("does not release a lock someone else took over", async () => {
    const dir = tmpDir();
    const lock = await acquireLock(opts(dir));
    writeFileSync(lock!.path, "someone else's");
    await lock!.release();
    expect(readFileSync(lock!.path, "utf8")).toBe("someone else's");
  });

  it("an unwritable lock directory gives no lock instead of failing the update", async () => {
    const file = path.join(tmpDir(), "a-file");
    writeFileSync(file, "");
    expect(await acquireLock(opts(path.join(file, "locks")))).toBeUndefined();
  });

  // [label, what to plant at the lock path, part of the LOCKED message]
  const unusable: [string, (file: string) => void, string][] = [
    ["a dangling symlink", (f) => symlinkSync(path.join(path.dirname(f), "nowhere"), f), "is a symbolic link, not a lock file"],
    ["a symlink to a file (never followed)", (f) => (writeFileSync(`${f}.target`, "x"), symlinkSync(`${f}.target`, f)), "is a symbolic link, not a lock file"],
    ["a directory", (f) => mkdirSync(f), "is a directory, not a lock file"],
    ["a FIFO", (f) => void spawnSync("mkfifo", [f]), "is a FIFO, not a lock file"],
    [
      "another user's file (or, not as root, one this user cannot read)",
      (f) => {
        writeFileSync(f, "x", { mode: 0o600 });
        if (process.getuid?.() === 0) chownSync(f, 65534, 65534);
        else chmodSync(f, 0);
      },
      process.getuid?.() === 0 ? "belongs to another user (uid 65534)" : "cannot be read by you",
    ],
  ];
  for (const [label, plant, message] of unusable) {
    it(`${label} at the lock path fails at once with LOCKED, naming it and how to clear it`, async () => {
      const dir = tmpDir();
      const file = path.join(dir, "axolotlsay.lock");
      plant(file);
      const started = Date.now();
      const error = await acquireLock(opts(dir, 30_000)).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toMatchObject({
        code: "LOCKED",
        message: `Cannot take the lock for updating axolotlsay: ${file} ${message}.`,
        hint: expect.stringContaining(`rm -rf ${file}`),
      });
      expect(existsSync(path.join(dir, "nowhere")), "a symlink was followed").toBe(false);
      if (existsSync(`${file}.target`)) expect(readFileSync(`${file}.target`, "utf8")).toBe("x");
    });
  }

  it("aborting the wait stops it at once with INTERRUPTED", async () => {
    const dir = tmpDir();
    const first = await acquireLock(opts(dir));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(acquireLock({ ...opts(dir, 30_000), signal: controller.signal })).rejects.toMatchObject({ code: "INTERRUPTED" });
    expect(Date.now() - started).toBeLessThan(1000);
    await first!.release();
  });

  it("pidAlive", () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(deadPid())).toBe(false);
    mkdirSync(path.join(tmpDir(), "x"));
  });
});
