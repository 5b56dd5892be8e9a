import { describe, expect, it } from "vitest";
import { describeHolder, formatLock, isStale, LOCK_MAX_AGE_MS, parseLock, type LockRecord } from "../../src/core/lock.js";

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
