import { describe, expect, it } from "vitest";
import { fileNameProblem, installPrefixRoot, parseReceipt } from "../../src/core/receipt.js";
import { UpdaterError } from "../../src/errors.js";
import { invalidReceipts, receiptGenerations } from "../fixtures/receipts.js";
import { testKeyPair } from "../helpers/minisign.js";

const where = { file: "/home/alice/.config/axolotlsay/axolotlsay-receipt.json", app: "axolotlsay" };

describe("parseReceipt: every generation", () => {
  for (const [label, text, want] of receiptGenerations) {
    it(label, () => {
      const { receipt } = parseReceipt(text, where);
      const platform = want.installPrefix.startsWith("C:") ? "win32" : "linux";
      expect(receipt.installPrefix).toBe(want.installPrefix);
      expect(installPrefixRoot(receipt, platform)).toBe(want.root);
      expect(receipt.version).toBe(want.version);
      expect(receipt.modifyPath).toBe(want.modifyPath);
      expect(receipt.installLayout).toBe(want.layout);
      expect(receipt.source).toMatchObject({ releaseType: "github", owner: "axodotdev", name: "axolotlsay" });
    });
  }

  it("defaults keys added later and keeps unknown ones", () => {
    const { receipt } = parseReceipt(receiptGenerations[0]![1], where);
    expect(receipt).toMatchObject({ binaryAliases: {}, cdylibs: [], cstaticlibs: [], extra: {} });
    const ours = parseReceipt(receiptGenerations.at(-1)![1], where).receipt;
    expect(ours.extra).toEqual({ updater: "shared" });
    expect(ours.provider).toEqual({ source: "upkeep", version: "0.1.0" });
  });

  it("reads our installers' signing keys (upkeep_public_keys), none by default, and refuses a bad one", () => {
    const [a, b] = [testKeyPair(), testKeyPair()];
    const base = { install_prefix: "/x", source: { release_type: "github", owner: "o", name: "n" }, version: "1.0.0" };
    expect(parseReceipt(JSON.stringify(base), where).receipt.publicKeys).toEqual([]);
    const keyed = parseReceipt(JSON.stringify({ ...base, upkeep_public_keys: [a.publicKeyLine, b.publicKeyLine] }), where).receipt;
    expect(keyed.publicKeys).toEqual([a.publicKeyLine, b.publicKeyLine]);
    expect(keyed.extra).toEqual({});
    const bad = (value: unknown): string => {
      try {
        parseReceipt(JSON.stringify({ ...base, upkeep_public_keys: value }), where);
        return "accepted";
      } catch (e) {
        return `${(e as UpdaterError).code}: ${(e as Error).message}`;
      }
    };
    expect(bad(["RWQnotakey"])).toMatch(/^RECEIPT_INVALID: .*"upkeep_public_keys\[0\]" is not a minisign public key/);
    expect(bad([a.publicKeyLine, 7])).toMatch(/^RECEIPT_INVALID: .*"upkeep_public_keys" must be a list of strings/);
    expect(bad(a.publicKeyLine)).toMatch(/^RECEIPT_INVALID: .*"upkeep_public_keys" must be a list of strings/);
  });

  it("reports a repair for Git-Bash receipts", () => {
    const gitBash = receiptGenerations.find(([l]) => l.startsWith("Git-Bash 0.30"))!;
    expect(parseReceipt(gitBash[1], where).repairs).toEqual(["unescaped backslashes"]);
    expect(parseReceipt(receiptGenerations[0]![1], where).repairs).toEqual([]);
  });

  it("forgives a leading v in version and defaults a missing app_name and provider", () => {
    const { receipt } = parseReceipt('{"install_prefix":"/x","source":{"release_type":"github","owner":"o","name":"n"},"version":"v2.0.0"}', where);
    expect(receipt.version).toBe("2.0.0");
    expect(receipt.source.appName).toBe("axolotlsay");
    expect(receipt.provider.source).toBe("unknown");
  });
});

