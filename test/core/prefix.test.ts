import { describe, expect, it } from "vitest";
import { receiptMatchesExecutable, samePath } from "../../src/core/prefix.js";

// [updater dir, receipt root, platform, match]
const cases: [string, string, NodeJS.Platform, boolean][] = [
  ["/home/u/.cargo/bin", "/home/u/.cargo", "linux", true],
  ["/home/u/.axolotlsay", "/home/u/.axolotlsay", "linux", true],
  ["/home/u/.cargo/bin", "/home/u/.cargo/bin", "linux", true],
  ["/home/u/.cargo/bin/", "/home/u/.cargo/", "linux", true],
  ["/opt/homebrew/bin", "/home/u/.cargo", "linux", false],
  ["/home/u/other/bin", "/home/u/.cargo", "linux", false],
  ["/Home/U/.cargo/bin", "/home/u/.cargo", "linux", false],
  ["C:\\Users\\U\\.cargo\\bin", "c:\\users\\u\\.cargo", "win32", true],
  ["C:\\Users\\U\\.cargo\\bin", "D:\\Users\\U\\.cargo", "win32", false],
];

describe("receiptMatchesExecutable", () => {
  for (const [dir, root, platform, match] of cases)
    it(`${dir} vs ${root} (${platform}) → ${match}`, () => expect(receiptMatchesExecutable(dir, root, platform)).toBe(match));
  it("keeps the root directory itself", () => expect(samePath("/", "/", "linux")).toBe(true));
});
