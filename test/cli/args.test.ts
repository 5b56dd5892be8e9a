import { describe, expect, it } from "vitest";
import { helpText, parseCliArgs } from "../../src/cli/args.js";
import { UpdaterError } from "../../src/errors.js";

describe("parseCliArgs", () => {
  // [argv, expected subset]
  const ok: [string[], Record<string, unknown>][] = [
    [[], { request: { kind: "latest" }, check: false, json: false }],
    [["update"], { request: { kind: "latest" } }],
    [["update", "--check", "--json"], { check: true, json: true }],
    [["--prerelease"], { request: { kind: "prerelease" } }],
    [["--version", "1.2.3"], { request: { kind: "version", version: "1.2.3" } }],
    [["--version=v1.2.3"], { request: { kind: "version", version: "1.2.3" } }],
    [["--tag", "release/v1.0.0"], { request: { kind: "tag", tag: "release/v1.0.0" } }],
    [["--tag", "v1", "--prerelease"], { request: { kind: "tag", tag: "v1" } }],
    [["-q", "--dry-run"], { quiet: true, dryRun: true }],
    [["-v", "--force", "--token", "abc"], { verbose: true, force: true, token: "abc" }],
    [["--timeout", "2.5"], { timeoutSeconds: 2.5 }],
    [["-V"], { updaterVersion: true }],
    [["-h"], { help: true }],
  ];
  for (const [argv, want] of ok) it(JSON.stringify(argv), () => expect(parseCliArgs(argv)).toMatchObject(want));

  // [argv, message substring] — all USAGE
  const bad: [string[], string][] = [
    [["--tag", "v1", "--version", "1.0.0"], "Both `tag` and `version` are specified; these options are mutually exclusive!"],
    [["--bogus"], "unknown option '--bogus'"],
    [["-x"], "unknown option '-x'"],
    [["install"], "unexpected argument 'install'"],
    [["update", "now"], "unexpected argument 'now'"],
    [["--version", "1.0"], "is not a semantic version"],
    [["--version"], "argument missing"],
    [["--timeout", "soon"], "--timeout"],
    [["--timeout", "0"], "--timeout"],
    [["--check", "--dry-run"], "cannot be used together"],
    [["-q", "-v"], "cannot be used together"],
    [["--tag", " "], "--tag"],
  ];
  for (const [argv, message] of bad) {
    it(`${JSON.stringify(argv)} → USAGE`, () => {
      try {
        parseCliArgs(argv);
        expect.fail("accepted");
      } catch (e) {
        expect(UpdaterError.is(e) && e.code).toBe("USAGE");
        expect((e as Error).message).toContain(message);
      }
    });
  }
});

describe("helpText", () => {
  it("names the program as invoked and lists every flag", () => {
    const text = helpText("axolotlsay-update", "0.1.0");
    expect(text).toContain("Usage: axolotlsay-update [update] [OPTIONS]");
    for (const flag of ["--tag", "--version", "--prerelease", "--check", "--dry-run", "--json", "--quiet", "--verbose", "--token", "--timeout", "--force", "--updater-version", "--help"]) {
      expect(text).toContain(flag);
    }
  });
});
