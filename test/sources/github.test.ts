import { describe, expect, it } from "vitest";
import { failure } from "../helpers/failure.js";
import { testHttp } from "../helpers/http.js";
import { githubSource } from "../../src/sources/github.js";
import type { UpdateRequest } from "../../src/types.js";
import { fakeRelease } from "../helpers/fake-app.js";
import { startFakeGithub, type FakeGithubOptions } from "../helpers/fake-github.js";

async function setup(o: FakeGithubOptions & { token?: string; tokenFrom?: string } = {}) {
  const fake = await startFakeGithub(o);
  const http = await testHttp({ apiOrigin: fake.apiOrigin, token: o.token, attempts: 3, backoffMs: 5 });
  const source = githubSource({ http, apiBase: fake.apiBase, owner: fake.owner, repo: fake.repo, app: "axolotlsay", tokenFrom: o.tokenFrom });
  return { fake, source };
}

// 250 releases, newest first: 1.0.249 … 1.0.0.
const many = (tag: (v: string) => string = (v) => `v${v}`) =>
  Array.from({ length: 250 }, (_, i) => {
    const v = `1.0.${249 - i}`;
    return fakeRelease(v, { tag: tag(v) });
  });

describe("GitHub source: request economy", () => {
  it("latest is one request to /releases/latest", async () => {
    const { fake, source } = await setup({ releases: many() });
    expect((await source.find({ kind: "latest" })).version).toBe("1.0.249");
    expect(fake.apiRequests().map((r) => r.path)).toEqual(["/api/v3/repos/axodotdev/axolotlsay/releases/latest"]);
  });

  it("--version among 250 releases is one request when the tag is v<version>", async () => {
    const { fake, source } = await setup({ releases: many() });
    expect((await source.find({ kind: "version", version: "1.0.3" })).tag).toBe("v1.0.3");
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it("--version with another tag style lists 100 per page and stops when found (≤ 3 requests)", async () => {
    const { fake, source } = await setup({ releases: many((v) => `axolotlsay-v${v}`) });
    const found = await source.find({ kind: "version", version: "1.0.120" }); // position 130: page 2
    expect(found.tag).toBe("axolotlsay-v1.0.120");
    const paths = fake.apiRequests().map((r) => r.path);
    expect(paths).toEqual([
      "/api/v3/repos/axodotdev/axolotlsay/releases/tags/v1.0.120",
      "/api/v3/repos/axodotdev/axolotlsay/releases?per_page=100",
      "/api/v3/repos/axodotdev/axolotlsay/releases?per_page=100&page=2",
    ]);
  });

  it("--prerelease must see every page (3 for 250 releases) and takes the highest", async () => {
    const releases = many();
    releases.splice(200, 0, fakeRelease("2.0.0-rc.1", { prerelease: true }));
    const { fake, source } = await setup({ releases });
    expect((await source.find({ kind: "prerelease" })).version).toBe("2.0.0-rc.1");
    expect(fake.apiRequests()).toHaveLength(3);
  });

  it("falls back to the list when /latest has no installer (2 requests)", async () => {
    const { fake, source } = await setup({
      releases: [fakeRelease("2.0.0", { noShellInstaller: true, extraAssets: [] }), fakeRelease("1.5.0")].map((r, i) =>
        i === 0 ? { ...r, assets: r.assets.filter((a) => !a.name.includes("installer")) } : r,
      ),
    });
    expect((await source.find({ kind: "latest" })).version).toBe("1.5.0");
    expect(fake.apiRequests()).toHaveLength(2);
  });
});

describe("GitHub source: selection", () => {
  // [label, releases, request, expected tag or error code]
  const cases: [string, ReturnType<typeof fakeRelease>[], UpdateRequest, string][] = [
    ["a null release name is fine", [fakeRelease("1.1.0", { name: null })], { kind: "latest" }, "v1.1.0"],
    ["drafts are never picked", [fakeRelease("9.0.0", { draft: true }), fakeRelease("1.1.0", { prerelease: true })], { kind: "prerelease" }, "v1.1.0"],
    ["only prereleases: no stable release", [fakeRelease("1.1.0", { prerelease: true })], { kind: "latest" }, "RELEASE_NOT_FOUND"],
    ["--tag with a slash", [fakeRelease("1.1.0", { tag: "release/v1.1.0" })], { kind: "tag", tag: "release/v1.1.0" }, "release/v1.1.0"],
    ["--tag that does not exist", [fakeRelease("1.1.0")], { kind: "tag", tag: "v9.9.9" }, "RELEASE_NOT_FOUND"],
    ["--tag naming another app", [fakeRelease("1.1.0", { tag: "other-v1.1.0" })], { kind: "tag", tag: "other-v1.1.0" }, "RELEASE_NOT_FOUND"],
    ["--version not published", [fakeRelease("1.1.0")], { kind: "version", version: "3.0.0" }, "RELEASE_NOT_FOUND"],
    ["--tag of a release without installer", [{ ...fakeRelease("1.1.0"), assets: [] }], { kind: "tag", tag: "v1.1.0" }, "NO_INSTALLER"],
    ["--version of a release without installer", [{ ...fakeRelease("1.1.0"), assets: [] }], { kind: "version", version: "1.1.0" }, "NO_INSTALLER"],
  ];
  for (const [label, releases, request, want] of cases) {
    it(label, async () => {
      const { source } = await setup({ releases });
      if (/^[A-Z_]+$/.test(want)) expect((await failure(source.find(request))).code).toBe(want);
      else expect((await source.find(request)).tag).toBe(want);
    });
  }
});

describe("GitHub source: errors", () => {
  it("rate limit on /latest is reported at once with the reset time and the token hint", async () => {
    const { fake, source } = await setup({ releases: [fakeRelease("1.1.0")] });
    const reset = Math.floor(Date.now() / 1000) + 1800;
    fake.inject({
      match: /releases/,
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "60", "x-ratelimit-reset": String(reset) },
      body: '{"message":"API rate limit exceeded"}',
    });
    const e = await failure(source.find({ kind: "latest" }));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.message).toContain(new Date(reset * 1000).toISOString());
    expect(e.message).toContain("60 requests per hour");
    expect(e.hint).toContain("AXOLOTLSAY_GITHUB_TOKEN");
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it("401 is BAD_TOKEN naming where the token came from", async () => {
    const { fake, source } = await setup({ releases: [fakeRelease("1.1.0")], token: "ghp_bad_token", tokenFrom: "GITHUB_TOKEN" });
    fake.inject({ match: /releases/, status: 401, body: '{"message":"Bad credentials"}' });
    const e = await failure(source.find({ kind: "latest" }));
    expect(e.code).toBe("BAD_TOKEN");
    expect(e.hint).toContain("GITHUB_TOKEN");
    expect(e.message).not.toContain("ghp_bad_token");
  });

  it("an unknown repository is RELEASE_NOT_FOUND with the private-repo hint", async () => {
    const fake = await startFakeGithub({ releases: [fakeRelease("1.1.0")] });
    const http = await testHttp({ apiOrigin: fake.apiOrigin });
    const source = githubSource({ http, apiBase: fake.apiBase, owner: "nobody", repo: "nothing", app: "axolotlsay", tokenFrom: undefined });
    const e = await failure(source.find({ kind: "latest" }));
    expect(e.code).toBe("RELEASE_NOT_FOUND");
    expect(e.message).toContain("nobody/nothing");
    expect(e.hint).toContain("private");
    expect(fake.apiRequests().map((r) => r.path)).toEqual([
      "/api/v3/repos/nobody/nothing/releases/latest",
      "/api/v3/repos/nobody/nothing/releases?per_page=100",
    ]);
  });

  it("a private repository without a token is RELEASE_NOT_FOUND; with it, found", async () => {
    const priv = await startFakeGithub({ releases: [fakeRelease("1.1.0")], token: "ghp_private_token" });
    const anon = await testHttp({ apiOrigin: priv.apiOrigin });
    const s1 = githubSource({ http: anon, apiBase: priv.apiBase, owner: priv.owner, repo: priv.repo, app: "axolotlsay", tokenFrom: undefined });
    const e = await failure(s1.find({ kind: "latest" }));
    expect(e.code).toBe("RELEASE_NOT_FOUND");
    expect(e.hint).toContain("private");
    const authed = await testHttp({ apiOrigin: priv.apiOrigin, token: "ghp_private_token" });
    const s2 = githubSource({ http: authed, apiBase: priv.apiBase, owner: priv.owner, repo: priv.repo, app: "axolotlsay", tokenFrom: "--token" });
    expect((await s2.find({ kind: "latest" })).tag).toBe("v1.1.0");
  });

  it("a 5xx is retried, then NETWORK", async () => {
    const { fake, source } = await setup({ releases: [fakeRelease("1.1.0")] });
    fake.inject({ match: /releases\/latest/, status: 502, body: "<html>bad gateway</html>" });
    const e = await failure(source.find({ kind: "latest" }));
    expect(e.code).toBe("NETWORK");
    expect(e.message).toContain("502");
    expect(fake.apiRequests()).toHaveLength(3);
  });

  it("a non-JSON 200 is NETWORK, not a crash", async () => {
    const { fake, source } = await setup({ releases: [fakeRelease("1.1.0")] });
    fake.inject({ match: /releases\/latest/, status: 200, body: "<html>captive portal</html>" });
    expect((await failure(source.find({ kind: "latest" }))).code).toBe("NETWORK");
  });
});
