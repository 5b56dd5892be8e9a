import { describe, expect, it } from "vitest";
import { parseTimeout } from "../../src/core/timeout.js";

describe("parseTimeout", () => {
  for (const [text, want] of [
    ["30", 30],
    ["0.1", 0.1],
    ["3600", 3600],
    [" 5 ", 5],
    ["3601", undefined],
    ["0.09", undefined],
    ["-1", undefined],
    ["1e3", undefined],
    ["", undefined],
  ] as const) {
    it(`"${text}" → ${want}`, () => expect(parseTimeout(text)).toBe(want));
  }
});
