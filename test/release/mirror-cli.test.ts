import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/release/mirror-cli.js";

describe("mirror main", () => {
  it("says how to call it, and exits 1", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["--out", "x"], {})).toBe(1);
      expect(String(err.mock.calls[0]?.[0])).toBe("mirror: usage: --out DIR --app NAME and one of --github OWNER/REPO or --from-release DIR\n");
      expect(await main(["--out", "x", "--app", "a", "--github", "nope"], {})).toBe(1);
      expect(String(err.mock.calls[1]?.[0])).toContain('--github "nope" must look like OWNER/REPO');
    } finally {
      err.mockRestore();
    }
  });
});

describe("mirror main, end to end in this process", () => {
  it("takes GITHUB_TOKEN from the launcher when no --token is given", async () => {
    const { startFakeGithub } = await import("../helpers/fake-github.js");
    const { tmpDir } = await import("../helpers/fake-app.js");
    const gh = await startFakeGithub({ releases: [{ tag: "v1.0.0", assets: [{ name: "axolotlsay-installer.sh", body: "#!/bin/sh\n" }] }], token: "ghp_env" });
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const args = ["--out", tmpDir(), "--app", "axolotlsay", "--github", `${gh.owner}/${gh.repo}`, "--api-url", gh.apiBase];
      expect(await main(args, { githubToken: "ghp_env" })).toBe(0);
      expect(err.mock.calls.map(([t]) => String(t)).join("")).toContain("mirror: 1 releases; 1 assets copied");
      expect(await main(args, {})).toBe(1);
    } finally {
      err.mockRestore();
    }
  });
});

describe("mirror main --from-release: where the release's installers download from", () => {
  it("says a --mirror release's installers use this mirror, and warns that a GitHub-rendered one's do not", async () => {
    const { makeRelease } = await import("../helpers/installers.js");
    const { tmpDir } = await import("../helpers/fake-app.js");
    const rows: [mirror: string | undefined, line: string][] = [
      [
        "https://m.example/axo",
        "its installers download from https://m.example/axo/v1.0.0 and record the mirror https://m.example/axo: serve this directory there",
      ],
      [undefined, "note: its installers download from https://github.com/axodotdev/axolotlsay/releases/download/v1.0.0 and record GitHub as the source"],
    ];
    for (const [mirror, line] of rows) {
      const dir = makeRelease({ version: "1.0.0", ...(mirror ? { mirror } : {}) });
      const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
      try {
        expect(await main(["--out", tmpDir(), "--app", "axolotlsay", "--from-release", dir], {})).toBe(0);
        expect(err.mock.calls.map(([t]) => String(t)).join("")).toContain(`mirror: ${line}`);
      } finally {
        err.mockRestore();
      }
    }
  });
});
