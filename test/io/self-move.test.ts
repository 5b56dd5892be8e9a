// The Windows rule (move the running .exe aside, put it back on failure, delete leftovers next time),
// exercised on this system's real files with the platform injected.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { moveSelfAside, removeStaleSelfCopies } from "../../src/io/self-move.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("moving the running updater aside (Windows)", () => {
  it("renames it to a unique .previous name, and restore puts it back over a new copy", async () => {
    const dir = tmpDir();
    const exe = path.join(dir, "axolotlsay-update.exe");
    writeFileSync(exe, "running updater");
    const moved = await moveSelfAside(exe, "win32");
    expect(moved.movedTo).toMatch(/axolotlsay-update\.previous-[0-9a-f]{12}\.exe$/);
    expect(existsSync(exe)).toBe(false);
    writeFileSync(exe, "half-installed new updater");
    await moved.restore();
    expect(readFileSync(exe, "utf8")).toBe("running updater");
    expect(readdirSync(dir)).toEqual(["axolotlsay-update.exe"]);
  });

  it("two runs never pick the same name", async () => {
    const dir = tmpDir();
    const exe = path.join(dir, "a-update.exe");
    writeFileSync(exe, "1");
    const first = await moveSelfAside(exe, "win32");
    writeFileSync(exe, "2");
    const second = await moveSelfAside(exe, "win32");
    expect(first.movedTo).not.toBe(second.movedTo);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it("does nothing on Linux and macOS", async () => {
    const dir = tmpDir();
    const exe = path.join(dir, "axolotlsay-update");
    writeFileSync(exe, "x");
    for (const platform of ["linux", "darwin"] as const) {
      const moved = await moveSelfAside(exe, platform);
      expect(moved.movedTo).toBeUndefined();
      await moved.restore();
      expect(readdirSync(dir)).toEqual(["axolotlsay-update"]);
      expect(await removeStaleSelfCopies(exe, platform)).toEqual([]);
    }
  });

  it("deletes stale .previous copies on the next start, and only those", async () => {
    const dir = tmpDir();
    const exe = path.join(dir, "axolotlsay-update.exe");
    for (const f of ["axolotlsay-update.exe", "axolotlsay-update.previous-aa11.exe", "axolotlsay-update.previous-bb22.exe", "other-update.previous-cc33.exe"]) {
      writeFileSync(path.join(dir, f), f);
    }
    const removed = await removeStaleSelfCopies(exe, "win32");
    expect(removed.map((f) => path.basename(f)).sort()).toEqual(["axolotlsay-update.previous-aa11.exe", "axolotlsay-update.previous-bb22.exe"]);
    expect(readdirSync(dir).sort()).toEqual(["axolotlsay-update.exe", "other-update.previous-cc33.exe"]);
  });

  it("a copy that cannot be deleted (still running) is left for next time", async () => {
    const dir = tmpDir();
    const exe = path.join(dir, "a-update.exe");
    const fs = {
      rename: async () => {},
      readdir: async () => ["a-update.previous-aa.exe"],
      unlink: async () => {
        throw Object.assign(new Error("EBUSY"), { code: "EBUSY" });
      },
    };
    expect(await removeStaleSelfCopies(exe, "win32", fs)).toEqual([]);
  });
});
