// The run's HTTP client: settings from the Config, created on first use, a mirror run without the token.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { httpSettingsFor, withHttp } from "../../src/update/http.js";
import { startFakeGithub } from "../helpers/fake-github.js";

describe("httpSettingsFor", () => {
  it("the token only for the API origin the environment chose, the cache under upkeep's cache dir", () => {
    const config = resolveConfig({
      app: "axolotlsay",
      cacheDir: "/c",
      env: { HOME: "/h", AXOLOTLSAY_GITHUB_TOKEN: "ghp_x", AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "https://ghe.example" },
    });
    expect(httpSettingsFor(config)).toMatchObject({
      apiOrigin: "https://ghe.example/api/v3",
      token: "ghp_x",
      cacheDir: "/c/http",
      attempts: 3,
      timeoutMs: 30_000,
    });
  });
});

describe("withHttp", () => {
  it("creates no client for a run that makes no request", async () => {
    // A bad base would throw when the client is created: it never is.
    const config = resolveConfig(
      { app: "x", env: { HOME: "/h", X_INSTALLER_GHE_BASE_URL: "https://a", X_INSTALLER_GITHUB_BASE_URL: "https://b" } },
      undefined,
      { githubBase: "when-used" },
    );
    await expect(withHttp(config, async () => "done")).resolves.toBe("done");
  });

  it("sends the token to the API, and none after dropToken (a mirror)", async () => {
    const gh = await startFakeGithub({ releases: [] });
    const env = { HOME: "/h", AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase, GITHUB_TOKEN: "ghp_run" };
    const url = `${gh.apiBase}/repos/axodotdev/axolotlsay/releases`;
    await withHttp(resolveConfig({ app: "axolotlsay", env, cacheDir: "/nonexistent" }), (http) => http.get(url));
    await withHttp(resolveConfig({ app: "axolotlsay", env, cacheDir: "/nonexistent" }), async (http) => {
      http.dropToken?.();
      return http.get(url);
    });
    expect(gh.apiRequests(/releases/).map((r) => r.headers.authorization)).toEqual(["Bearer ghp_run", undefined]);
  });

  it("dropToken after the first request is a bug, not a silent leak", async () => {
    const gh = await startFakeGithub({ releases: [] });
    const config = resolveConfig({ app: "axolotlsay", env: { HOME: "/h", AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase }, cacheDir: "/nonexistent" });
    await expect(
      withHttp(config, async (http) => {
        await http.get(`${gh.apiBase}/repos/axodotdev/axolotlsay/releases`);
        http.dropToken?.();
      }),
    ).rejects.toThrow(/dropToken after the first request/);
  });
});
