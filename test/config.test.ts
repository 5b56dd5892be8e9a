import { mkdtempSync, rmdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appFromHost, checkWorkingDir, frontDoorEnv, pickToken, processSecrets, readHost, receiptVars, resolveConfig, secretsToRedact, type Host } from "../src/config.js";
import { UpdaterError } from "../src/errors.js";
import { VERSION } from "../src/version.js";

const host = (o: Partial<Host> = {}): Host => ({
  env: {},
  platform: "linux",
  home: "/home/real",
  cwd: "/cwd",
  tmpDir: "/tmp",
  invokedAs: "/home/u/.cargo/bin/axolotlsay-update",
  argv: [],
  stderrIsTTY: false,
  cacheDir: "/home/real/.cache/upkeep",
  ...o,
});

describe("resolveConfig", () => {
  it("takes the app from the executable's name and defaults everything else", () => {
    const c = resolveConfig({}, host());
    expect(c).toMatchObject({
      app: "axolotlsay",
      request: { kind: "latest" },
      timeoutMs: 30_000,
      attempts: 3,
      userAgent: `upkeep/${VERSION}`,
      home: "/home/real",
      proxy: { http: "", https: "", noProxy: "" },
    });
    expect(c.token).toBeUndefined();
  });

  it("with an explicit env, reads HOME and TMPDIR from it, never the real ones", () => {
    const c = resolveConfig({ app: "x", env: { HOME: "/h", TMPDIR: "/t" } }, host());
    expect(c.home).toBe("/h");
    expect(c.tmpDir).toBe("/t");
    expect(resolveConfig({ app: "x", env: {} }, host()).home).toBeUndefined();
  });

  // [env, timeout ms or USAGE]
  const timeouts: [Record<string, string>, number | string][] = [
    [{}, 30_000],
    [{ UPKEEP_TIMEOUT: "5" }, 5_000],
    [{ UPKEEP_TIMEOUT: "" }, 30_000],
    [{ UPKEEP_TIMEOUT: "never" }, "USAGE"],
  ];
  for (const [env, want] of timeouts) {
    it(`timeout from ${JSON.stringify(env)}`, () => {
      if (typeof want === "number") expect(resolveConfig({ app: "x", env }, host()).timeoutMs).toBe(want);
      else expect(() => resolveConfig({ app: "x", env }, host())).toThrow(/UPKEEP_TIMEOUT/);
    });
  }
  it("--timeout beats UPKEEP_TIMEOUT", () => expect(resolveConfig({ app: "x", timeoutSeconds: 2, env: { UPKEEP_TIMEOUT: "9" } }, host()).timeoutMs).toBe(2000));

  it("proxies: lower case first, ALL_PROXY as the fallback", () => {
    const c = resolveConfig({ app: "x", env: { HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:1", ALL_PROXY: "http://all:1", NO_PROXY: "localhost" } }, host());
    expect(c.proxy).toEqual({ http: "http://all:1", https: "http://lower:1", noProxy: "localhost" });
  });

  it("AXOUPDATER_INSTALLER_PATH is honoured", () => {
    expect(resolveConfig({ app: "x", env: { AXOUPDATER_INSTALLER_PATH: "/i.sh" } }, host()).installerPath).toBe("/i.sh");
  });
});

describe("pickToken: --token, AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN, GITHUB_TOKEN", () => {
  const all = { AXOUPDATER_GITHUB_TOKEN: "a", MY_APP_GITHUB_TOKEN: "b", GITHUB_TOKEN: "c" };
  // [explicit, env, value, from]
  const cases: [string | undefined, Record<string, string>, string | undefined, string | undefined][] = [
    ["x", all, "x", "--token"],
    [undefined, all, "a", "AXOUPDATER_GITHUB_TOKEN"],
    [undefined, { ...all, AXOUPDATER_GITHUB_TOKEN: "" }, "b", "MY_APP_GITHUB_TOKEN"],
    [undefined, { GITHUB_TOKEN: "c" }, "c", "GITHUB_TOKEN"],
    [undefined, {}, undefined, undefined],
  ];
  for (const [explicit, env, value, from] of cases) {
    it(`${from ?? "none"}`, () => {
      const t = pickToken("my-app", explicit, env);
      expect(t?.value).toBe(value);
      expect(t?.from).toBe(from);
    });
  }
});

describe("appFromHost", () => {
  // [invoked, env, message]
  const bad: [string, Record<string, string>, string][] = [
    ["/usr/local/bin/upkeep", {}, 'runs as "upkeep"'],
    ["/x/axoupdater-update", {}, "App name calculated as `axoupdater'"],
    ["/x/foo-update", { AXOUPDATER_APP_NAME: "" }, "set but empty"],
    // A file named just `-update`: no app name, and AXOUPDATER_APP_NAME is not set at all.
    ["/x/-update", {}, 'this updater runs as "-update", which has no app name before "-update"'],
  ];
  for (const [invoked, env, message] of bad) {
    it(`${invoked} → APP_NAME`, () => {
      try {
        appFromHost(invoked, "linux", env);
        expect.fail("accepted");
      } catch (e) {
        expect(UpdaterError.is(e) && e.code).toBe("APP_NAME");
        expect((e as Error).message).toContain(message);
        expect((e as UpdaterError).hint).toContain("<app>-update");
      }
    });
  }
  it("AXOUPDATER_APP_NAME overrides the file name", () => expect(appFromHost("/usr/bin/upkeep", "linux", { AXOUPDATER_APP_NAME: "axolotlsay" })).toBe("axolotlsay"));
});

describe("readHost", () => {
  it("outside the single executable, the name comes from process.execPath", () => {
    const h = readHost();
    expect(h.invokedAs).toBe(process.execPath);
    expect(h.env).not.toBe(process.env);
    expect(h.argv).toEqual(process.argv.slice(2));
    expect(h.cwdMissing).toBeUndefined();
  });

  it("a deleted working directory is not an error: HOME (or /) instead, and cwdMissing", () => {
    const before = process.cwd();
    const dir = mkdtempSync(path.join(os.tmpdir(), "upkeep-gone-"));
    process.chdir(dir);
    rmdirSync(dir);
    try {
      const h = readHost();
      expect(h.cwdMissing).toBe(true);
      expect([h.home, "/"]).toContain(h.cwd);
    } finally {
      process.chdir(before);
    }
  });
});

describe("checkWorkingDir: a deleted working directory matters only where the receipt is looked for in it", () => {
  // [env, cwdMissing, the variable named, or undefined when fine]
  const cases: [Record<string, string>, boolean, string | undefined][] = [
    [{}, true, undefined],
    [{ AXOUPDATER_CONFIG_WORKING_DIR: "" }, true, "AXOUPDATER_CONFIG_WORKING_DIR"],
    [{ AXOUPDATER_CONFIG_WORKING_DIR: "1" }, false, undefined],
    [{ AXOUPDATER_CONFIG_PATH: "conf" }, true, "AXOUPDATER_CONFIG_PATH"],
    [{ AXOUPDATER_CONFIG_PATH: "/etc/conf" }, true, undefined],
  ];
  for (const [env, cwdMissing, name] of cases) {
    it(`${JSON.stringify(env)}, cwd ${cwdMissing ? "deleted" : "present"} → ${name ? "RECEIPT_NOT_FOUND" : "fine"}`, () => {
      const check = () => checkWorkingDir(env, { platform: "linux", cwdMissing });
      if (!name) return expect(check).not.toThrow();
      expect(check).toThrow(expect.objectContaining({ code: "RECEIPT_NOT_FOUND", message: expect.stringMatching(new RegExp(`^${name} is set, .*the current directory no longer exists`)) }));
    });
  }

  it("resolveConfig applies it unless the caller chose a cwd", () => {
    const gone = host({ cwdMissing: true, cwd: "/home/real" });
    expect(() => resolveConfig({ app: "x", env: { AXOUPDATER_CONFIG_WORKING_DIR: "1" } }, gone)).toThrow(/no longer exists/);
    expect(resolveConfig({ app: "x", env: { AXOUPDATER_CONFIG_WORKING_DIR: "1" }, cwd: "/w" }, gone).cwd).toBe("/w");
    expect(resolveConfig({ app: "x", env: {} }, gone).cwd).toBe("/home/real");
  });
});

describe("secretsToRedact: one list for both front doors", () => {
  it("every token, the app's own, and proxy passwords as written and decoded, longest first", () => {
    const env = {
      AXOUPDATER_GITHUB_TOKEN: "tok-axo",
      MY_APP_GITHUB_TOKEN: "tok-my-app-longer",
      GITHUB_TOKEN: "tok-gh",
      https_proxy: "http://u:p%40ss@proxy:3128",
      ALL_PROXY: "not a url",
    };
    expect(secretsToRedact("my-app", "tok-flag", env)).toEqual(["tok-my-app-longer", "tok-flag", "tok-axo", "tok-gh", "p%40ss", "p@ss"]);
    expect(secretsToRedact(undefined, undefined, env)).not.toContain("tok-my-app-longer");
    expect(secretsToRedact("x", undefined, {})).toEqual([]);
    expect(secretsToRedact("x", undefined, { HTTPS_PROXY: "http://u:%E0%A4%A@h" })).toEqual(["%E0%A4%A"]);
  });
});

describe("the variables read for the layers below (nothing below reads the environment)", () => {
  it("receiptVars: the overrides count as set even when empty", () => {
    expect(receiptVars({})).toEqual({ workingDir: false, configPath: undefined, xdgConfigHome: undefined, localAppData: undefined });
    expect(receiptVars({ AXOUPDATER_CONFIG_WORKING_DIR: "", AXOUPDATER_CONFIG_PATH: "", XDG_CONFIG_HOME: "/x", LOCALAPPDATA: "C:\\l" })).toEqual({
      workingDir: true,
      configPath: "",
      xdgConfigHome: "/x",
      localAppData: "C:\\l",
    });
  });

  it("resolveConfig: the receipt search, PATH (or Windows' Path) and the cache directory from the given env", () => {
    const c = resolveConfig({ app: "x", env: { HOME: "/h", XDG_CONFIG_HOME: "/xdg", XDG_CACHE_HOME: "/xc", Path: "/p" } }, host());
    expect(c).toMatchObject({ receiptVars: { xdgConfigHome: "/xdg" }, searchPath: "/p", cacheDir: "/xc/upkeep" });
    expect(resolveConfig({ app: "x", env: { PATH: "/a", Path: "/b" } }, host()).searchPath).toBe("/a");
  });

  it("githubApiBase: judged when called (a bad base fails no receipt lookup), for the app as it is then spelt", () => {
    const c = resolveConfig({ app: "x", env: { X_INSTALLER_GHE_BASE_URL: "https://a", X_INSTALLER_GITHUB_BASE_URL: "https://b" } }, host());
    expect(() => c.githubApiBase()).toThrow(/X_INSTALLER_GHE_BASE_URL and X_INSTALLER_GITHUB_BASE_URL/);
    const d = resolveConfig({ app: "café", env: { "CAFé_INSTALLER_GHE_BASE_URL": "https://lower", "CAFÉ_INSTALLER_GHE_BASE_URL": "https://upper" } }, host());
    expect(d.githubApiBase()).toBe("https://lower/api/v3");
    d.app = "CAFÉ"; // the receipt's own spelling (Windows)
    expect(d.githubApiBase()).toBe("https://upper/api/v3");
  });

  it("frontDoorEnv: AXOUPDATER_APP_NAME set, NO_COLOR, PATH and where upkeep list looks", () => {
    expect(frontDoorEnv(host({ env: {} }))).toEqual({ appNameSet: false, noColor: false, path: undefined, receiptRoots: [path.join("/home/real", ".config")] });
    expect(frontDoorEnv(host({ env: { AXOUPDATER_APP_NAME: "", NO_COLOR: "1", PATH: "/bin", XDG_CONFIG_HOME: "/xdg" } }))).toEqual({
      appNameSet: true,
      noColor: true,
      path: "/bin",
      receiptRoots: ["/xdg", path.join("/home/real", ".config")],
    });
    expect(frontDoorEnv(host({ env: { NO_COLOR: "" } })).noColor).toBe(false);
    expect(frontDoorEnv(host({ platform: "win32", env: { LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" } })).receiptRoots).toEqual(["C:\\Users\\u\\AppData\\Local"]);
  });

  it("processSecrets: the real process's tokens, for the entry point's crash message", () => {
    const before = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = "ghp_process_secret";
    try {
      expect(processSecrets()).toContain("ghp_process_secret");
    } finally {
      if (before === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = before;
    }
  });
});
