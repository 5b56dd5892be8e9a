import { describe, expect, it } from "vitest";
import { appNameFromPath } from "../../src/core/app-name.js";

// [invoked path, platform, AXOUPDATER_APP_NAME, expected app or failure reason]
const cases: [string, NodeJS.Platform, string | undefined, string][] = [
  ["/home/u/.cargo/bin/axolotlsay-update", "linux", undefined, "axolotlsay"],
  ["axolotlsay-update", "linux", undefined, "axolotlsay"],
  ["./bin/akaikatana-repack-update", "darwin", undefined, "akaikatana-repack"],
  ["/x/axolotlsay-update.exe", "linux", undefined, "axolotlsay"],
  ["C:\\Users\\a\\.cargo\\bin\\axolotlsay-update.exe", "win32", undefined, "axolotlsay"],
  ["C:\\Users\\a\\.cargo\\bin\\AXOLOTLSAY-UPDATE.EXE", "win32", undefined, "AXOLOTLSAY"],
  ["/x/AXOLOTLSAY-UPDATE.EXE", "linux", undefined, "!no-suffix"],
  // The copy a killed update moved aside on Windows recovers the install (found under wine).
  ["C:\\bin\\axolotlsay-update.previous-3f9a0c1d2e4b.exe", "win32", undefined, "axolotlsay"],
  ["C:\\bin\\AXOLOTLSAY-UPDATE.PREVIOUS-3F9A.EXE", "win32", undefined, "AXOLOTLSAY"],
  ["C:\\bin\\axolotlsay-update.previous-3f9a", "win32", undefined, "!no-suffix"],
  ["C:\\bin\\axolotlsay-update.previous-.exe", "win32", undefined, "!no-suffix"],
  ["/x/axolotlsay-update.previous-3f9a.exe", "linux", undefined, "!no-suffix"],
  ["/usr/local/bin/upkeep", "linux", undefined, "!no-suffix"],
  ["/usr/local/bin/axoupdater", "linux", undefined, "!no-suffix"],
  ["/x/axoupdater-update", "linux", undefined, "!axoupdater"],
  ["/x/-update", "linux", undefined, "!empty"],
  ["/usr/local/bin/upkeep", "linux", "axolotlsay", "axolotlsay"],
  ["/x/other-update", "linux", "axolotlsay", "axolotlsay"],
  ["/x/other-update", "linux", "axoupdater", "!axoupdater"],
  ["/x/other-update", "linux", "", "!empty"],
  ["/x/my-update-update", "linux", undefined, "my-update"],
];

describe("appNameFromPath", () => {
  for (const [invoked, platform, override, expected] of cases) {
    it(`${invoked} on ${platform}${override !== undefined ? ` with AXOUPDATER_APP_NAME=${override}` : ""} → ${expected}`, () => {
      const r = appNameFromPath(invoked, platform, override);
      if (expected.startsWith("!")) expect(r).toMatchObject({ ok: false, reason: expected.slice(1) });
      else expect(r).toMatchObject({ ok: true, app: expected });
    });
  }
});
