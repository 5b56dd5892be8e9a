import { describe, expect, it } from "vitest";
import type { Http, HttpResponse } from "../../src/io/http.js";
import { fromGithub, githubHttp, mirrorGithub } from "../../src/release/mirror-github.js";
import { tmpDir } from "../helpers/fake-app.js";
import { startFakeGithub } from "../helpers/fake-github.js";

const installer = (tag: string) => ({ name: "axolotlsay-installer.sh", body: `#!/bin/sh\necho ${tag}\n` });

// An Http that answers the release list with `body` and records what was asked.
function stubHttp(body: unknown, link?: string): Http & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    async get(url): Promise<HttpResponse> {
      urls.push(url);
      return { url, status: 200, headers: link && urls.length === 1 ? { link } : {}, body: Buffer.from(JSON.stringify(body)) };
    },
    async close() {},
  };
}

describe("fromGithub", () => {
  it("lists every non-draft release (prereleases when asked), page by page", async () => {
    const gh = await startFakeGithub({
      releases: [
        { tag: "v3.0.0-rc.1", prerelease: true, assets: [installer("3")] },
        { tag: "v2.5.0", draft: true, assets: [installer("2.5")] },
        { tag: "v2.0.0", assets: [installer("2")] },
        { tag: "nightly", assets: [installer("n")] },
      ],
    });
    const http = await githubHttp({ apiUrl: gh.apiBase });
    try {
      const stable = await fromGithub(http, { app: "axolotlsay", repo: `${gh.owner}/${gh.repo}`, apiUrl: gh.apiBase });
      expect(stable.map((r) => [r.tag, r.assets.length])).toEqual([
        ["v2.0.0", 1],
        ["nightly", 0],
      ]);
      const all = await fromGithub(http, { app: "axolotlsay", repo: `${gh.owner}/${gh.repo}`, apiUrl: gh.apiBase, prereleases: true });
      expect(all.map((r) => r.tag)).toEqual(["v3.0.0-rc.1", "v2.0.0", "nightly"]);
      expect((await all[1]!.read(all[1]!.assets[0]!)).toString()).toBe("#!/bin/sh\necho 2\n");
    } finally {
      await http.close();
    }
  });

  it("follows the Link header to the next page", async () => {
    const http = stubHttp([{ tag_name: "v1.0.0", assets: [] }], '<https://api.example/repos/o/r/releases?page=2>; rel="next"');
    const out = await fromGithub(http, { app: "a", repo: "o/r", apiUrl: "https://api.example" });
    expect(http.urls).toEqual(["https://api.example/repos/o/r/releases?per_page=100", "https://api.example/repos/o/r/releases?page=2"]);
    expect(out.map((r) => r.tag)).toEqual(["v1.0.0", "v1.0.0"]);
  });

  it("refuses an asset whose address the updater would not follow, before fetching it", async () => {
    const http = stubHttp([{ tag_name: "v1.0.0", assets: [{ name: "a-installer.sh", browser_download_url: "file:///etc/passwd" }] }]);
    const [r] = await fromGithub(http, { app: "a", repo: "o/r", apiUrl: "https://api.example" });
    await expect(r!.read(r!.assets[0]!)).rejects.toThrow("refusing to download a-installer.sh: it uses the file: scheme");
    expect(http.urls).toHaveLength(1);
  });
});

describe("mirrorGithub", () => {
  it("sends the token to the API only: assets come through the API address and the storage host sees none", async () => {
    const gh = await startFakeGithub({ releases: [{ tag: "v1.0.0", assets: [installer("1")] }], token: "ghp_secret" });
    const stats = await mirrorGithub(tmpDir(), { app: "axolotlsay", repo: `${gh.owner}/${gh.repo}`, apiUrl: gh.apiBase, token: "ghp_secret" });
    expect(stats).toMatchObject({ releases: 1, copied: 1, unverified: 0 });
    const downloads = gh.log.filter((l) => l.server === "download");
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((l) => l.headers.authorization === undefined)).toBe(true);
    expect(gh.log.filter((l) => l.server === "api").every((l) => l.headers.authorization === "Bearer ghp_secret")).toBe(true);
  });
});
