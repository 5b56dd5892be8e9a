import { existsSync, mkdtempSync, rmdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  appFromHost,
  checkSharedSettings,
  checkWorkingDir,
  frontDoorEnv,
  NOTIFY_DEADLINE_MS,
  notifyDeadlineMs,
  pickKeys,
  pickToken,
  processSecrets,
  readHost,
  receiptVars,
  resolveConfig,
  secretsToRedact,
  type Host,
} from "../src/config.js";
import { UpdaterError } from "../src/errors.js";
import { checkForUpdate, update, type UpdaterOptions } from "../src/index.js";
import { VERSION } from "../src/version.js";
import { testKeyPair } from "./helpers/minisign.js";
import { runCliWith } from "./helpers/cli.js";
import { fakeRelease, installedApp } from "./helpers/fake-app.js";
import { startFakeGithub } from "./helpers/fake-github.js";

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

  it("runs Windows' reg.exe and cmd.exe by full path from %SystemRoot%\\System32, never by a name the working directory could answer", () => {
    expect(resolveConfig({ app: "x", env: { SystemRoot: "D:\\Win" } }, host())).toMatchObject({
      regExe: "D:\\Win\\System32\\reg.exe",
      cmdExe: "D:\\Win\\System32\\cmd.exe",
    });
    expect(resolveConfig({ app: "x", env: {} }, host()).cmdExe).toBe("C:\\Windows\\System32\\cmd.exe");
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
    const c = resolveConfig(
      { app: "x", env: { HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:1", ALL_PROXY: "http://all:1", NO_PROXY: "localhost" } },
      host(),
    );
    expect(c.proxy).toEqual({ http: "http://all:1", https: "http://lower:1", noProxy: "localhost" });
  });

  it("AXOUPDATER_INSTALLER_PATH is honoured", () => {
    expect(resolveConfig({ app: "x", env: { AXOUPDATER_INSTALLER_PATH: "/i.sh" } }, host()).installerPath).toBe("/i.sh");
  });
});

