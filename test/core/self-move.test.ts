import { describe, expect, it } from "vitest";
import { ownUpdaterPath, selfMoveTarget, staleSelfCopies } from "../../src/core/self-move.js";

describe("selfMoveTarget", () => {
  it("Windows: a unique .previous name beside the exe", () => {
    expect(selfMoveTarget("C:\\Users\\a\\.cargo\\bin\\axolotlsay-update.exe", "win32", "ab12")).toBe(
      "C:\\Users\\a\\.cargo\\bin\\axolotlsay-update.previous-ab12.exe",
    );
    expect(selfMoveTarget("/t/bin/axolotlsay-update.exe", "win32", "x9")).toBe("/t/bin/axolotlsay-update.previous-x9.exe");
  });
  it("elsewhere: nothing to move", () => {
    expect(selfMoveTarget("/h/.cargo/bin/axolotlsay-update", "linux", "x")).toBeUndefined();
    expect(selfMoveTarget("/h/bin/axolotlsay-update", "darwin", "x")).toBeUndefined();
  });
});

describe("staleSelfCopies", () => {
  it("lists only this updater's .previous copies", () => {
    const entries = [
      "axolotlsay-update.exe",
      "axolotlsay-update.previous-ab12.exe",
      "AXOLOTLSAY-UPDATE.PREVIOUS-CD34.EXE",
      "other-update.previous-ab12.exe",
      "axolotlsay.exe",
      "axolotlsay-update.previous-.exe",
    ];
    expect(staleSelfCopies(entries, "axolotlsay-update.exe")).toEqual(["axolotlsay-update.previous-ab12.exe", "AXOLOTLSAY-UPDATE.PREVIOUS-CD34.EXE"]);
  });
});

describe("ownUpdaterPath", () => {
  // [executable, platform, the updater file the update protects]
  const cases: [string, NodeJS.Platform, string][] = [
    ["C:\\bin\\axolotlsay-update.exe", "win32", "C:\\bin\\axolotlsay-update.exe"],
    // The same file on Windows, under another case: backed up and moved aside under the receipt's name.
    ["C:\\bin\\AXOLOTLSAY-UPDATE.EXE", "win32", "C:\\bin\\axolotlsay-update.exe"],
    // A copy a killed update moved aside: the real updater beside it is the one to protect.
    ["C:\\bin\\axolotlsay-update.previous-3f9a.exe", "win32", "C:\\bin\\axolotlsay-update.exe"],
    ["/t/bin/axolotlsay-update.previous-3f9a.exe", "win32", "/t/bin/axolotlsay-update.exe"],
    ["C:\\bin\\other-update.exe", "win32", "C:\\bin\\other-update.exe"],
    ["C:\\bin\\axolotlsay-update.previous-3f9a.exe.bak", "win32", "C:\\bin\\axolotlsay-update.previous-3f9a.exe.bak"],
    ["/h/bin/AXOLOTLSAY-update", "linux", "/h/bin/AXOLOTLSAY-update"],
    ["/h/bin/axolotlsay-update.previous-3f9a.exe", "linux", "/h/bin/axolotlsay-update.previous-3f9a.exe"],
  ];
  for (const [exe, platform, expected] of cases) it(`${exe} on ${platform}`, () => expect(ownUpdaterPath(exe, "axolotlsay", platform)).toBe(expected));
});
