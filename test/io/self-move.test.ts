// The Windows rule (move the running .exe aside, put it back on failure, delete leftovers next time),
// exercised on this system's real files with the platform injected.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { restoreBackup } from "../../src/io/backup.js";
import { moveSelfAside, removeStaleSelfCopies, renameOverRunning } from "../../src/io/self-move.js";
import { tmpDir } from "../helpers/fake-app.js";

// Windows' rule for a running .exe, on this system's files: it can be renamed (and keeps running under
// its new name), but not replaced, overwritten or deleted. `running` holds the paths of running images.
const running = vi.hoisted(() => new Set<string>());
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const { existsSync: exists } = await import("node:fs");
  const refuse = (op: string, file: string) => Object.assign(new Error(`EPERM: operation not permitted, ${op} '${file}'`), { code: "EPERM" });
  return {
    ...real,
    rename: async (from: string, to: string) => {
      if (running.has(to) && exists(to)) throw refuse("rename", to);
      await real.rename(from, to);
      if (running.delete(from)) running.add(to);
    },
    unlink: async (file: string) => {
      if (running.has(file)) throw refuse("unlink", file);
      return real.unlink(file);
    },
    copyFile: async (from: string, to: string, mode?: number) => {
      if (running.has(to)) throw refuse("copyfile", to);
      return real.copyFile(from, to, mode);
    },
  };
});
beforeEach(() => running.clear());

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

describe("restoring over the running updater (Windows; found under wine)", () => {
  // A killed update's backup, holding the old updater, beside `<app>-update.exe`.
  function killedUpdate(files: Record<string, string>) {
    const bin = tmpDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(bin, name), text);
    const dir = path.join(bin, ".axolotlsay-upkeep-backup-x");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "0-axolotlsay-update.exe"), "old updater");
    const exe = path.join(bin, "axolotlsay-update.exe");
    return { bin, exe, backup: { dir, entries: [{ original: exe, kind: "file" as const, saved: path.join(dir, "0-axolotlsay-update.exe"), mode: 0o755 }] } };
  }

  it("killed after the installer copied the new updater: the recovering (new) updater renames itself aside, the old one is put back", async () => {
    const { bin, exe, backup } = killedUpdate({
      "axolotlsay-update.exe": "new updater",
      "axolotlsay-update.previous-aa11.exe": "old updater, moved aside by the killed run",
    });
    running.add(exe);
    expect(await restoreBackup(backup)).toEqual([exe]);
    expect(readFileSync(exe, "utf8")).toBe("old updater");
    const aside = readdirSync(bin).filter((f) => f !== "axolotlsay-update.previous-aa11.exe" && f.includes(".previous-"));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(bin, aside[0]!), "utf8")).toBe("new updater");
    expect(running.has(path.join(bin, aside[0]!))).toBe(true);
    // The next run deletes the killed run's copy; the one still running stays until the run after.
    expect((await removeStaleSelfCopies(exe, "win32")).map((f) => path.basename(f))).toEqual(["axolotlsay-update.previous-aa11.exe"]);
    running.clear();
    expect((await removeStaleSelfCopies(exe, "win32")).map((f) => path.basename(f))).toEqual(aside);
    expect(readdirSync(bin)).toEqual(["axolotlsay-update.exe"]);
  });

  it("killed between the self-move and the installer's copy: run as the .previous copy, recovery puts <app>-update.exe back", async () => {
    const { bin, exe, backup } = killedUpdate({ "axolotlsay-update.previous-aa11.exe": "old updater" });
    running.add(path.join(bin, "axolotlsay-update.previous-aa11.exe"));
    expect(await restoreBackup(backup)).toEqual([exe]);
    expect(readFileSync(exe, "utf8")).toBe("old updater");
    expect(readdirSync(bin).sort()).toEqual(["axolotlsay-update.exe", "axolotlsay-update.previous-aa11.exe"]);
  });

  it("killed before the installer replaced it: the running updater is byte-identical to its backup and is left alone", async () => {
    const { bin, exe, backup } = killedUpdate({ "axolotlsay-update.exe": "old updater" });
    running.add(exe);
    expect(await restoreBackup(backup)).toEqual([exe]);
    expect(readFileSync(exe, "utf8")).toBe("old updater");
    expect(readdirSync(bin)).toEqual(["axolotlsay-update.exe"]);
  });

  it("renameOverRunning: a plain rename when allowed; another busy file (not an updater) is an error as before", async () => {
    const bin = tmpDir();
    for (const f of ["a", "b", "axolotlsay.exe"]) writeFileSync(path.join(bin, f), f);
    await renameOverRunning(path.join(bin, "a"), path.join(bin, "b"));
    expect(readdirSync(bin).sort()).toEqual(["axolotlsay.exe", "b"]);
    running.add(path.join(bin, "axolotlsay.exe"));
    await expect(renameOverRunning(path.join(bin, "b"), path.join(bin, "axolotlsay.exe"))).rejects.toMatchObject({ code: "EPERM" });
    expect(readdirSync(bin).sort()).toEqual(["axolotlsay.exe", "b"]);
  });

  it("renameOverRunning: if the second rename fails too, the running updater is put back under its name", async () => {
    const calls: string[] = [];
    const fs = {
      readdir: async () => [],
      unlink: async () => {},
      rename: async (from: string, to: string) => {
        calls.push(`${path.basename(from)} -> ${path.basename(to)}`);
        if (from.endsWith("saved") || to === "/b/a-update.exe") throw Object.assign(new Error("busy"), { code: "EBUSY" });
      },
    };
    await expect(renameOverRunning("/b/saved", "/b/a-update.exe", fs)).rejects.toMatchObject({ code: "EBUSY" });
    expect(calls).toEqual([
      expect.stringMatching(/^saved -> a-update\.exe$/),
      expect.stringMatching(/^a-update\.exe -> a-update\.previous-[0-9a-f]{12}\.exe$/),
      "saved -> a-update.exe",
      expect.stringMatching(/^a-update\.previous-[0-9a-f]{12}\.exe -> a-update\.exe$/),
    ]);
  });
});
