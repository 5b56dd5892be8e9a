import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { strictVersion } from "../../src/core/version.js";
import { archiveTime, main, release, ReleaseError, validate } from "../../src/release/release.js";
import { tmpDir } from "../helpers/fake-app.js";

const base = { app: "axolotlsay", version: "1.2.3", repo: "axodotdev/axolotlsay", binaries: "b", updater: "u", out: "o" };

describe("validate", () => {
  it("fills the defaults: tag v<version>, GitHub's download URL, CARGO_HOME", () => {
    expect(validate(base)).toEqual({
      ...base,
      owner: "axodotdev",
      repo: "axolotlsay",
      tag: "v1.2.3",
      baseUrl: "https://github.com/axodotdev/axolotlsay/releases/download/v1.2.3",
      installPath: "CARGO_HOME",
      aliases: [],
    });
    expect(validate({ ...base, "base-url": "https://m.example/a/", alias: ["axolotlsay=axo"], tag: "axolotlsay/1.2.3" })).toMatchObject({
      baseUrl: "https://m.example/a",
      aliases: [["axolotlsay", "axo"]],
      tag: "axolotlsay/1.2.3",
    });
  });

  it("takes exactly the versions the updater reads (core/version.ts)", () => {
    for (const version of ["1.2.3", "1.0.0-rc.1+build.5", "1.0.0-01", "v1.2.3", "1.2", "01.2.3", "1.2.3-", `1.2.3-${"a".repeat(300)}`]) {
      const accepted = (() => {
        try {
          validate({ ...base, version });
          return true;
        } catch (error) {
          expect(error).toBeInstanceOf(ReleaseError);
          expect((error as Error).message).toContain("is not a semantic version");
          return false;
        }
      })();
      expect(accepted, version).toBe(strictVersion(version) !== undefined);
    }
  });

  it("refuses what cannot sit in an installer", () => {
    expect(() => validate({ ...base, app: "my.app" })).toThrow("must start with a letter");
    expect(() => validate({ ...base, "install-path": "/opt/x" })).toThrow("must be CARGO_HOME, ~/dir or $VAR/dir");
    expect(() => validate({ ...base, "base-url": "https://x/$(id)" })).toThrow("must be a plain http(s) URL");
    expect(() => validate({ ...base, "base-url": "not a url" })).toThrow("is not a URL");
    expect(() => validate({ ...base, alias: ["a"] })).toThrow("must look like BIN=ALIAS");
    expect(() => validate({ ...base, tag: "v1 2" })).toThrow("has characters a release tag cannot have");
    expect(() => validate({ ...base, out: "" })).toThrow("--out is required");
  });
});

describe("release", () => {
  it("stamps the archives with the given time, so two runs are identical", () => {
    const work = tmpDir();
    mkdirSync(path.join(work, "b", "x86_64-unknown-linux-gnu"), { recursive: true });
    mkdirSync(path.join(work, "u", "x86_64-unknown-linux-gnu"), { recursive: true });
    writeFileSync(path.join(work, "b", "x86_64-unknown-linux-gnu", "axolotlsay"), "bin\n");
    writeFileSync(path.join(work, "u", "x86_64-unknown-linux-gnu", "upkeep"), "upkeep\n");
    const o = { ...base, binaries: path.join(work, "b"), updater: path.join(work, "u"), mtime: 1_700_000_000 };
    const files = release({ ...o, out: path.join(work, "1") });
    release({ ...o, out: path.join(work, "2") });
    expect(readdirSync(path.join(work, "1")).sort()).toEqual([...files].sort());
    expect(readFileSync(path.join(work, "1", "sha256.sum"), "utf8")).toBe(readFileSync(path.join(work, "2", "sha256.sum"), "utf8"));
    expect(readFileSync(path.join(work, "1", "sha256.sum"), "utf8")).toMatch(/^[0-9a-f]{64} \*axolotlsay-installer\.sh$/m);
  });
});

describe("main", () => {
  it("exits 2 on a usage error, 0 for --help, 1 for a refusal", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(await main(["--sign"])).toBe(2);
      expect(await main(["--help"])).toBe(0);
      expect(await main(["--app", "a"])).toBe(1);
      expect(String(err.mock.calls.at(-1)?.[0])).toContain("--version is required");
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });

  it("takes SOURCE_DATE_EPOCH from the launcher as the archives' time", () => {
    expect(archiveTime({ sourceDateEpoch: "1700000000" })).toBe(1_700_000_000);
    expect(archiveTime({})).toBeUndefined();
  });
});
