import { describe, expect, it } from "vitest";
import { describeRequest, findVersion, hasInstaller, isUpdateNeeded, pickLatest } from "../../src/core/select.js";
import type { Release, UpdateRequest } from "../../src/types.js";

const rel = (version: string, o: Partial<Release> & { installer?: boolean } = {}): Release => ({
  tag: `v${version}`,
  version,
  name: null,
  prerelease: false,
  draft: false,
  assets: o.installer === false ? [{ name: "app.tar.xz", downloadUrl: "u" }] : [{ name: "app-installer.sh", downloadUrl: "u" }],
  ...o,
});

describe("pickLatest", () => {
  const list = [rel("1.2.0", { prerelease: true }), rel("1.1.0"), rel("1.0.0")];
  // [label, releases, allow prerelease, expected version]
  const cases: [string, Release[], boolean, string | undefined][] = [
    ["stable only by GitHub's flag", list, false, "1.1.0"],
    ["--prerelease takes the flagged one", list, true, "1.2.0"],
    ["a semver prerelease not flagged is stable", [rel("2.0.0-beta.1"), rel("1.9.0")], false, "2.0.0-beta.1"],
    ["drafts are skipped", [rel("3.0.0", { draft: true }), rel("1.0.0")], false, "1.0.0"],
    ["releases without an installer are skipped", [rel("3.0.0", { installer: false }), rel("1.0.0")], false, "1.0.0"],
    ["highest version, not newest in the list", [rel("1.0.1"), rel("1.3.0"), rel("1.2.0")], false, "1.3.0"],
    ["nothing selectable", [rel("1.0.0", { prerelease: true })], false, undefined],
  ];
  for (const [label, releases, allow, want] of cases) {
    it(label, () => expect(pickLatest(releases, "app", allow)?.version).toBe(want));
  }
  it("ties go to the later release in the list", () => {
    const a = rel("1.0.0", { tag: "app-v1.0.0" });
    const b = rel("1.0.0", { tag: "v1.0.0" });
    expect(pickLatest([a, b], "app", false)?.tag).toBe("v1.0.0");
  });
});

describe("findVersion and hasInstaller", () => {
  it("first installable release with the exact version", () => {
    expect(findVersion([rel("1.0.0", { installer: false }), rel("1.0.0", { tag: "x" })], "app", "1.0.0")?.tag).toBe("x");
    expect(findVersion([rel("1.0.0")], "app", "1.0.1")).toBeUndefined();
  });
  it("matches <app>-installer.* exactly, not another app's", () => {
    expect(hasInstaller(rel("1.0.0"), "app")).toBe(true);
    expect(hasInstaller({ ...rel("1.0.0"), assets: [{ name: "app-helper-installer.sh", downloadUrl: "u" }] }, "app")).toBe(false);
  });
});

describe("isUpdateNeeded (axoupdater's truth table)", () => {
  const latest: UpdateRequest = { kind: "latest" };
  const version: UpdateRequest = { kind: "version", version: "1.0.0" };
  const tag: UpdateRequest = { kind: "tag", tag: "v1.0.0" };
  // [current, target, request, force, needed]
  const cases: [string, string, UpdateRequest, boolean, boolean][] = [
    ["1.0.0", "1.1.0", latest, false, true],
    ["1.1.0", "1.1.0", latest, false, false],
    ["2.0.0-beta.1", "1.9.0", latest, false, false],
    ["1.1.0", "1.0.0", version, false, true],
    ["1.0.0", "1.0.0", version, false, false],
    ["1.0.0", "1.0.0", tag, false, false],
    ["1.2.0", "1.0.0", tag, false, true],
    ["1.1.0", "1.1.0", latest, true, true],
    ["1.0.0", "1.1.0", { kind: "prerelease" }, false, true],
  ];
  for (const [current, target, request, force, needed] of cases) {
    it(`${current} → ${target} (${request.kind}${force ? ", force" : ""}) → ${needed}`, () =>
      expect(isUpdateNeeded(current, target, request, force)).toBe(needed));
  }
  // With a key pinned: [current, target, request, force, needed]. "latest" never goes down, forced or not.
  const pinned: [string, string, UpdateRequest, boolean, boolean][] = [
    ["2.0.0", "1.0.0", latest, true, false],
    ["2.0.0", "1.0.0", { kind: "prerelease" }, true, false],
    ["2.0.0", "1.0.0", latest, false, false],
    ["2.0.0", "2.0.0", latest, true, true],
    ["1.0.0", "2.0.0", latest, false, true],
    ["2.0.0", "1.0.0", version, false, true],
    ["2.0.0", "1.0.0", tag, true, true],
  ];
  for (const [current, target, request, force, needed] of pinned) {
    it(`pinned: ${current} → ${target} (${request.kind}${force ? ", force" : ""}) → ${needed}`, () =>
      expect(isUpdateNeeded(current, target, request, force, true)).toBe(needed));
  }
  it("without a pin a forced latest may go down (axoupdater's behaviour)", () => expect(isUpdateNeeded("2.0.0", "1.0.0", latest, true)).toBe(true));
  it("describes requests", () => {
    expect(describeRequest(version)).toBe("version 1.0.0");
    expect(describeRequest(tag)).toBe("tag v1.0.0");
  });
});
