// `upkeep` under its own name: arguments, help, usage errors, and redaction of everything it prints
// (the commands themselves: list, check-update and doctor.test.ts).
import { describe, expect, it } from "vitest";
import { runCliWith } from "../../helpers/cli.js";
import { tmpDir } from "../../helpers/fake-app.js";
import { machineWorld as world } from "../../helpers/machine.js";

describe("upkeep (machine-wide)", () => {
  it("update redacts the installer's output and every message: each app's own <APP>_GITHUB_TOKEN and proxy passwords", async () => {
    const w = await world({
      otherPrelude: 'echo "installer-says $OTHERAPP_GITHUB_TOKEN proxy ${HTTPS_PROXY#*:*:}"; echo "failing with $OTHERAPP_GITHUB_TOKEN" >&2; exit 5',
    });
    const env = { ...w.env, OTHERAPP_GITHUB_TOKEN: "ghp_other_app_secret", HTTPS_PROXY: "http://u:pr0xy-pass@127.0.0.1:9", NO_PROXY: "127.0.0.1" };
    const text = await runCliWith({ argv: ["update", "otherapp"], env, invokedAs: "/usr/local/bin/upkeep" });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain("installer-says *** proxy ***@127.0.0.1:9");
    expect(text.stderr).toContain("failing with ***");
    const json = await runCliWith({ argv: ["update", "otherapp", "--json", "--verbose"], env, invokedAs: "/usr/local/bin/upkeep" });
    expect(json.json?.results[0].error.message).toContain("failing with ***");
    // Under --json the installer's output is not shown at all.
    expect(json.stderr).not.toContain("installer-says");
    for (const r of [text, json]) {
      expect(r.stdout + r.stderr).not.toContain("ghp_other_app_secret");
      expect(r.stdout + r.stderr).not.toContain("pr0xy-pass");
    }
  });

  // [argv, exit, code, message substring]
  const usage: [string[], number, string, string][] = [
    [[], 2, "USAGE", "name a command"],
    [["frobnicate"], 2, "USAGE", "unknown command 'frobnicate'"],
    [["updaet"], 2, "USAGE", "(did you mean 'update'?)"],
    [["update", "--all", "axolotlsay"], 2, "USAGE", "not both"],
    [["check", "--bogus"], 2, "USAGE", "unknown option '--bogus'"],
    [["update", "--dry-rn"], 2, "USAGE", "did you mean '--dry-run'?"],
    [["update", "nothing-here"], 1, "RECEIPT_NOT_FOUND", "No install receipt for nothing-here"],
    [["check", "--timeout", "soon"], 2, "USAGE", '--timeout "soon"'],
    [["check", "--timeout", "1e3"], 2, "USAGE", '--timeout "1e3"'],
    [["check", "--jitter=-1"], 2, "USAGE", '--jitter "-1"'],
    [["update", "--version", "1.0.0"], 2, "USAGE", "name exactly one APP"],
    [["update", "axolotlsay", "otherapp", "--version", "1.0.0"], 2, "USAGE", "name exactly one APP"],
    [["update", "axolotlsay", "--version", "1.0"], 2, "USAGE", "not a semantic version"],
    [["check", "--dry-run"], 2, "USAGE", "does not apply to 'upkeep check'"],
  ];
  for (const [argv, code, error, message] of usage) {
    it(`upkeep ${argv.join(" ") || "(nothing)"} → ${error}, in JSON and text`, async () => {
      const w = await world();
      const r = await w.upkeep([...argv, "--json"]);
      expect(r.code).toBe(code);
      expect(r.json).toMatchObject({ schema: "upkeep/1", results: [], ok: false, error: { code: error, message: expect.stringContaining(message) } });
      const text = await w.upkeep(argv);
      expect(text.code).toBe(code);
      // A failed command line is talk: stderr, nothing on stdout.
      expect(text.stdout).toBe("");
      expect(text.stderr).toContain(`error[${error}]: `);
      expect(text.stderr).toContain(message);
    });
  }

  it("--help, -V, and --version with no command print upkeep's own", async () => {
    const w = await world();
    expect((await w.upkeep(["--help"])).stdout).toContain("Usage: upkeep <COMMAND>");
    for (const argv of [["-V"], ["--version"], ["--version", "--json"], ["update", "-V"]]) {
      const r = await w.upkeep(argv);
      expect([r.code, r.stdout, r.stderr], argv.join(" ")).toEqual([0, "upkeep 0.1.0\n", ""]);
    }
    expect(w.version("axolotlsay")).toBe("axolotlsay 1.0.0");
  });

  it("settings that are no one app's are judged even when no app is found", async () => {
    const home = tmpDir();
    // [argv, env, what the message names]
    const cases: [string[], Record<string, string>, string][] = [
      [["check", "--source", "ftp://x"], {}, '"ftp://x"'],
      [["update"], { UPKEEP_SOURCE: "ftp://y" }, 'UPKEEP_SOURCE "ftp://y"'],
      [["check"], { UPKEEP_TIMEOUT: "1e3" }, 'UPKEEP_TIMEOUT="1e3"'],
      [["update", "--token", "a b"], {}, "--token"],
    ];
    for (const [argv, env, names] of cases) {
      const r = await runCliWith({ argv: [...argv, "--json"], env: { HOME: home, ...env }, invokedAs: "/usr/local/bin/upkeep" });
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining(names) });
    }
    const none = await runCliWith({ argv: ["check", "--json"], env: { HOME: home }, invokedAs: "/usr/local/bin/upkeep" });
    expect(none.json).toEqual({ schema: "upkeep/1", command: "check", results: [], ok: true, error: null });
  });
});