describe("checkSharedSettings: what is no one app's, before any app is known", () => {
  // [options, USAGE message substring, or undefined when fine]
  const cases: [Parameters<typeof checkSharedSettings>[0], string | undefined][] = [
    [{ env: {} }, undefined],
    [{ env: { X_INSTALLER_GHE_BASE_URL: "bad", X_UPKEEP_SOURCE: "ftp://x" } }, undefined],
    [{ env: {}, source: "ftp://x" }, 'The source "ftp://x"'],
    [{ env: { UPKEEP_SOURCE: "ftp://x" } }, 'UPKEEP_SOURCE "ftp://x"'],
    [{ env: {}, token: "" }, "The token is empty"],
    [{ env: { UPKEEP_TIMEOUT: "1e3" } }, "UPKEEP_TIMEOUT"],
    [{ env: {}, timeoutSeconds: 0 }, "timeoutSeconds 0"],
    [{ env: {}, request: { kind: "version", version: "x" } }, '"x" is not a semantic version'],
  ];
  for (const [options, message] of cases) {
    it(`${JSON.stringify(options)} → ${message ?? "fine"}`, () => {
      if (message === undefined) expect(() => checkSharedSettings(options, host())).not.toThrow();
      else expect(() => checkSharedSettings(options, host())).toThrow(expect.objectContaining({ code: "USAGE", message: expect.stringContaining(message) }));
    });
  }
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

describe("pickKeys: --public-key, then <APP>_UPKEEP_PUBLIC_KEY", () => {
  const [a, b] = [testKeyPair(), testKeyPair()];
  it("the option wins over the variable, keeps the order and drops repeats", () => {
    const keys = pickKeys("my-app", [a.publicKeyLine, b.publicKeyLine, a.publicKeyLine], { MY_APP_UPKEEP_PUBLIC_KEY: b.publicKeyLine });
    expect(keys).toMatchObject({ source: "option", from: "--public-key" });
    expect(keys?.keys.map((k) => k.id)).toEqual([a.keyId, b.keyId]);
  });
  it("the variable takes several keys, separated by commas or whitespace", () => {
    const keys = pickKeys("my-app", [], { MY_APP_UPKEEP_PUBLIC_KEY: ` ${a.publicKeyLine},\n${b.publicKeyLine} ` });
    expect(keys).toMatchObject({ source: "env", from: "MY_APP_UPKEEP_PUBLIC_KEY" });
    expect(keys?.keys.map((k) => k.id)).toEqual([a.keyId, b.keyId]);
  });
  it("neither, or an empty variable: no keys", () => {
    expect(pickKeys("my-app", undefined, {})).toBeUndefined();
    expect(pickKeys("my-app", undefined, { MY_APP_UPKEEP_PUBLIC_KEY: " " })).toBeUndefined();
  });
  // [option, env, message]: each is USAGE naming where the bad key came from.
  const bad: [string[] | undefined, Record<string, string>, string][] = [
    [["RWQnope"], {}, '--public-key "RWQnope" is not a minisign public key'],
    [undefined, { MY_APP_UPKEEP_PUBLIC_KEY: `${a.publicKeyLine},garbage` }, "MY_APP_UPKEEP_PUBLIC_KEY"],
  ];
  for (const [option, env, message] of bad) {
    it(`refuses ${message}`, () =>
      expect(() => pickKeys("my-app", option, env)).toThrow(expect.objectContaining({ code: "USAGE", message: expect.stringContaining(message) })));
  }
  it("resolveConfig: keys, the legacy switch and the trust file", () => {
    const h = { ...host({ home: "/home/u" }), env: { MY_APP_UPKEEP_PUBLIC_KEY: a.publicKeyLine, MY_APP_UPKEEP_ALLOW_LEGACY_SIGNATURE: "1" } };
    const config = resolveConfig({ app: "my-app" }, h);
    expect(config.givenKeys?.keys.map((k) => k.id)).toEqual([a.keyId]);
    expect(config.allowLegacySignature).toBe(true);
    expect(config.trustFile).toBe("/home/u/.config/upkeep/keys/my-app.pub");
    expect(resolveConfig({ app: "my-app", allowLegacySignature: false }, h).allowLegacySignature).toBe(false);
    expect(() => resolveConfig({ app: "my-app" }, { ...h, env: { MY_APP_UPKEEP_ALLOW_LEGACY_SIGNATURE: "yes" } })).toThrow(
      expect.objectContaining({ code: "USAGE", message: expect.stringContaining("MY_APP_UPKEEP_ALLOW_LEGACY_SIGNATURE") }),
    );
  });
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
  it("AXOUPDATER_APP_NAME overrides the file name", () =>
    expect(appFromHost("/usr/bin/upkeep", "linux", { AXOUPDATER_APP_NAME: "axolotlsay" })).toBe("axolotlsay"));
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
      expect(check).toThrow(
        expect.objectContaining({
          code: "RECEIPT_NOT_FOUND",
          message: expect.stringMatching(new RegExp(`^${name} is set, .*the current directory no longer exists`)),
        }),
      );
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

  it("githubApiBase: judged once, up front; not at all for a mirror chosen for the run; respelt apps judged again", () => {
    const both = { X_INSTALLER_GHE_BASE_URL: "https://a", X_INSTALLER_GITHUB_BASE_URL: "https://b" };
    expect(() => resolveConfig({ app: "x", env: both }, host())).toThrow(/X_INSTALLER_GHE_BASE_URL and X_INSTALLER_GITHUB_BASE_URL/);
    const later = resolveConfig({ app: "x", env: both }, host(), { githubBase: "when-used" });
    expect(() => later.githubApiBase()).toThrow(/X_INSTALLER_GHE_BASE_URL and X_INSTALLER_GITHUB_BASE_URL/);
    for (const mirror of [{ source: "https://m" }, { env: { ...both, X_UPKEEP_SOURCE: "/srv/m" } }, { env: { ...both, UPKEEP_SOURCE: "https://m" } }]) {
      expect(resolveConfig({ app: "x", env: both, ...mirror }, host()).githubApiBase()).toBe("https://api.github.com");
    }
    const d = resolveConfig({ app: "café", env: { CAFé_INSTALLER_GHE_BASE_URL: "https://lower", CAFÉ_INSTALLER_GHE_BASE_URL: "https://upper" } }, host());
    expect(d.githubApiBase()).toBe("https://lower/api/v3");
    d.app = "CAFÉ"; // the receipt's own spelling (Windows)
    expect(d.githubApiBase()).toBe("https://upper/api/v3");
  });

  it("frontDoorEnv: AXOUPDATER_APP_NAME set, NO_COLOR, PATH and where upkeep list looks", () => {
    expect(frontDoorEnv(host({ env: {} }))).toEqual({
      appNameSet: false,
      noColor: false,
      path: undefined,
      receiptRoots: [path.join("/home/real", ".config")],
      receiptDir: undefined,
    });
    expect(frontDoorEnv(host({ env: { AXOUPDATER_APP_NAME: "", NO_COLOR: "1", PATH: "/bin", XDG_CONFIG_HOME: "/xdg" } }))).toEqual({
      appNameSet: true,
      noColor: true,
      path: "/bin",
      receiptRoots: ["/xdg", path.join("/home/real", ".config")],
      receiptDir: undefined,
    });
    // The overrides of the receipt search are where `upkeep list` looks, too.
    expect(frontDoorEnv(host({ env: { AXOUPDATER_CONFIG_PATH: "conf" } })).receiptDir).toBe("/cwd/conf");
    expect(frontDoorEnv(host({ env: { AXOUPDATER_CONFIG_WORKING_DIR: "", AXOUPDATER_CONFIG_PATH: "/etc" } })).receiptDir).toBe("/cwd");
    expect(frontDoorEnv(host({ env: { NO_COLOR: "" } })).noColor).toBe(false);
    expect(frontDoorEnv(host({ platform: "win32", env: { LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" } })).receiptRoots).toEqual([
      "C:\\Users\\u\\AppData\\Local",
    ]);
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

// Every bad setting, through all three front doors (`<app>-update`, `upkeep update APP`, the library's
// update/checkForUpdate): USAGE (APP_NAME for the executable's own name), exit 2, the value named, and
// nothing done — no request reached GitHub, no lock or cache directory was created.
interface Row {
  name: string;
  /** Flags of both command lines (absent: the setting is not a flag, or only `env` sets it). */
  argv?: string[];
  /** The library's options (absent: not a library option). */
  options?: UpdaterOptions;
  /** Variables set for all three doors. */
  env?: Record<string, string>;
  /** Variables of the test world to unset. */
  unset?: string[];
  /** What the message must name (`lib`: in the library's own words, when they differ). */
  names: string;
  lib?: string;
}

const rows: Row[] = [
  { name: "timeout in exponent notation", argv: ["--timeout", "1e3"], options: { timeoutSeconds: -1 }, names: '--timeout "1e3"', lib: "timeoutSeconds -1" },
  { name: "timeout zero", argv: ["--timeout", "0"], options: { timeoutSeconds: 0 }, names: "0" },
  { name: "timeout not a number", argv: ["--timeout", "soon"], options: { timeoutSeconds: Number.NaN }, names: '--timeout "soon"', lib: "timeoutSeconds NaN" },
  { name: "timeout too long", argv: ["--timeout=3601"], options: { timeoutSeconds: 3601 }, names: "3601" },
  { name: "UPKEEP_TIMEOUT", env: { UPKEEP_TIMEOUT: "never" }, names: 'UPKEEP_TIMEOUT="never"' },
  { name: "jitter negative", argv: ["--jitter=-1"], names: '--jitter "-1"' },
  { name: "jitter in exponent notation", argv: ["--jitter", "1e3"], names: '--jitter "1e3"' },
  { name: "source of another scheme", argv: ["--source", "ftp://x"], options: { source: "ftp://x" }, names: '"ftp://x"' },
  { name: "source empty", argv: ["--source", ""], options: { source: "" }, names: "source" },
  { name: "UPKEEP_SOURCE of another scheme", env: { UPKEEP_SOURCE: "s3://bucket/m" }, names: 'UPKEEP_SOURCE "s3://bucket/m"' },
  { name: "<APP>_UPKEEP_SOURCE of another scheme", env: { AXOLOTLSAY_UPKEEP_SOURCE: "ssh://h/m" }, names: 'AXOLOTLSAY_UPKEEP_SOURCE "ssh://h/m"' },
  { name: "GHE base not a URL", env: { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "not a url" }, names: 'AXOLOTLSAY_INSTALLER_GHE_BASE_URL is not a URL: "not a url"' },
  { name: "GHE base not http(s)", env: { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "ftp://host" }, names: '"ftp://host"' },
  {
    name: "GitHub base an IP",
    env: { AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL: "https://127.0.0.1" },
    unset: ["AXOLOTLSAY_INSTALLER_GHE_BASE_URL"],
    names: "https://127.0.0.1",
  },
  { name: "both base variables", env: { AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL: "https://example.com" }, names: "AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL" },
  { name: "token empty", argv: ["--token", ""], options: { token: "" }, names: "token" },
  { name: "token with a line break", argv: ["--token", "ghp_a\nX-Injected: 1"], options: { token: "ghp_a\nX-Injected: 1" }, names: "--token" },
  { name: "token variable with a space", env: { GITHUB_TOKEN: "ghp_a b" }, names: "GITHUB_TOKEN" },
  { name: "version not semantic", argv: ["--version", "1.0"], options: { request: { kind: "version", version: "1.0" } }, names: '"1.0"' },
  { name: "tag empty", argv: ["--tag", " "], options: { request: { kind: "tag", tag: "" } }, names: "tag" },
  { name: "app name with a path", options: { app: "../axolotlsay" }, names: '"../axolotlsay"' },
  { name: "app name empty", options: { app: "" }, names: "empty" },
  { name: "attempts zero", options: { attempts: 0 }, names: "attempts 0" },
  { name: "UPKEEP_LOCK_WAIT", env: { UPKEEP_LOCK_WAIT: "forever" }, names: 'UPKEEP_LOCK_WAIT="forever"' },
];

async function world(env: Record<string, string> = {}, unset: string[] = []) {
  const gh = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")] });
  const app = installedApp();
  const full: Record<string, string> = { ...app.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase, ...env };
  for (const name of unset) delete full[name];
  const cache = path.join(app.home, ".cache", "upkeep");
  // Nothing happened: no request, no lock, no cache.
  const untouched = () => {
    expect(gh.log).toEqual([]);
    expect(existsSync(cache)).toBe(false);
  };
  return { gh, app, env: full, cache, untouched };
}

describe("every bad setting is USAGE before any I/O, through every front door", () => {
  for (const row of rows) {
    if (row.argv || (row.env && !row.options)) {
      it(`${row.name}: <app>-update and upkeep update APP exit 2`, async () => {
        const w = await world(row.env, row.unset);
        for (const [invokedAs, argv] of [
          [path.join(w.app.bin, "axolotlsay-update"), [...(row.argv ?? []), "--json"]],
          ["/usr/local/bin/upkeep", ["update", "axolotlsay", ...(row.argv ?? []), "--json"]],
        ] as const) {
          const r = await runCliWith({ argv: [...argv], env: w.env, invokedAs });
          expect(r.code, `${invokedAs}: ${r.stdout}`).toBe(2);
          expect(r.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining(row.names) });
          w.untouched();
        }
      });
    }
    if (row.options || row.env) {
      it(`${row.name}: update() and checkForUpdate() reject with USAGE`, async () => {
        const w = await world(row.env, row.unset);
        const options: UpdaterOptions = { app: "axolotlsay", env: w.env, cacheDir: w.cache, ...row.options };
        for (const call of [update, checkForUpdate]) {
          await expect(call(options)).rejects.toMatchObject({ code: "USAGE", message: expect.stringContaining(row.lib ?? row.names) });
        }
        w.untouched();
      });
    }
  }

  it("an app name that cannot be one: APP_NAME for <app>-update (AXOUPDATER_APP_NAME), USAGE for upkeep update APP", async () => {
    const w = await world();
    const app = await runCliWith({
      argv: ["--json"],
      env: { ...w.env, AXOUPDATER_APP_NAME: "../axolotlsay" },
      invokedAs: path.join(w.app.bin, "axolotlsay-update"),
    });
    expect([app.code, app.json?.error.code]).toEqual([2, "APP_NAME"]);
    const machine = await runCliWith({ argv: ["update", "../axolotlsay", "--json"], env: w.env, invokedAs: "/usr/local/bin/upkeep" });
    expect([machine.code, machine.json?.error.code]).toEqual([2, "USAGE"]);
    expect(machine.json?.error.message).toContain('"../axolotlsay"');
    w.untouched();
  });

  it("text mode: the same error on stderr, nothing on stdout, no 'Checking for updates...' first", async () => {
    const w = await world({ AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "not a url" });
    const app = await runCliWith({ argv: [], env: w.env, invokedAs: path.join(w.app.bin, "axolotlsay-update") });
    expect([app.code, app.stdout]).toEqual([2, ""]);
    expect(app.stderr).toMatch(/^error\[USAGE\]: AXOLOTLSAY_INSTALLER_GHE_BASE_URL is not a URL/);
    const machine = await runCliWith({ argv: ["check"], env: w.env, invokedAs: "/usr/local/bin/upkeep" });
    expect([machine.code, machine.stdout]).toEqual([2, ""]);
    expect(machine.stderr).toMatch(/^error\[USAGE\]: AXOLOTLSAY_INSTALLER_GHE_BASE_URL is not a URL/);
    w.untouched();
  });
});

describe("a mirror chosen for the run: the GitHub base variables are not judged", () => {
  // [how the mirror is chosen: extra argv, extra env]
  const ways: [string, string[], Record<string, string>][] = [
    ["--source", ["--source", "/nonexistent/mirror"], {}],
    ["UPKEEP_SOURCE", [], { UPKEEP_SOURCE: "/nonexistent/mirror" }],
    ["<APP>_UPKEEP_SOURCE", [], { AXOLOTLSAY_UPKEEP_SOURCE: "/nonexistent/mirror" }],
  ];
  for (const [how, argv, env] of ways) {
    it(`${how}: a bad base URL is not an error (the mirror's own failure is)`, async () => {
      const w = await world({ AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "not a url", ...env });
      const r = await runCliWith({ argv: ["--check", "--json", ...argv], env: w.env, invokedAs: path.join(w.app.bin, "axolotlsay-update") });
      expect(r.json?.error.code).not.toBe("USAGE");
      expect(r.json?.error.message).toContain("/nonexistent/mirror");
      await expect(
        checkForUpdate({ app: "axolotlsay", env: w.env, cacheDir: w.cache, ...(argv.length ? { source: "/nonexistent/mirror" } : {}) }),
      ).rejects.not.toMatchObject({ code: "USAGE" });
    });
  }

  it("a receipt that names a mirror: the variables are still judged up front (known only once the receipt is read)", async () => {
    const gh = await startFakeGithub({ releases: [] });
    const app = installedApp({
      receipt: { source: { app_name: "axolotlsay", name: "axolotlsay", owner: "axodotdev", release_type: "mirror", url: "/nonexistent/mirror" } },
    });
    const r = await runCliWith({
      argv: ["--check", "--json"],
      env: { ...app.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "not a url" },
      invokedAs: path.join(app.bin, "axolotlsay-update"),
    });
    expect([r.code, r.json?.error.code]).toEqual([2, "USAGE"]);
    expect(gh.log).toEqual([]);
  });
});

describe("notifyDeadlineMs", () => {
  it.each([
    [undefined, NOTIFY_DEADLINE_MS],
    ["", NOTIFY_DEADLINE_MS],
    ["250", 250],
    [" 10000 ", 10000],
    ["60000", 60000],
    ["60001", NOTIFY_DEADLINE_MS],
    ["0", NOTIFY_DEADLINE_MS],
    ["1.5", NOTIFY_DEADLINE_MS],
    ["-5", NOTIFY_DEADLINE_MS],
    ["soon", NOTIFY_DEADLINE_MS],
  ])("UPKEEP_NOTIFY_DEADLINE_MS=%j gives %i ms", (value, ms) => {
    expect(notifyDeadlineMs(value === undefined ? {} : { UPKEEP_NOTIFY_DEADLINE_MS: value })).toBe(ms);
  });

  it("defaults to at most 1.5 s", () => {
    expect(NOTIFY_DEADLINE_MS).toBeLessThanOrEqual(1500);
  });
});
