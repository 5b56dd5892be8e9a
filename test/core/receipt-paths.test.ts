import path from "node:path";
import { describe, expect, it } from "vitest";
import { receiptVars } from "../../src/config.js";
import { ownAppName, receiptCandidates, receiptFileName, receiptRoots } from "../../src/core/receipt-paths.js";

const base = { app: "axolotlsay", home: "/home/u", cwd: "/work" };
// The search as config.ts reads it from an environment.
const search = (o: { app: string; cwd: string; home: string | undefined; platform: NodeJS.Platform; env: Record<string, string> }) =>
  receiptCandidates({ app: o.app, cwd: o.cwd, home: o.home, platform: o.platform, vars: receiptVars(o.env) });

describe("receiptCandidates (axoupdater's order)", () => {
  it("Linux default: ~/.config/<app>", () => {
    expect(search({ ...base, env: {}, platform: "linux" })).toEqual([{ dir: "/home/u/.config/axolotlsay", onlyIfDirExists: false, standard: true }]);
  });
  it("macOS uses ~/.config too, not ~/Library", () => {
    expect(search({ ...base, env: {}, platform: "darwin" })[0]?.dir).toBe("/home/u/.config/axolotlsay");
  });
  it("XDG_CONFIG_HOME first, only when it exists", () => {
    expect(search({ ...base, env: { XDG_CONFIG_HOME: "/xdg" }, platform: "linux" })).toEqual([
      { dir: "/xdg/axolotlsay", onlyIfDirExists: true, standard: true },
      { dir: "/home/u/.config/axolotlsay", onlyIfDirExists: false, standard: true },
    ]);
  });
  it("Windows: %LOCALAPPDATA%\\<app>", () => {
    expect(search({ ...base, home: "C:\\Users\\u", env: { LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, platform: "win32" })).toEqual([
      { dir: "C:\\Users\\u\\AppData\\Local\\axolotlsay", onlyIfDirExists: false, standard: true },
    ]);
  });
  it("AXOUPDATER_CONFIG_PATH replaces the search", () => {
    expect(search({ ...base, env: { AXOUPDATER_CONFIG_PATH: "conf", XDG_CONFIG_HOME: "/xdg" }, platform: "linux" })).toEqual([
      { dir: "/work/conf", onlyIfDirExists: false, standard: false },
    ]);
  });
  it("AXOUPDATER_CONFIG_WORKING_DIR (any value, even empty) means the working directory", () => {
    expect(search({ ...base, env: { AXOUPDATER_CONFIG_WORKING_DIR: "", AXOUPDATER_CONFIG_PATH: "/c" }, platform: "linux" })).toEqual([
      { dir: "/work", onlyIfDirExists: false, standard: false },
    ]);
  });
  it("no home and no XDG: nowhere to look", () => {
    expect(search({ ...base, home: undefined, env: {}, platform: "linux" })).toEqual([]);
  });
  it("upkeep list looks in the standard search's parents only", () => {
    expect(receiptRoots({ xdgConfigHome: "/xdg", localAppData: "/lad" }, "linux", "/home/u")).toEqual(["/xdg", path.join("/home/u", ".config")]);
    expect(receiptRoots({ xdgConfigHome: "", localAppData: "/lad" }, "win32", "/home/u")).toEqual(["/lad"]);
    expect(receiptRoots({ xdgConfigHome: undefined, localAppData: undefined }, "linux", undefined)).toEqual([]);
  });
  it("file name keeps dashes", () => expect(receiptFileName("akaikatana-repack")).toBe("akaikatana-repack-receipt.json"));
});

describe("ownAppName (Windows: the receipt's spelling wins)", () => {
  // [our app name, the receipt's source.app_name, its file name, the name to use from then on]
  const cases: [string, string, string, string | undefined][] = [
    // AXOLOTLSAY-UPDATE.EXE found axolotlsay's receipt: the sources, lock and messages use "axolotlsay".
    ["AXOLOTLSAY", "axolotlsay", "axolotlsay-receipt.json", "axolotlsay"],
    // An old receipt without app_name (parsed as ours): the file's own name.
    ["AXOLOTLSAY", "AXOLOTLSAY", "axolotlsay-receipt.json", "axolotlsay"],
    ["AxolotlSay", "AXOLOTLSAY", "AXOLOTLSAY-RECEIPT.JSON", "AXOLOTLSAY"],
    ["axolotlsay", "axolotlsay", "axolotlsay-receipt.json", undefined],
    // A different app_name (a renamed package) is not a spelling of ours: keep ours.
    ["AXOLOTLSAY", "axolotl", "AXOLOTLSAY-receipt.json", undefined],
  ];
  for (const [app, appName, file, expected] of cases) {
    it(`${app} + app_name ${appName} in ${file} → ${expected ?? "unchanged"}`, () => expect(ownAppName(app, appName, file)).toBe(expected));
  }
});
