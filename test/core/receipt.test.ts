import { describe, expect, it } from "vitest";
import { installPrefixRoot, parseReceipt } from "../../src/core/receipt.js";
import { UpdaterError } from "../../src/errors.js";
import { invalidReceipts, receiptGenerations } from "../fixtures/receipts.js";

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

describe("installPrefixRoot", () => {
  const receipt = (prefix: string, provider: { source: string; version: string }) =>
    parseReceipt(JSON.stringify({ install_prefix: prefix, provider, source: { release_type: "github", owner: "o", name: "n" }, version: "1.0.0" }), where).receipt;
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
