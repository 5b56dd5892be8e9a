import { describe, expect, it } from "vitest";
import { jitter } from "../../src/cli/jitter.js";

describe("jitter", () => {
  it("waits the given seconds", async () => {
    const start = Date.now();
    await jitter(0.05, undefined);
    expect(Date.now() - start).toBeGreaterThanOrEqual(40);
  });
  it("Ctrl-C ends the wait at once with INTERRUPTED", async () => {
    const controller = new AbortController();
    const start = Date.now();
    const wait = jitter(60, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(wait).rejects.toMatchObject({ code: "INTERRUPTED", message: expect.stringContaining("--jitter") });
    expect(Date.now() - start).toBeLessThan(5000);
  });
  it("an already aborted signal does not wait at all", async () => {
    await expect(jitter(60, AbortSignal.abort())).rejects.toMatchObject({ code: "INTERRUPTED" });
  });
});
