// The first phase: --help, -V and usage errors answered from the arguments alone, everything else handed on.
import { describe, expect, it } from "vitest";
import { front, redactingOutput, runsAsMachine, type FrontHost } from "../../src/cli/front.js";

const APP = "/home/u/.cargo/bin/axolotlsay-update";
const MACHINE = "/usr/local/bin/upkeep";

// A host whose stderr must not be asked about unless an error is printed.
function host(invokedAs: string, argv: string[], env: Record<string, string> = {}, onStderrAsked?: () => boolean): FrontHost {
  return {
    argv,
    invokedAs,
    platform: "linux",
    env: { HOME: "/nonexistent", ...env },
    home: "/nonexistent",
    cwd: "/",
    get stderrIsTTY() {
      if (!onStderrAsked) throw new Error("stderr was asked about");
      return onStderrAsked();
    },
  };
}

function run(h: FrontHost) {
  let stdout = "";
  let stderr = "";
  const result = front(h, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { result, stdout, stderr };
}

describe("front: answered without any work", () => {
  // [invoked as, argv, exit status, stdout contains, stderr contains]
  const answered: [string, string[], number, string, string][] = [
    [APP, ["--help"], 0, "Usage: axolotlsay-update [update] [OPTIONS]", ""],
    [APP, ["update", "-h"], 0, "Usage: axolotlsay-update", ""],
    [APP, ["-V"], 0, "upkeep 0.1.0\n", ""],
    [APP, ["--updater-version"], 0, "upkeep 0.1.0\n", ""],
    [MACHINE, ["--help"], 0, "Usage: upkeep <COMMAND>", ""],
    [MACHINE, ["--version"], 0, "upkeep 0.1.0\n", ""],
    [MACHINE, ["-V"], 0, "upkeep 0.1.0\n", ""],
  ];
  for (const [invokedAs, argv, code, out, err] of answered) {
    it(`${invokedAs.split("/").pop()} ${argv.join(" ")} → ${code}, without asking about stderr`, () => {
      const r = run(host(invokedAs, argv));
      expect(r.result).toEqual({ done: code });
      expect(r.stdout).toContain(out);
      expect(r.stderr).toBe(err);
    });
  }

  // [invoked as, argv, message]
  const usage: [string, string[], string][] = [
    [APP, ["--bogus"], "error[USAGE]: unknown option '--bogus'"],
    [APP, ["--tag"], "--tag needs a value (TAG)"],
    [APP, ["--version"], "--version needs a value"],
    [MACHINE, ["frobnicate"], "unknown command 'frobnicate'"],
    [MACHINE, ["update", "--dry-rn"], "did you mean '--dry-run'?"],
  ];
  for (const [invokedAs, argv, message] of usage) {
    it(`${invokedAs.split("/").pop()} ${argv.join(" ")} → 2 with the usage error on stderr`, () => {
      const r = run(host(invokedAs, argv, {}, () => false));
      expect(r.result).toEqual({ done: 2 });
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe("");
    });
  }

  it("plain upkeep prints its help before the error, as git does", () => {
    const r = run(host(MACHINE, [], {}, () => false));
    expect(r.result).toEqual({ done: 2 });
    expect(r.stderr).toMatch(/^upkeep 0\.1\.0: updates every app[\s\S]*error\[USAGE\]: name a command/);
  });

  it("a usage error under --json is the JSON document on stdout, in either door", () => {
    const app = run(host(APP, ["--json", "--bogus"]));
    expect(app.result).toEqual({ done: 2 });
    expect(JSON.parse(app.stdout)).toMatchObject({ schema: "upkeep/1", result: "failed", error: { code: "USAGE" } });
    const machine = run(host(MACHINE, ["check", "--json", "--bogus"]));
    expect(JSON.parse(machine.stdout)).toMatchObject({ command: "check", ok: false, error: { code: "USAGE" } });
  });

  it("the error is red on a terminal, unless NO_COLOR is set", () => {
    expect(run(host(APP, ["--bogus"], {}, () => true)).stderr).toContain("\u001b[31merror[USAGE]");
    expect(run(host(APP, ["--bogus"], { NO_COLOR: "1" }, () => true)).stderr).not.toContain("\u001b[31m");
  });

  it("a token in the environment never shows in a usage error", () => {
    const token = "ghp_front_secret_1";
    for (const [invokedAs, argv] of [
      [APP, ["--timeout", token]],
      [MACHINE, ["check", "--timeout", token]],
    ] as const) {
      const r = run(host(invokedAs, [...argv], { GITHUB_TOKEN: token }, () => false));
      expect(r.result).toEqual({ done: 2 });
      expect(r.stderr).toContain('--timeout "***"');
      expect(r.stderr).not.toContain(token);
    }
  });
});

describe("front: work is handed on, with nothing printed", () => {
  it("<app>-update with its parsed arguments", () => {
    const r = run(host(APP, ["--check", "--tag", "v2"]));
    expect(r.result).toMatchObject({ door: "app", args: { check: true, request: { kind: "tag", tag: "v2" } } });
    expect(r.stdout + r.stderr).toBe("");
  });

  it("upkeep with its command and apps", () => {
    const r = run(host(MACHINE, ["update", "a", "b", "a"]));
    expect(r.result).toMatchObject({ door: "machine", args: { command: "update", apps: ["a", "b"] } });
    expect(r.stdout + r.stderr).toBe("");
  });

  it("AXOUPDATER_APP_NAME makes `upkeep` that app's updater", () => {
    expect(runsAsMachine(host(MACHINE, []))).toBe(true);
    expect(runsAsMachine(host(MACHINE, [], { AXOUPDATER_APP_NAME: "axolotlsay" }))).toBe(false);
    expect(run(host(MACHINE, ["--check"], { AXOUPDATER_APP_NAME: "axolotlsay" })).result).toMatchObject({ door: "app" });
  });
});

describe("redactingOutput", () => {
  it("hides every secret, the longest first, including ones added later and inside JSON strings", () => {
    let stdout = "";
    let stderr = "";
    const secrets = new Set(["abcd"]);
    const out = redactingOutput({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, secrets);
    secrets.add("abcdefgh");
    out.stderr("x abcdefgh y abcd\n");
    out.json({ message: "token abcdefgh", n: 1 });
    expect(stderr).toBe("x *** y ***\n");
    expect(JSON.parse(stdout)).toEqual({ message: "token ***", n: 1 });
  });
});
