import { describe, expect, it } from "vitest";
import { selfMoveTarget, staleSelfCopies } from "../../src/core/self-move.js";

describe("selfMoveTarget", () => {
  it("Windows: a unique .previous name beside the exe", () => {
    expect(selfMoveTarget("C:\\Users\\a\\.cargo\\bin\\axolotlsay-update.exe", "win32", "ab12")).toBe("C:\\Users\\a\\.cargo\\bin\\axolotlsay-update.previous-ab12.exe");
    expect(selfMoveTarget("/t/bin/axolotlsay-update.exe", "win32", "x9")).toBe("/t/bin/axolotlsay-update.previous-x9.exe");
  });
  it("elsewhere: nothing to move", () => {
    expect(selfMoveTarget("/h/.cargo/bin/axolotlsay-update", "linux", "x")).toBeUndefined();
    expect(selfMoveTarget("/h/bin/axolotlsay-update", "darwin", "x")).toBeUndefined();
  });
});

describe("staleSelfCopies", () => {
  it("lists only this updater's .previous copies", () => {
    const entries = ["axolotlsay-update.exe", "axolotlsay-update.previous-ab12.exe", "AXOLOTLSAY-UPDATE.PREVIOUS-CD34.EXE", "other-update.previous-ab12.exe", "axolotlsay.exe", "axolotlsay-update.previous-.exe"];
    expect(staleSelfCopies(entries, "axolotlsay-update.exe")).toEqual(["axolotlsay-update.previous-ab12.exe", "AXOLOTLSAY-UPDATE.PREVIOUS-CD34.EXE"]);
  });
});
