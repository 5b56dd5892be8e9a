import { describe, expect, it } from "vitest";
import { outcomeExitCode, outcomeJson, outcomeText, type Outcome } from "../../src/cli/report.js";

const base: Outcome = { app: "axolotlsay", result: "updated", oldVersion: "1.0.0", newVersion: "2.0.0", tag: "v2.0.0", installPrefix: "/p", warnings: [], error: null };

describe("outcome rendering", () => {
  // [result, quiet, lines, exit code]
  const cases: [Outcome["result"], boolean, string[], number][] = [
    ["updated", false, ["Updated axolotlsay from 1.0.0 to 2.0.0 (v2.0.0) in /p.", "New release 2.0.0 installed!"], 0],
    ["updated", true, ["New release 2.0.0 installed!"], 0],
    ["up_to_date", false, ["axolotlsay 1.0.0 is up to date.", "Already up to date; not upgrading"], 0],
    ["up_to_date", true, [], 0],
    ["update_available", false, ["Update available: axolotlsay 1.0.0 → 2.0.0 (v2.0.0)."], 100],
    ["would_update", false, ["Would update axolotlsay from 1.0.0 to 2.0.0 (v2.0.0); nothing was changed (--dry-run)."], 0],
  ];
  for (const [result, quiet, lines, code] of cases) {
    it(`${result}${quiet ? " (quiet)" : ""}`, () => {
      const o = { ...base, result };
      expect(outcomeText(o, quiet)).toEqual(lines);
      expect(outcomeExitCode(o)).toBe(code);
    });
  }
  it("errors print with code and hint, also when quiet, with their exit class", () => {
    const o: Outcome = { ...base, result: "failed", error: { code: "USAGE", message: "bad", hint: "do x" } };
    expect(outcomeText(o, true)).toEqual(["error[USAGE]: bad", "hint: do x"]);
    expect(outcomeExitCode(o)).toBe(2);
    expect(outcomeExitCode({ ...o, error: { code: "NETWORK", message: "m", hint: null } })).toBe(1);
  });
  it("warnings are shown unless quiet", () => {
    const o = { ...base, warnings: [{ code: "NO_CHECKSUM", message: "no sum" }] };
    expect(outcomeText(o, false)[0]).toBe("warning: no sum");
    expect(outcomeText(o, true)).toEqual(["New release 2.0.0 installed!"]);
  });
  it("JSON has exactly the documented keys", () => {
    expect(Object.keys(outcomeJson(base))).toEqual(["app", "result", "old_version", "new_version", "tag", "install_prefix", "warnings", "error"]);
  });
});
