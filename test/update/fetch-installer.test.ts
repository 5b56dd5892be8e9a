import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planInstall } from "../../src/core/plan.js";
import { parseReceipt } from "../../src/core/receipt.js";
import { toRelease } from "../../src/core/github.js";
import { UpdaterError } from "../../src/errors.js";
import { fetchInstaller } from "../../src/update/fetch-installer.js";
import { testHttp } from "../helpers/http.js";
import type { Warning } from "../../src/types.js";
import { fakeRelease, installerScript, makeReceipt, type ReleaseOptions } from "../helpers/fake-app.js";
import { startFakeGithub } from "../helpers/fake-github.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const script = installerScript({ version: "2.0.0" });

async function fetchWith(o: ReleaseOptions, viaApi = false, token?: string) {
  const gh = await startFakeGithub({ releases: [fakeRelease("2.0.0", o)] });
  const http = await testHttp({ apiOrigin: gh.apiOrigin, token });
  const res = await http.get(`${gh.apiBase}/repos/axodotdev/axolotlsay/releases/latest`);
  const release = toRelease(JSON.parse(res.body.toString()), "axolotlsay")!;
  const receipt = parseReceipt(JSON.stringify(makeReceipt()), { file: "r", app: "axolotlsay" }).receipt;
  const plan = planInstall({ app: "axolotlsay", platform: "linux", release, receipt, env: {} });
  const warnings: Warning[] = [];
  const run = () => fetchInstaller(http, plan, viaApi, warnings);
  return { gh, run, warnings };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (UpdaterError.is(e)) return e.code;
    throw e;
  }
}

describe("fetchInstaller", () => {
  // [label, release options, expected: "verified" | "unverified" | error code]
  const cases: [string, ReleaseOptions, string][] = [
    ["GitHub digest matches", {}, "verified"],
    ["GitHub digest differs", { installerDigest: `sha256:${"1".repeat(64)}` }, "CHECKSUM_MISMATCH"],
    [
      "<asset>.sha256 matches",
      { installerDigest: null, extraAssets: [{ name: "axolotlsay-installer.sh.sha256", body: `${sha(script)} *axolotlsay-installer.sh\n\n` }] },
      "verified",
    ],
    [
      "<asset>.sha256 differs",
      { installerDigest: null, extraAssets: [{ name: "axolotlsay-installer.sh.sha256", body: `${sha("x")} *axolotlsay-installer.sh\n` }] },
      "CHECKSUM_MISMATCH",
    ],
    [
      "<asset>.sha256 is an HTML page: not a checksum file",
      { installerDigest: null, extraAssets: [{ name: "axolotlsay-installer.sh.sha256", body: "<html>nope</html>" }] },
      "DOWNLOAD_FAILED",
    ],
    [
      "sha256.sum is an HTML page: not a checksum file",
      { installerDigest: null, extraAssets: [{ name: "sha256.sum", body: "<!DOCTYPE html><html>Not Found</html>" }] },
      "DOWNLOAD_FAILED",
    ],
    [
      "digest matches but sha256.sum differs: every source is checked",
      { extraAssets: [{ name: "sha256.sum", body: `${sha("x")} *axolotlsay-installer.sh\n` }] },
      "CHECKSUM_MISMATCH",
    ],
    ["digest and sha256.sum both match", { extraAssets: [{ name: "sha256.sum", body: `${sha(script)} *axolotlsay-installer.sh\n` }] }, "verified"],
    [
      "sha256.sum lists it",
      { installerDigest: null, extraAssets: [{ name: "sha256.sum", body: `${sha("a")} *other\n${sha(script)} *axolotlsay-installer.sh\n` }] },
      "verified",
    ],
    ["sha256.sum without it: unverified", { installerDigest: null, extraAssets: [{ name: "sha256.sum", body: `${sha("a")} *other\n` }] }, "unverified"],
    ["no checksum anywhere: unverified", { installerDigest: null }, "unverified"],
    ["an HTML page", { installerBody: "<html><body>rate limited</body></html>", installerDigest: null }, "DOWNLOAD_FAILED"],
    ["an empty file", { installerBody: "", installerDigest: null }, "DOWNLOAD_FAILED"],
    ["not a script", { installerBody: "\u007fELF....", installerDigest: null }, "DOWNLOAD_FAILED"],
  ];
  for (const [label, options, want] of cases) {
    it(label, async () => {
      const { run, warnings } = await fetchWith(options);
      if (want === "verified" || want === "unverified") {
        const got = await run();
        expect(got.verified).toBe(want === "verified");
        expect(warnings.map((w) => w.code)).toEqual(want === "verified" ? [] : ["NO_CHECKSUM"]);
      } else {
        expect(await code(run())).toBe(want);
      }
    });
  }

  it("with a token, downloads through the API asset URL and the token stops at the API", async () => {
    const { gh, run } = await fetchWith({}, true, "ghp_tok_for_api");
    expect((await run()).verified).toBe(true);
    const asset = gh.log.find((l) => /\/releases\/assets\//.test(l.path));
    expect(asset?.headers.accept).toBe("application/octet-stream");
    expect(asset?.headers.authorization).toBe("Bearer ghp_tok_for_api");
    const storage = gh.log.find((l) => l.server === "download");
    expect(storage?.path).toMatch(/^\/storage\//);
    expect(storage?.headers.authorization).toBeUndefined();
  });
});
