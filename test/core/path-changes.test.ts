import { describe, expect, it } from "vitest";
import {
  mergePathChanges,
  parsePathChanges,
  parseRegQuery,
  protectedChange,
  removePathEntry,
  removeRcLine,
  withPathChanges,
} from "../../src/core/path-changes.js";
import { parseReceipt } from "../../src/core/receipt.js";
import { makeReceipt } from "../helpers/fake-app.js";
import type { PathChange } from "../../src/types.js";

const rc = (file: string, line: string): PathChange => ({ type: "rc_line", file, line });
const env = (file: string): PathChange => ({ type: "env_file", file });

describe("parsePathChanges", () => {
  it("reads the three kinds; absent is none", () => {
    expect(parsePathChanges(undefined)).toEqual({ ok: true, changes: [] });
    const raw = [
      { type: "rc_line", file: "/h/.profile", line: '. "$HOME/.local/bin/env"' },
      { type: "env_file", file: "/h/.local/bin/env" },
      { type: "user_path", entry: "C:\\Users\\u\\.axolotlsay\\bin" },
    ];
    expect(parsePathChanges(raw)).toEqual({ ok: true, changes: raw });
  });
  // [entry list, the field named, a piece of the problem]
  const bad: [unknown, string, string][] = [
    [{}, "upkeep_path_changes", "must be a list"],
    [[{ type: "env_file", file: "/a" }, "x"], "upkeep_path_changes[1]", "must be an object"],
    [[{ type: "rc_line", file: "relative/.profile", line: "x" }], "upkeep_path_changes[0]", "not an absolute path"],
    [[{ type: "rc_line", file: "/h/.profile" }], "upkeep_path_changes[0]", 'no "line"'],
    [[{ type: "rc_line", file: "/h/.profile", line: "a\nb" }], "upkeep_path_changes[0]", 'no "line"'],
    [[{ type: "env_file" }], "upkeep_path_changes[0]", 'no "file"'],
    [[{ type: "user_path", entry: "" }], "upkeep_path_changes[0]", 'no "entry"'],
    [[{ type: "registry", file: "/x" }], "upkeep_path_changes[0]", 'unknown "type" "registry"'],
  ];
  for (const [raw, field, problem] of bad) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      const r = parsePathChanges(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.field).toBe(field);
        expect(r.problem).toContain(problem);
      }
    });
  }
  it("a malformed entry makes the receipt RECEIPT_INVALID, naming the index", () => {
    const text = JSON.stringify(
      makeReceipt({
        upkeep_path_changes: [
          { type: "env_file", file: "/a" },
          { type: "rc_line", file: "/b" },
        ],
      }),
    );
    expect(() => parseReceipt(text, { file: "/r.json", app: "axolotlsay" })).toThrow(/"upkeep_path_changes\[1\]" has no "line"/);
    const ok = JSON.stringify(makeReceipt({ upkeep_path_changes: [{ type: "env_file", file: "/a" }] }));
    const { receipt } = parseReceipt(ok, { file: "/r.json", app: "axolotlsay" });
    expect(receipt.pathChanges).toEqual([env("/a")]);
    expect(receipt.extra).toEqual({});
  });
});

describe("removeRcLine", () => {
  const line = '. "$HOME/opt/axo/env"';
  // [file before the install, then the file with our "\n<line>\n" appended; removing gives the first back]
  const roundTrips = ["", "# mine\nexport A=1\n", "no newline at the end", "ends with a blank line\n\n", '. "$HOME/.cargo/env"\n'];
  for (const before of roundTrips) {
    it(`gives back ${JSON.stringify(before)} byte for byte`, () => expect(removeRcLine(`${before}\n${line}\n`, line)).toBe(before));
  }
  it("keeps what the user added after it", () => expect(removeRcLine(`a\n\n${line}\nexport B=2\n`, line)).toBe("a\nexport B=2\n"));
  it("touches no similar line, and undefined when the line is gone", () => {
    expect(removeRcLine(`x ${line}\n${line}x\n`, line)).toBeUndefined();
    expect(removeRcLine("", line)).toBeUndefined();
  });
});

describe("protectedChange", () => {
  // [change, protected?]
  const cases: [PathChange, boolean][] = [
    [env("/h/.cargo/env"), true],
    [env("/h/.cargo/env.fish"), true],
    [rc("/h/.profile", '. "$HOME/.cargo/env"'), true],
    [rc("/h/.config/fish/conf.d/a.env.fish", 'source "$HOME/.cargo/env.fish"'), true],
    [env("/h/opt/axo/env"), false],
    [rc("/h/.profile", '. "$HOME/opt/axo/env"'), false],
  ];
  for (const [c, expected] of cases) it(`${JSON.stringify(c)} → ${expected}`, () => expect(protectedChange(c, "/h", "linux") !== undefined).toBe(expected));
});

describe("carrying changes over an update", () => {
  it("merges old first, without repeats", () => {
    expect(mergePathChanges([rc("/p", "a"), env("/e")], [env("/e"), rc("/q", "b")])).toEqual([rc("/p", "a"), env("/e"), rc("/q", "b")]);
  });
  it("puts the field in its alphabetical place and keeps every other key and its order", () => {
    const text = '{"binaries":["a"],"source":{"x":1},"upkeep_public_keys":["K"],"version":"2.0.0"}\n';
    expect(withPathChanges(text, [env("/e")])).toBe(
      '{"binaries":["a"],"source":{"x":1},"upkeep_path_changes":[{"type":"env_file","file":"/e"}],"upkeep_public_keys":["K"],"version":"2.0.0"}\n',
    );
    expect(withPathChanges('{"a":1,"upkeep_path_changes":[],"version":"1"}', [])).toBe('{"a":1,"version":"1"}\n');
    expect(withPathChanges("not json", [env("/e")])).toBeUndefined();
  });
});

describe("removePathEntry", () => {
  const bin = "C:\\Users\\me\\.axolotlsay\\bin";
  const cases: [string, string | undefined][] = [
    [`${bin};C:\\other`, "C:\\other"],
    [`C:\\other;${bin}`, "C:\\other"],
    [`C:\\a;${bin.toUpperCase()}\\;%USERPROFILE%\\x`, "C:\\a;%USERPROFILE%\\x"],
    [bin, ""],
    [`C:\\a;;C:\\b;${bin}`, "C:\\a;;C:\\b"],
    [`C:\\a;${bin}2`, undefined],
    ["", undefined],
  ];
  for (const [value, expected] of cases) it(`${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => expect(removePathEntry(value, bin)).toBe(expected));
});

describe("parseRegQuery", () => {
  const out =
    "\r\nHKEY_CURRENT_USER\\Environment\r\n    TEMP    REG_EXPAND_SZ    %USERPROFILE%\\Temp\r\n    Path    REG_EXPAND_SZ    C:\\a;%USERPROFILE%\\b  c\r\n\r\n";
  it("reads the value's type and data, unexpanded", () =>
    expect(parseRegQuery(out, "path")).toEqual({ type: "REG_EXPAND_SZ", data: "C:\\a;%USERPROFILE%\\b  c" }));
  it("an empty value, and none", () => {
    expect(parseRegQuery("HKEY_CURRENT_USER\\Environment\n    Path    REG_SZ    \n", "Path")).toEqual({ type: "REG_SZ", data: "" });
    expect(parseRegQuery("HKEY_CURRENT_USER\\Environment\n    PathX    REG_SZ    a\n", "Path")).toBeUndefined();
  });
});
