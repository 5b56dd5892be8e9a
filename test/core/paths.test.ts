import os from "node:os";
import envPaths from "env-paths";
import { describe, expect, it } from "vitest";
import { binDirOf, firstOnPath, protectedFiles, trustFilePath, userCacheDir, type CacheDirVars, type KeyDirVars } from "../../src/core/paths.js";

describe("trustFilePath", () => {
  // [vars, platform, home, expected]: the contract, macOS like Linux.
  const none = { xdgConfigHome: undefined, localAppData: undefined };
  const cases: [KeyDirVars, NodeJS.Platform, string, string][] = [
    [none, "linux", "/home/u", "/home/u/.config/upkeep/keys/hello.pub"],
    [{ ...none, xdgConfigHome: "/x" }, "linux", "/home/u", "/x/upkeep/keys/hello.pub"],
    [{ ...none, xdgConfigHome: "" }, "linux", "/home/u", "/home/u/.config/upkeep/keys/hello.pub"],
    [none, "darwin", "/Users/u", "/Users/u/.config/upkeep/keys/hello.pub"],
    [{ ...none, xdgConfigHome: "/x" }, "darwin", "/Users/u", "/x/upkeep/keys/hello.pub"],
    [{ ...none, localAppData: "D:\\L" }, "win32", "C:\\Users\\u", "D:\\L\\upkeep\\keys\\hello.pub"],
    [{ ...none, xdgConfigHome: "/x" }, "win32", "C:\\Users\\u", "C:\\Users\\u\\AppData\\Local\\upkeep\\keys\\hello.pub"],
  ];
  for (const [vars, platform, home, want] of cases)
    it(`${platform} ${JSON.stringify(vars)}`, () => expect(trustFilePath(vars, platform, home, "hello")).toBe(want));
});

describe("userCacheDir", () => {
  // [env, platform, home, expected]
  const cases: [CacheDirVars, NodeJS.Platform, string, string][] = [
    [{}, "linux", "/home/u", "/home/u/.cache/upkeep"],
    [{ xdgCacheHome: "/c" }, "linux", "/home/u", "/c/upkeep"],
    [{ xdgCacheHome: "" }, "linux", "/home/u", "/home/u/.cache/upkeep"],
    [{}, "darwin", "/Users/u", "/Users/u/Library/Caches/upkeep"],
    [{ localAppData: "C:\\Users\\u\\AppData\\Local" }, "win32", "C:\\Users\\u", "C:\\Users\\u\\AppData\\Local\\upkeep\\Cache"],
  ];
  for (const [vars, platform, home, want] of cases) it(`${platform} ${JSON.stringify(vars)}`, () => expect(userCacheDir(vars, platform, home)).toBe(want));
  it("agrees with env-paths for this process", () => {
    const vars = { localAppData: process.env.LOCALAPPDATA, xdgCacheHome: process.env.XDG_CACHE_HOME };
    expect(userCacheDir(vars, process.platform, os.homedir())).toBe(envPaths("upkeep", { suffix: "" }).cache);
  });
});

describe("binDirOf", () => {
  // [root, layout, updater dir, expected]
  const cases: [string, string, string | undefined, string][] = [
    ["/h/.cargo", "cargo-home", undefined, "/h/.cargo/bin"],
    ["/h/.axo", "flat", undefined, "/h/.axo"],
    ["/h/.cargo", "unspecified", undefined, "/h/.cargo/bin"],
    ["/h/x/bin", "unspecified", undefined, "/h/x/bin"],
    ["/h/.cargo", "cargo-home", "/elsewhere", "/elsewhere"],
  ];
  for (const [root, layout, dir, want] of cases) it(`${root} ${layout} ${dir ?? ""}`, () => expect(binDirOf(root, layout, dir, "linux")).toBe(want));
});

describe("protectedFiles", () => {
  it("binaries, aliases and the updater, once each", () => {
    expect(protectedFiles("/b", ["a", "b"], { a: ["a2", "b"] }, "app", "linux")).toEqual(["/b/a", "/b/b", "/b/a2", "/b/app-update"]);
    expect(protectedFiles("C:\\b", ["a.exe"], {}, "app", "win32")).toEqual(["C:\\b\\a.exe", "C:\\b\\app-update.exe"]);
  });
});

describe("firstOnPath", () => {
  const files = new Set(["/usr/bin/axo", "/h/.cargo/bin/axo", "C:\\tools\\axo.exe"]);
  const exists = (f: string) => files.has(f);
  it("finds the first match in PATH order", () => {
    expect(firstOnPath("axo", "/usr/local/bin:/usr/bin:/h/.cargo/bin", "linux", exists)).toBe("/usr/bin/axo");
    expect(firstOnPath("axo", "/h/.cargo/bin:/usr/bin", "linux", exists)).toBe("/h/.cargo/bin/axo");
    expect(firstOnPath("nope", "/usr/bin", "linux", exists)).toBeUndefined();
    expect(firstOnPath("axo", undefined, "linux", exists)).toBeUndefined();
  });
  it("tries .exe on Windows", () => expect(firstOnPath("axo", "C:\\tools;D:\\x", "win32", exists)).toBe("C:\\tools\\axo.exe"));
});
