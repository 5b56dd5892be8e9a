import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../src/core/suggest.js";

describe("editDistance", () => {
  // [a, b, distance]
  const cases: [string, string, number][] = [
    ["", "", 0],
    ["dry-run", "dry-run", 0],
    ["dry-rn", "dry-run", 1],
    ["dyr-run", "dry-run", 1],
    ["verison", "version", 1],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
  ];
  for (const [a, b, d] of cases) it(`${a} ~ ${b} = ${d}`, () => expect(editDistance(a, b)).toBe(d));
});

describe("closest", () => {
  const flags = ["tag", "version", "prerelease", "check", "dry-run", "json", "quiet", "force", "timeout", "token"];
  // [word, suggestion]
  const cases: [string, string | undefined][] = [
    ["dry-rn", "dry-run"],
    ["dryrun", "dry-run"],
    ["verison", "version"],
    ["Json", "json"],
    ["tga", "tag"],
    ["frobnicate", undefined],
    ["tokn", "token"],
    ["xyz", undefined],
  ];
  for (const [word, want] of cases) it(`${word} → ${want ?? "nothing"}`, () => expect(closest(word, flags)).toBe(want));
  it("a tie suggests nothing", () => expect(closest("ab", ["aa", "bb"])).toBeUndefined());
});
