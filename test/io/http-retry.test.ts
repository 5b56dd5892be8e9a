import { describe, expect, it } from "vitest";
import { backoff, retryAfterMs, sleep } from "../../src/io/http-retry.js";

describe("retryAfterMs", () => {
  // [header, now, expected ms]
  const cases: [string | undefined, number, number | undefined][] = [
    ["5", 0, 5000],
    ["0", 0, 0],
    [undefined, 0, undefined],
    ["", 0, undefined],
    ["soon", 0, undefined],
    ["Thu, 01 Jan 1970 00:00:10 GMT", 4000, 6000],
    ["Thu, 01 Jan 1970 00:00:10 GMT", 20_000, 0],
  ];
  for (const [value, now, want] of cases) it(`${value} → ${want}`, () => expect(retryAfterMs(value, now)).toBe(want));
});

describe("backoff", () => {
  it("doubles per attempt and stays between half and all of the ceiling", () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      const ceiling = 400 * 2 ** (attempt - 1);
      for (let i = 0; i < 50; i++) {
        const wait = backoff(400, attempt);
        expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe("sleep", () => {
  it("waits, or ends at once when the signal aborts", async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const cut = Date.now();
    setTimeout(() => controller.abort(), 10);
    await sleep(10_000, controller.signal);
    expect(Date.now() - cut).toBeLessThan(2000);
  });
});
