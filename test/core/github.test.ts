import { describe, expect, it } from "vitest";
import { encodeTag, githubApiBase, githubBaseVars, nextPageUrl, tagReleaseUrl, toRelease } from "../../src/core/github.js";
import { UpdaterError } from "../../src/errors.js";

describe("githubApiBase (app `dist`, prefix DIST)", () => {
  // The values config.ts reads for the two variables.
  const base = (app: string, env: Record<string, string>): string => githubApiBase(app, env[githubBaseVars(app).ghe], env[githubBaseVars(app).gh]);
  it("reads <APP>_INSTALLER_GHE_BASE_URL and <APP>_INSTALLER_GITHUB_BASE_URL", () => {
    expect(githubBaseVars("my-app")).toEqual({ ghe: "MY_APP_INSTALLER_GHE_BASE_URL", gh: "MY_APP_INSTALLER_GITHUB_BASE_URL" });
  });
  // [env, expected base or "error:<CODE>"]
  const cases: [Record<string, string>, string][] = [
    [{}, "https://api.github.com"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://magic.com" }, "https://api.magic.com"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://magic.com:8000" }, "https://api.magic.com:8000"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://magic.com/some/path" }, "https://api.magic.com"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://127.0.0.1" }, "error:USAGE"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://[::1]:9000" }, "error:USAGE"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://0x7f.1" }, "error:USAGE"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "https://1.2.3.4.example" }, "https://api.1.2.3.4.example"],
    [{ DIST_INSTALLER_GITHUB_BASE_URL: "this is not a url" }, "error:USAGE"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "https://magic.com" }, "https://magic.com/api/v3"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "https://127.0.0.1" }, "https://127.0.0.1/api/v3"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "http://127.0.0.1:8080/" }, "http://127.0.0.1:8080/api/v3"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "https://host/prefix" }, "https://host/prefix/api/v3"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "https://host/prefix/" }, "https://host/prefix/api/v3"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "ftp://host" }, "error:USAGE"],
    [{ DIST_INSTALLER_GHE_BASE_URL: "https://a", DIST_INSTALLER_GITHUB_BASE_URL: "https://b" }, "error:USAGE"],
  ];
  for (const [env, want] of cases) {
    it(`${JSON.stringify(env)} → ${want}`, () => {
      if (want.startsWith("error:")) {
        try {
          base("dist", env);
          expect.fail("no error");
        } catch (e) {
          expect(UpdaterError.is(e) && e.code).toBe(want.slice(6));
        }
      } else {
        expect(base("dist", env)).toBe(want);
      }
    });
  }
  it("names both variables when both are set", () => {
    expect(() => base("dist", { DIST_INSTALLER_GHE_BASE_URL: "https://a", DIST_INSTALLER_GITHUB_BASE_URL: "https://b" })).toThrow(
      /DIST_INSTALLER_GHE_BASE_URL and DIST_INSTALLER_GITHUB_BASE_URL/,
    );
  });
});

describe("nextPageUrl (RFC 8288)", () => {
  const full = `
    <https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first"
  `;
  // [header, expected next]
  const cases: [string | undefined, string | undefined][] = [
    [full, "https://api.github.com/repositories/1300192/issues?page=4"],
    [full.replace(/, <[^>]*page=4>; rel="next"/, ""), undefined],
    ["", undefined],
    [undefined, undefined],
    ['<https://x/nextthing?page=1>; rel="prev", <https://x/?page=3>; rel="next"', "https://x/?page=3"],
    ["<https://x/?page=9>; rel=next", "https://x/?page=9"],
    ['<https://x/ü?page=2>; rel="next"', "https://x/ü?page=2"],
    ['<https://x/?page=2>; title="a"; rel="last next"', "https://x/?page=2"],
  ];
  for (const [header, want] of cases) it(`${JSON.stringify(header)?.slice(0, 60)} → ${want}`, () => expect(nextPageUrl(header)).toBe(want));
});

describe("toRelease", () => {
  const wire = {
    tag_name: "v1.2.3",
    name: null,
    prerelease: false,
    draft: false,
    assets: [
      { name: "app-installer.sh", browser_download_url: "https://d/app-installer.sh", url: "https://api/a/1", size: 10, digest: "sha256:ab" },
      { name: "broken" },
    ],
  };
  it("maps fields, tolerates a null name and skips malformed assets", () => {
    expect(toRelease(wire, "app")).toEqual({
      tag: "v1.2.3",
      version: "1.2.3",
      name: null,
      prerelease: false,
      draft: false,
      assets: [{ name: "app-installer.sh", downloadUrl: "https://d/app-installer.sh", apiUrl: "https://api/a/1", size: 10, digest: "sha256:ab" }],
    });
  });
  it("drops a release whose tag names no version of the app", () => {
    expect(toRelease({ ...wire, tag_name: "other-v1.0.0" }, "app")).toBeUndefined();
    expect(toRelease({ ...wire, tag_name: 5 }, "app")).toBeUndefined();
  });
});

describe("tag URLs", () => {
  it("escapes each segment but keeps slashes", () => {
    expect(encodeTag("release/v1.0.0+build")).toBe("release/v1.0.0%2Bbuild");
    expect(tagReleaseUrl("https://api.github.com/", "o", "r", "v1 2")).toBe("https://api.github.com/repos/o/r/releases/tags/v1%202");
  });
});
