import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  appDocument,
  emptyOutcome,
  failOutcome,
  machineDocument,
  outcomeExitCode,
  outcomesExitCode,
  outcomeJson,
  outcomeText,
  writeAppOutcome,
  writeMachineFailure,
  type Outcome,
} from "../../src/cli/report.js";
import { UpdaterError, WARNING_CODES } from "../../src/errors.js";
import { APP_DOCUMENT_KEYS } from "../fixtures/documents.js";

const base: Outcome = {
  app: "axolotlsay",
  result: "updated",
  oldVersion: "1.0.0",
  newVersion: "2.0.0",
  tag: "v2.0.0",
  installPrefix: "/p",
  signature: null,
  warnings: [],
  error: null,
};

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
  it("disabled (an --all run skipped it): one line unless quiet, no error line, exit and ok as if up to date", () => {
    const error = { code: "DISABLED" as const, message: "Updates of axolotlsay are switched off: by Nix", hint: "Switched off by the file /b/x." };
    const o: Outcome = { ...base, result: "disabled", error };
    expect(outcomeText(o, false)).toEqual(["Skipped: Updates of axolotlsay are switched off: by Nix"]);
    expect(outcomeText(o, true)).toEqual([]);
    expect(outcomeExitCode(o)).toBe(0);
    expect(outcomesExitCode([o, base])).toBe(0);
    expect(outcomesExitCode([o, { ...base, result: "update_available" }])).toBe(100);
    expect(machineDocument("update", [outcomeJson(o)], null).ok).toBe(true);
    // Named, the same refusal is a failure.
    expect(outcomeExitCode({ ...o, result: "failed" })).toBe(1);
  });
  it("warnings are shown unless quiet", () => {
    const o: Outcome = { ...base, warnings: [{ code: "NO_CHECKSUM", message: "no sum" }] };
    expect(outcomeText(o, false)[0]).toBe("warning: no sum");
    expect(outcomeText(o, true)).toEqual(["New release 2.0.0 installed!"]);
  });
  it("JSON has exactly the documented keys", () => {
    expect(Object.keys(outcomeJson(base))).toEqual(["app", "result", "old_version", "new_version", "tag", "install_prefix", "signature", "warnings", "error"]);
  });
  it("signature: null, or the keys and verified signatures in snake_case", () => {
    expect(outcomeJson(base).signature).toBeNull();
    const signature = {
      keySource: "receipt" as const,
      keyFrom: "/r.json",
      keys: ["AB"],
      verified: [{ signature: "sha256.sum.minisig", file: "sha256.sum", key: "AB" }],
    };
    expect(outcomeJson({ ...base, signature }).signature).toEqual({ key_source: "receipt", key_from: "/r.json", keys: ["AB"], verified: signature.verified });
  });
  it("a verified update says which signature and key; UNSIGNED is left to --json", () => {
    const signature = {
      keySource: "receipt" as const,
      keyFrom: "/r.json",
      keys: ["AB"],
      verified: [{ signature: "sha256.sum.minisig", file: "sha256.sum", key: "AB" }],
    };
    expect(outcomeText({ ...base, signature }, false)).toContain("Signature checked: sha256.sum.minisig signed by key AB for 2.0.0.");
    expect(outcomeText({ ...base, signature }, true)).toEqual(["New release 2.0.0 installed!"]);
    const unsigned: Outcome = {
      ...base,
      warnings: [
        { code: "UNSIGNED", message: "no sig" },
        { code: "SIGNATURE_UNCHECKED", message: "unchecked" },
      ],
    };
    expect(outcomeText(unsigned, false).filter((l) => l.startsWith("warning:"))).toEqual(["warning: unchecked"]);
  });
  it("<app>-update's document: the schema, then the per-app object", () => {
    expect(Object.keys(appDocument(base))).toEqual(APP_DOCUMENT_KEYS);
    expect(appDocument(base).schema).toBe("upkeep/1");
  });
  it("upkeep's envelope: schema, command, results, ok, error", () => {
    const doc = machineDocument("check", [outcomeJson(base)], null);
    expect(doc).toEqual({ schema: "upkeep/1", command: "check", results: [outcomeJson(base)], ok: true, error: null });
    expect(machineDocument("update", [outcomeJson({ ...base, result: "failed" })], null).ok).toBe(false);
    expect(machineDocument(null, [], new UpdaterError("USAGE", "bad", { hint: "h" }))).toMatchObject({
      ok: false,
      error: { code: "USAGE", message: "bad", hint: "h" },
    });
  });
  it("a failure keeps the versions, tag, prefix and warnings the library knew, and redacts", () => {
    const e = new UpdaterError("INSTALLER_FAILED", "died with s3cret", {
      details: {
        known: { oldVersion: "1.0.0", newVersion: "2.0.0", tag: "v2.0.0", installPrefix: "/p" },
        warnings: [{ code: "NO_CHECKSUM", message: "m" }],
        restored: ["/p/bin/x"],
        lost: ["/p/bin/y"],
      },
    });
    const o = failOutcome(emptyOutcome("x"), e, ["s3cret"]);
    expect(o).toEqual({
      app: "x",
      result: "failed",
      oldVersion: "1.0.0",
      newVersion: "2.0.0",
      tag: "v2.0.0",
      installPrefix: "/p",
      signature: null,
      warnings: [{ code: "NO_CHECKSUM", message: "m" }],
      error: { code: "INSTALLER_FAILED", message: "died with ***", hint: null, restored: ["/p/bin/x"], lost: ["/p/bin/y"] },
    });
  });
  it("several apps: the worst failure's status, else 100 when any update is available", () => {
    const failed = (code: "USAGE" | "NETWORK"): Outcome => ({ ...base, result: "failed", error: { code, message: "m", hint: null } });
    expect(outcomesExitCode([base, { ...base, result: "update_available" }])).toBe(100);
    expect(outcomesExitCode([{ ...base, result: "update_available" }, failed("NETWORK")])).toBe(1);
    expect(outcomesExitCode([failed("NETWORK"), failed("USAGE")])).toBe(2);
    expect(outcomesExitCode([])).toBe(0);
  });
});

