// `upkeep` under its own name: arguments, help, usage errors, and redaction of everything it prints
// (the commands themselves: list, check-update and doctor.test.ts).
import { describe, expect, it } from "vitest";
import { runCliWith } from "../../helpers/cli.js";
import { machineWorld as world } from "../../helpers/machine.js";

describe("upkeep (machine-wide)", () => {
  it("update redacts the installer's output and every message: each app's own <APP>_GITHUB_TOKEN and proxy passwords", async () => {
    const w = await world({ otherPrelude: 'echo "installer-says $OTHERAPP_GITHUB_TOKEN proxy ${HTTPS_PROXY#*:*:}"; echo "failing with $OTHERAPP_GITHUB_TOKEN" >&2; exit 5' });
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

  // [argv, exit, code]
  const usage: [string[], number, string][] = [
    [[], 2, "USAGE"],
    [["frobnicate"], 2, "USAGE"],
    [["update", "--all", "axolotlsay"], 2, "USAGE"],
    [["check", "--bogus"], 2, "USAGE"],
    [["update", "nothing-here"], 1, "RECEIPT_NOT_FOUND"],
    [["check", "--timeout", "soon"], 2, "USAGE"],
    [["check", "--jitter", "-1"], 2, "USAGE"],
  ];
  for (const [argv, code, error] of usage) {
    it(`upkeep ${argv.join(" ") || "(nothing)"} → ${error}`, async () => {
      const w = await world();
      const r = await w.upkeep([...argv, "--json"]);
      expect(r.code).toBe(code);
      expect(r.json?.error.code).toBe(error);
    });
  }

  it("--help and -V", async () => {
    const w = await world();
    expect((await w.upkeep(["--help"])).stdout).toContain("Usage: upkeep <COMMAND>");
    expect((await w.upkeep(["-V"])).stdout).toMatch(/^upkeep \d/);
  });
});