describe("parseReceipt: invalid receipts name the file and the field", () => {
  for (const [label, text, field] of invalidReceipts) {
    it(label, () => {
      let error: unknown;
      try {
        parseReceipt(text, where);
      } catch (e) {
        error = e;
      }
      expect(UpdaterError.is(error)).toBe(true);
      const e = error as UpdaterError;
      expect(e.code).toBe("RECEIPT_INVALID");
      expect(e.message).toContain(where.file);
      expect(e.message).toContain(field);
      expect(e.details.field).toBe(field === "the file" ? "the file" : field);
    });
  }
});

describe("receipt entries are plain file names inside the prefix", () => {
  // [name, problem or undefined]
  const names: [string, string | undefined][] = [
    ["axolotlsay", undefined],
    ["axolotlsay.exe", undefined],
    ["libaxo.so.1", undefined],
    ["..dots..", undefined],
    ["", "is empty"],
    [".", 'is ".", a directory'],
    ["..", 'is "..", a directory'],
    ["../x", 'contains a path separator ("../x")'],
    ["/usr/bin/x", 'contains a path separator ("/usr/bin/x")'],
    ["a\\b", 'contains a path separator ("a\\\\b")'],
    ["C:x", 'starts with a drive letter ("C:x")'],
    ["a\u0000b", "contains a NUL character"],
    ["a\nb", 'contains a control character ("a\\nb")'],
  ];
  for (const [name, problem] of names) it(`${JSON.stringify(name)} → ${problem ?? "fine"}`, () => expect(fileNameProblem(name)).toBe(problem));

  const base = { install_prefix: "/x", source: { release_type: "github", owner: "o", name: "n" }, version: "1.0.0" };
  // [fields, the field named]
  const bad: [Record<string, unknown>, string][] = [
    [{ binaries: ["ok", "../x"] }, "binaries[1]"],
    [{ cdylibs: ["/lib/libc.so.6"] }, "cdylibs[0]"],
    [{ cstaticlibs: [".."] }, "cstaticlibs[0]"],
    [{ binary_aliases: { ok: ["../../etc/passwd"] } }, "binary_aliases.ok[0]"],
    [{ binary_aliases: { "/abs": ["a"] } }, "binary_aliases"],
  ];
  for (const [fields, field] of bad) {
    it(`${JSON.stringify(fields)} → RECEIPT_INVALID naming ${field}`, () => {
      expect(() => parseReceipt(JSON.stringify({ ...base, ...fields }), where)).toThrow(
        expect.objectContaining({
          code: "RECEIPT_INVALID",
          details: { path: where.file, field },
          message: expect.stringContaining("not a plain file name inside the install prefix"),
        }),
      );
    });
  }
});

describe("parseReceipt: deeply nested receipts", () => {
  it("a valid receipt nested 200 000 levels deep (with a backslash, so it is walked for escapes) is read", () => {
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const text = `{"install_prefix":"/x","note":"C:\\\\Users","deep":${deep},"source":{"release_type":"github","owner":"o","name":"n"},"version":"1.0.0"}`;
    const { receipt, repairs } = parseReceipt(text, where);
    expect(receipt.version).toBe("1.0.0");
    expect(repairs).toEqual([]);
    expect(receipt.extra.note).toBe("C:\\Users");
  });
});

describe("installPrefixRoot", () => {
  const receipt = (prefix: string, provider: { source: string; version: string }) =>
    parseReceipt(JSON.stringify({ install_prefix: prefix, provider, source: { release_type: "github", owner: "o", name: "n" }, version: "1.0.0" }), where)
      .receipt;
  // [prefix, provider source, provider version, root]
  const cases: [string, string, string, string][] = [
    ["/x/bin", "cargo-dist", "0.10.0-prerelease.1", "/x"],
    ["/x/bin/", "cargo-dist", "0.14.7", "/x"],
    ["/x/bin", "cargo-dist", "0.15.0-prerelease.8", "/x/bin"],
    ["/x/bin", "cargo-dist", "0.9.0", "/x/bin"],
    ["/x/bin", "upkeep", "0.12.0", "/x/bin"],
    ["/x/.cargo", "cargo-dist", "0.12.0", "/x/.cargo"],
    ["/x/bin", "cargo-dist", "not-a-version", "/x/bin"],
  ];
  for (const [prefix, source, version, root] of cases) {
    it(`${prefix} from ${source} ${version} → ${root}`, () => expect(installPrefixRoot(receipt(prefix, { source, version }), "linux")).toBe(root));
  }
});