describe("writing the report", () => {
  const capture = () => {
    const o = { stdout: "", stderr: "", json: [] as unknown[] };
    return { o, out: { stdout: (t: string) => (o.stdout += t), stderr: (t: string) => (o.stderr += t), json: (d: unknown) => o.json.push(d) } };
  };
  const failed = (): Outcome => ({
    ...base,
    result: "failed",
    warnings: [{ code: "PATH_SHADOWED", message: "hidden by tok_secret_9" }],
    error: { code: "USAGE", message: "bad tok_secret_9", hint: "fix it" },
  });

  it("<app>-update: lines on stderr, the error red only with colour, secrets hidden, its exit status", () => {
    const plain = capture();
    expect(writeAppOutcome(plain.out, failed(), { json: false, quiet: false, color: false, secrets: ["tok_secret_9"] })).toBe(2);
    expect(plain.o.stderr).toBe("warning: hidden by ***\nerror[USAGE]: bad ***\nhint: fix it\n");
    expect(plain.o.stdout).toBe("");
    const red = capture();
    writeAppOutcome(red.out, failed(), { json: false, quiet: false, color: true, secrets: [] });
    expect(red.o.stderr).toContain("\u001b[31merror[USAGE]: bad tok_secret_9\u001b[0m\n");
  });

  it("<app>-update --json: the one document on stdout, its warnings redacted too", () => {
    const c = capture();
    expect(writeAppOutcome(c.out, failed(), { json: true, quiet: false, color: true, secrets: ["tok_secret_9"] })).toBe(2);
    expect(c.o.stderr).toBe("");
    expect(JSON.parse(c.o.stdout)).toMatchObject({ schema: "upkeep/1", warnings: [{ message: "hidden by ***" }], error: { code: "USAGE" } });
  });

  it("upkeep: a failure of the whole run as text or as the envelope", () => {
    const text = capture();
    expect(writeMachineFailure(text.out, false, "check", new UpdaterError("USAGE", "bad flag", { hint: "see --help" }))).toBe(2);
    expect(text.o.stderr).toBe("error[USAGE]: bad flag\nhint: see --help\n");
    const json = capture();
    expect(writeMachineFailure(json.out, true, null, new Error("boom"))).toBe(1);
    expect(json.o.json).toEqual([expect.objectContaining({ command: null, ok: false, error: expect.objectContaining({ code: "INTERNAL" }) })]);
  });
});

describe("warning codes", () => {
  it("every warning code is documented in docs/reference.md's warning table, and the table lists no other", () => {
    const readme = readFileSync(new URL("../../docs/reference.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Warning codes"), readme.indexOf("## Error codes"));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual([...WARNING_CODES]);
  });
});
