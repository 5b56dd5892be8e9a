import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FLAGS, parseCliArgs, parseMachineArgs } from "../../src/cli/args.js";
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
    [[], { notify: false }],
    [["--notify"], { notify: true, check: false }],
    [["--notify", "--token", "t", "--source", "https://m.example/axolotlsay"], { notify: true, token: "t" }],
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
    [["--version"], "--version needs a value: the version to install"],
    [["--version", "--json"], "--version needs a value"],
    [["--tag"], "--tag needs a value (TAG)"],
    [["--tag", "--json"], "write --tag=--json"],
    [["--json=1"], "--json takes no value"],
    [["--tag", "a", "--tag", "b"], "--tag is given more than once"],
    [["--dry-rn"], "unknown option '--dry-rn' (did you mean '--dry-run'?)"],
    [["--verison", "1.0.0"], "(did you mean '--version'?)"],
    [["-dry-run"], "unknown option '-dry-run' (did you mean '--dry-run'?)"],
    [["-qx"], "unknown option '-x'"],
    [["--all"], "'upkeep update --all' updates every app"],
    [["--timeout", "1e3"], '--timeout "1e3" is not a number of seconds'],
    [["--timeout", "0x10"], "--timeout"],
    [["--jitter", "1e3"], '--jitter "1e3"'],
    [["--token="], "--token needs a value"],
    [["--timeout", "soon"], "--timeout"],
    [["--timeout", "0"], "--timeout"],
    [["--check", "--dry-run"], "cannot be used together"],
    [["-q", "-v"], "cannot be used together"],
    [["--tag", " "], "--tag"],
    [["--notify", "--check"], "--notify cannot be used with --check"],
    [["--notify", "--json"], "--notify cannot be used with --json"],
    [["--notify", "--timeout", "5"], "--notify cannot be used with --timeout"],
    [["--notify=1"], "--notify takes no value"],
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

describe("--uninstall", () => {
  it("takes --dry-run, --json, --quiet and --verbose; refuses what picks or fetches a release", () => {
    expect(parseCliArgs(["--uninstall", "--dry-run", "--json"])).toMatchObject({ uninstall: true, dryRun: true, json: true, check: false });
    expect(parseCliArgs([])).toMatchObject({ uninstall: false });
    for (const other of ["--check", "--force", "--tag=v1", "--prerelease"]) {
      expect(() => parseCliArgs(["--uninstall", other])).toThrow(`--uninstall cannot be used with --${other.slice(2).replace(/=.*/, "")}`);
    }
    expect(parseMachineArgs(["uninstall", "a", "b", "--dry-run"])).toMatchObject({ command: "uninstall", apps: ["a", "b"], dryRun: true });
  });
});

describe("README's flag table", () => {
  it("has a row for every flag of the one table", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const table = readme.slice(readme.indexOf("## For scripts"), readme.indexOf("A value may follow its flag"));
    const rows = [...table.matchAll(/^\| (?:`-\w`, )?`--([a-z-]+)/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(FLAGS.map((f) => f.name).sort());
  });
});

describe("signature flags", () => {
  it("--public-key repeats, in order; --allow-legacy-signature is a switch", () => {
    expect(parseCliArgs(["--public-key", "K1", "--public-key=K2"])).toMatchObject({ publicKeys: ["K1", "K2"], allowLegacySignature: false });
    expect(parseCliArgs(["--allow-legacy-signature"])).toMatchObject({ publicKeys: undefined, allowLegacySignature: true });
    expect(parseMachineArgs(["update", "hello", "--public-key", "K1", "--public-key", "K2"])).toMatchObject({ publicKeys: ["K1", "K2"], apps: ["hello"] });
  });
  // [argv, machine?, message]
  const bad: [string[], boolean, RegExp][] = [
    [["--public-key"], false, /--public-key needs a value \(KEY\)/],
    [["--public-key="], false, /--public-key needs a value: the base64 line/],
    [["update", "--all", "--public-key", "K"], true, /--public-key is one app's signing key: name exactly one APP/],
    [["update", "a", "b", "--public-key", "K"], true, /name exactly one APP/],
    [["list", "--public-key", "K"], true, /--public-key does not apply to 'upkeep list'/],
    [["doctor", "--allow-legacy-signature"], true, /does not apply to 'upkeep doctor'/],
  ];
  for (const [argv, machine, message] of bad) {
    it(`refuses ${argv.join(" ")}`, () => expect(() => (machine ? parseMachineArgs(argv) : parseCliArgs(argv))).toThrow(message));
  }
});

describe("parseMachineArgs", () => {
  // [argv, expected subset]
  const ok: [string[], Record<string, unknown>][] = [
    [["list"], { command: "list", apps: [], all: false }],
    [["check", "--all", "--json"], { command: "check", all: true, json: true }],
    [["update", "hello", "--version", "1.0.0"], { command: "update", apps: ["hello"], request: { kind: "version", version: "1.0.0" } }],
    [["update", "hello", "--tag", "v1"], { request: { kind: "tag", tag: "v1" } }],
    [["update", "--prerelease", "--force", "--dry-run"], { request: { kind: "prerelease" }, force: true, dryRun: true }],
    [["update", "a", "b", "a"], { apps: ["a", "b"] }],
    [["--version"], { updaterVersion: true, command: undefined }],
    [["--version", "--json"], { updaterVersion: true }],
    [["-V"], { updaterVersion: true }],
    [["update", "-V"], { updaterVersion: true }],
    [["--help"], { help: true }],
    [["doctor", "--timeout", "2.5", "--source", "https://m"], { timeoutSeconds: 2.5, source: "https://m" }],
  ];
  for (const [argv, want] of ok) it(JSON.stringify(argv), () => expect(parseMachineArgs(argv)).toMatchObject(want));

  // [argv, message substring] — all USAGE
  const bad: [string[], string][] = [
    [[], "name a command"],
    [["updte"], "unknown command 'updte' (did you mean 'update'?)"],
    [["frobnicate"], "unknown command 'frobnicate'; the commands are"],
    [["update", "--version", "1.0.0"], "name exactly one APP"],
    [["update", "a", "b", "--version", "1.0.0"], "name exactly one APP"],
    [["update", "--all", "--tag", "v1"], "name exactly one APP"],
    [["update", "--version"], "--version needs a value: the version to install, as in 'upkeep update APP --version 1.2.3'"],
    [["check", "--dry-run"], "--dry-run does not apply to 'upkeep check' (only to: update, uninstall)"],
    [["list", "--force"], "--force does not apply to 'upkeep list'"],
    [["doctor", "--version", "1.0.0", "a"], "--version does not apply to 'upkeep doctor'"],
    [["check", "--check"], "checking is a command, 'upkeep check'"],
    [["update", "--dry-rn"], "did you mean '--dry-run'?"],
    [["update", "--all", "a"], "name apps or pass --all, not both"],
    [["update", "../x"], "is not an app name"],
    [["check", "--timeout", "1e3"], '--timeout "1e3"'],
    [["check", "--jitter", "-1"], "--jitter needs a value"],
    [["update", "-q", "-v"], "cannot be used together"],
    [["update", "a", "--tag", "v1", "--version", "1.0.0"], "mutually exclusive"],
  ];
  for (const [argv, message] of bad) {
    it(`${JSON.stringify(argv)} → USAGE`, () => {
      try {
        parseMachineArgs(argv);
        expect.fail("accepted");
      } catch (e) {
        expect(UpdaterError.is(e) && e.code).toBe("USAGE");
        expect((e as Error).message).toContain(message);
      }
    });
  }
});
