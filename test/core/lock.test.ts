import { describe, expect, it } from "vitest";
import {
  clearLockCommand,
  describeHolder,
  formatLock,
  isStale,
  LOCK_MAX_AGE_MS,
  parseLock,
  unusableLock,
  type LockPathInfo,
  type LockRecord,
} from "../../src/core/lock.js";

const now = 1_700_000_000_000;
const rec = (o: Partial<LockRecord> = {}): LockRecord => ({ pid: 42, host: "box", started: now - 1000, app: "a", version: "0.1.0", ...o });

describe("lock records", () => {
  it("round-trip and reject garbage", () => {
    expect(parseLock(formatLock(rec()))).toEqual(rec());
    expect(parseLock("not json")).toBeUndefined();
    expect(parseLock('{"pid":"1"}')).toBeUndefined();
  });

  // [label, record, alive pids, stale?]
  const cases: [string, LockRecord | undefined, number[], boolean][] = [
    ["held by a live process here", rec(), [42], false],
    ["held by a dead process here", rec(), [], true],
    ["unreadable", undefined, [], true],
    ["another host, even if that pid is dead here", rec({ host: "other" }), [], false],
    ["older than the maximum age, even if alive", rec({ started: now - LOCK_MAX_AGE_MS - 1 }), [42], true],
  ];
  for (const [label, record, alive, stale] of cases) {
    it(`${label} → ${stale ? "stale" : "held"}`, () => expect(isStale(record, now, "box", (p) => alive.includes(p))).toBe(stale));
  }

  it("names the holder", () => {
    expect(describeHolder(rec(), now)).toBe("pid 42 on box (upkeep 0.1.0, running for 1 s)");
    expect(describeHolder(undefined, now)).toBe("an unknown process");
  });
});

describe("lock paths", () => {
  // [what is at the lock path, my uid, problem or undefined]
  const cases: [LockPathInfo, number | undefined, string | undefined][] = [
    [{ kind: "file", uid: 1000 }, 1000, undefined],
    [{ kind: "file", uid: 0 }, 1000, "belongs to another user (uid 0)"],
    [{ kind: "file", uid: 65534 }, 0, "belongs to another user (uid 65534)"],
    [{ kind: "file", uid: 1000, unreadable: true }, 1000, "cannot be read by you"],
    [{ kind: "file", uid: undefined }, undefined, undefined],
    [{ kind: "symlink", uid: 1000 }, 1000, "is a symbolic link, not a lock file"],
    [{ kind: "directory", uid: 1000 }, 1000, "is a directory, not a lock file"],
    [{ kind: "fifo", uid: 1000 }, 1000, "is a FIFO, not a lock file"],
    [{ kind: "device", uid: 0 }, 1000, "is a device, not a lock file"],
  ];
  for (const [info, uid, problem] of cases) {
    it(`${info.kind} of uid ${info.uid}${info.unreadable ? ", unreadable" : ""}, for uid ${uid} → ${problem ?? "a lock"}`, () =>
      expect(unusableLock(info, uid)).toBe(problem));
  }

  it("the command that clears it: sudo only for another user's path, quoted when needed", () => {
    expect(clearLockCommand("/h/.cache/upkeep/locks/a.lock", { kind: "directory", uid: 1000 }, 1000, "linux")).toBe("rm -rf /h/.cache/upkeep/locks/a.lock");
    expect(clearLockCommand("/h/.cache/upkeep/locks/a.lock", { kind: "file", uid: 0 }, 1000, "linux")).toBe("sudo rm -rf /h/.cache/upkeep/locks/a.lock");
    expect(clearLockCommand("/h/.cache/upkeep/locks/a.lock", { kind: "file", uid: 1000 }, 0, "linux")).toBe("rm -rf /h/.cache/upkeep/locks/a.lock");
    expect(clearLockCommand("/h/my cache/it's.lock", { kind: "fifo", uid: 1 }, 1, "linux")).toBe(`rm -rf '/h/my cache/it'\\''s.lock'`);
    expect(clearLockCommand("C:\\u\\a.lock", { kind: "directory", uid: undefined }, undefined, "win32")).toBe("Remove-Item -Recurse -Force 'C:\\u\\a.lock'");
  });
});
