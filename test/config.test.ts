import { describe, expect, it } from "vitest";
import { appFromHost, pickToken, readHost, resolveConfig, type Host } from "../src/config.js";
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
  });
});
