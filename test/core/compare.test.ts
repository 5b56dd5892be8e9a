import { describe, expect, it } from "vitest";
import { compareVersions } from "../../src/core/compare.js";

describe("compareVersions (Rust semver order: build metadata counts)", () => {
  // [a, b, sign]
  const cases: [string, string, number][] = [
    ["1.0.0", "1.0.1", -1],
    ["1.0.0-beta.1", "1.0.0", -1],
    ["1.0.0-beta.2", "1.0.0-beta.10", -1],
    ["1.0.0", "1.0.0+build", -1],
    ["2.0.0", "1.9.9", 1],
    ["1.0.0", "1.0.0", 0],
  ];
  for (const [a, b, sign] of cases) it(`${a} vs ${b} → ${sign}`, () => expect(compareVersions(a, b)).toBe(sign));
});
