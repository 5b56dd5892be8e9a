import { describe, expect, it } from "vitest";
import { strictVersion, versionFromArgument, versionFromTag } from "../../src/core/version.js";

// axotag's acceptance table for package "axolotlsay" (axoupdater.md §9.5): [tag, version or undefined]
const tags: [string, string | undefined][] = [
  ["1.0.0", "1.0.0"],
  ["v1.0.0", "1.0.0"],
  ["axolotlsay-v1.0.0", "1.0.0"],
  ["axolotlsay-1.0.0", "1.0.0"],
  ["v1.0.0-prerelease.1", "1.0.0-prerelease.1"],
  ["axolotlsay-v1.0.0-prerelease.1", "1.0.0-prerelease.1"],
  ["release/v1.0.0", "1.0.0"],
  ["release/1.0.0", "1.0.0"],
  ["release/axolotlsay-v1.0.0", "1.0.0"],
  ["releases/axolotlsay/v1.0.0", "1.0.0"],
  ["axolotlsay/v1.0.0", "1.0.0"],
  ["releases/axolotlsay/1.0.0", "1.0.0"],
  ["blah/blah/releases/axolotlsay/1.0.0", "1.0.0"],
  ["axolotlsay/1.0.0", "1.0.0"],
  ["otherapp/1.0.0", "1.0.0"],
  ["v1.2.3+build.7", "1.2.3+build.7"],
  ["otherapp-v1.0.0", undefined],
  ["V1.0.0", undefined],
  ["1.0", undefined],
  ["01.0.0", undefined],
  ["vv1.0.0", undefined],
  ["axolotlsay-helper-v1.0.0", undefined],
  ["nightly", undefined],
];

describe("versionFromTag (app axolotlsay)", () => {
  for (const [tag, version] of tags) it(`${tag} → ${version ?? "rejected"}`, () => expect(versionFromTag(tag, "axolotlsay")).toBe(version));
});

describe("strictVersion and versionFromArgument", () => {
  // [text, strict, as --version]
  const cases: [string, string | undefined, string | undefined][] = [
    ["1.2.3", "1.2.3", "1.2.3"],
    ["v1.2.3", undefined, "1.2.3"],
    ["=1.2.3", undefined, undefined],
    [" 1.2.3", undefined, undefined],
    ["1.2", undefined, undefined],
    ["1.2.3-rc.1+b.2", "1.2.3-rc.1+b.2", "1.2.3-rc.1+b.2"],
    ["1.2.3-01", undefined, undefined],
    ["01.2.3", undefined, undefined],
    ["1.2.3+", undefined, undefined],
    ["1.2.3-", undefined, undefined],
    ["1.2.3-alpha..1", undefined, undefined],
    ["1.2.3\n", undefined, undefined],
  ];
  for (const [text, strict, arg] of cases) {
    it(`"${text}"`, () => {
      expect(strictVersion(text)).toBe(strict);
      expect(versionFromArgument(text)).toBe(arg);
    });
  }
});
