// The signature policy as pure rules: which keys are pinned, which assets are signatures, and the
// verdict for every way a release can fail it. Signatures come from the independent test signer.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePublicKey, type PublicKey } from "../../src/core/minisign.js";
import { choosePins, judgeSignatures, signatureAssets, signatureReport, unpinnedWarning, type Pins, type SignatureInput } from "../../src/core/trust.js";
import { UpdaterError } from "../../src/errors.js";
import { testKeyPair } from "../helpers/minisign.js";
import { releaseOf } from "../helpers/release-of.js";

const [a, b] = [testKeyPair(), testKeyPair()];
const key = (line: string): PublicKey => {
  const parsed = parsePublicKey(line);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
};
const sha = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

describe("choosePins: option or variable, receipt, trust file", () => {
  const receipt = { keys: [b.publicKeyLine], path: "/r.json" };
  const trustFile = { path: "/t/hello.pub", text: a.publicKeyFile };
  it("the given keys come first", () => {
    const pins = choosePins({ given: { keys: [key(a.publicKeyLine)], source: "env", from: "HELLO_UPKEEP_PUBLIC_KEY" }, receipt, trustFile });
    expect(pins).toMatchObject({ source: "env", from: "HELLO_UPKEEP_PUBLIC_KEY" });
    expect(pins?.keys.map((k) => k.id)).toEqual([a.keyId]);
  });
  it("then the receipt, then the trust file, else nothing", () => {
    expect(choosePins({ receipt, trustFile })).toMatchObject({ source: "receipt", from: "/r.json" });
    expect(choosePins({ receipt: { keys: [], path: "/r.json" }, trustFile })?.keys.map((k) => k.id)).toEqual([a.keyId]);
    expect(choosePins({ receipt: { keys: [], path: "/r.json" }, trustFile: { path: "/t", text: undefined } })).toBeUndefined();
    expect(choosePins({ receipt: { keys: [], path: "/r.json" } })).toBeUndefined();
  });
  it("a trust file holding several keys pins them all (rotation)", () => {
    const pins = choosePins({ receipt: { keys: [], path: "/r" }, trustFile: { path: "/t", text: a.publicKeyFile + b.publicKeyFile } });
    expect(pins?.keys.map((k) => k.id)).toEqual([a.keyId, b.keyId]);
  });
  it("a trust file that is not a key list is SIGNATURE_INVALID, never ignored", () => {
    for (const text of ["", "garbage\n", `untrusted comment: x\n${a.publicKeyLine.slice(0, 20)}\n`]) {
      expect(() => choosePins({ receipt: { keys: [], path: "/r" }, trustFile: { path: "/t/hello.pub", text } })).toThrow(
        expect.objectContaining({ code: "SIGNATURE_INVALID", message: expect.stringContaining("/t/hello.pub") }),
      );
    }
  });
  it("signatureReport names the source and key ids", () => {
    expect(signatureReport(undefined)).toEqual({ keySource: null, keyFrom: null, keys: [], verified: [] });
    expect(signatureReport(choosePins({ receipt, trustFile }))).toEqual({ keySource: "receipt", keyFrom: "/r.json", keys: [b.keyId], verified: [] });
  });
});

const release = releaseOf;

describe("signatureAssets and the warnings without a pin", () => {
  it("finds the checksum file's and this installer's signatures, and what they sign", () => {
    const r = release(["hello-installer.sh", "hello-installer.sh.minisig", "sha256.sum.minisig", "hello-installer.ps1.minisig", "x.tar.xz.minisig"]);
    const found = signatureAssets(r, "hello-installer.sh");
    expect(found.map((s) => [s.asset.name, s.signs, s.signed?.name])).toEqual([
      ["sha256.sum.minisig", "sha256.sum", undefined],
      ["hello-installer.sh.minisig", "hello-installer.sh", "hello-installer.sh"],
    ]);
  });
  it("UNSIGNED without signatures, SIGNATURE_UNCHECKED with, naming how to pin", () => {
    expect(unpinnedWarning("hello", release(["hello-installer.sh"]), [], "/t/hello.pub").code).toBe("UNSIGNED");
    const r = release(["hello-installer.sh", "sha256.sum", "sha256.sum.minisig"]);
    const w = unpinnedWarning("hello", r, signatureAssets(r, "hello-installer.sh"), "/t/hello.pub");
    expect(w.code).toBe("SIGNATURE_UNCHECKED");
    expect(w.message).toContain("put the app's .pub file at /t/hello.pub, or pass --public-key or set HELLO_UPKEEP_PUBLIC_KEY");
  });
});

describe("judgeSignatures", () => {
  const installer = Buffer.from("#!/bin/sh\necho genuine\n");
  const hostile = Buffer.from("#!/bin/sh\necho hostile\n");
  const sumOf = (body: Buffer): Buffer => Buffer.from(`${sha(body)} *hello-installer.sh\n${sha("x")}  hello.tar.xz\n`);
  const pins: Pins = { source: "receipt", from: "/r.json", keys: [key(a.publicKeyLine)] };
  const comment = (file: string, version = "2.0.0") => `timestamp:1 version:${version} file:${file}`;
  type Row = { sum?: Buffer; installer?: Buffer; sigs: { name: string; signs: string; text: string }[]; legacy?: boolean };
  const input = (row: Row): SignatureInput => {
    const body = row.installer ?? installer;
    const files = new Map<string, Uint8Array>([["hello-installer.sh", body]]);
    if (row.sum) files.set("sha256.sum", row.sum);
    return {
      app: "hello",
      pins,
      release: { tag: "v2.0.0", version: "2.0.0" },
      installer: { name: "hello-installer.sh", sha256: sha(body) },
      signatures: row.sigs,
      files,
      allowLegacy: row.legacy ?? false,
    };
  };
  const onSum = (text: string) => ({ name: "sha256.sum.minisig", signs: "sha256.sum", text });
  const onInstaller = (text: string) => ({ name: "hello-installer.sh.minisig", signs: "hello-installer.sh", text });
  const goodSum = sumOf(installer);

  it("a pinned key's signature over sha256.sum listing the installer proves it", () => {
    const verified = judgeSignatures(input({ sum: goodSum, sigs: [onSum(a.sign(goodSum, comment("sha256.sum")))] }));
    expect(verified).toEqual([{ signature: "sha256.sum.minisig", file: "sha256.sum", key: a.keyId }]);
  });
  it("so does one over the installer itself, and both together", () => {
    expect(judgeSignatures(input({ sigs: [onInstaller(a.sign(installer, comment("hello-installer.sh")))] }))).toHaveLength(1);
    const both = [onSum(a.sign(goodSum, comment("sha256.sum"))), onInstaller(a.sign(installer, comment("hello-installer.sh")))];
    expect(judgeSignatures(input({ sum: goodSum, sigs: both }))).toHaveLength(2);
  });
  it("a legacy signature is accepted only when allowed", () => {
    const sigs = [onSum(a.sign(goodSum, comment("sha256.sum"), { legacy: true }))];
    expect(judgeSignatures(input({ sum: goodSum, sigs, legacy: true }))).toHaveLength(1);
  });

  const edit = (text: string, from: RegExp, to: string): string => text.replace(from, to);
  const tamperedSum = Buffer.from(goodSum.toString().replace(sha(installer), sha(hostile)));
  // [label, row, code, message part]
  const rows: [string, Row, "SIGNATURE_MISSING" | "SIGNATURE_INVALID", string][] = [
    [
      "no signature at all",
      { sum: goodSum, sigs: [] },
      "SIGNATURE_MISSING",
      "is not signed: it publishes neither sha256.sum.minisig nor hello-installer.sh.minisig",
    ],
    [
      "signed by another key",
      { sum: goodSum, sigs: [onSum(b.sign(goodSum, comment("sha256.sum")))] },
      "SIGNATURE_INVALID",
      `signed by key ${b.keyId}, which is not a pinned key`,
    ],
    [
      "a signature claiming a pinned key's id, made by another",
      { sum: goodSum, sigs: [onSum(b.sign(goodSum, comment("sha256.sum"), { keyNum: a.keyNum }))] },
      "SIGNATURE_INVALID",
      "the file was changed after it was signed",
    ],
    [
      "tampered sha256.sum",
      { sum: tamperedSum, installer: hostile, sigs: [onSum(a.sign(goodSum, comment("sha256.sum")))] },
      "SIGNATURE_INVALID",
      "does not match sha256.sum",
    ],
    [
      "tampered trusted comment",
      { sum: goodSum, sigs: [onSum(edit(a.sign(goodSum, comment("sha256.sum", "1.0.0")), /version:1\.0\.0/, "version:2.0.0"))] },
      "SIGNATURE_INVALID",
      "trusted comment was changed after signing",
    ],
    [
      "an older release's signature replayed",
      { sum: goodSum, sigs: [onSum(a.sign(goodSum, comment("sha256.sum", "1.0.0")))] },
      "SIGNATURE_INVALID",
      "made for version 1.0.0, not 2.0.0",
    ],
    [
      "no version: field",
      { sum: goodSum, sigs: [onSum(a.sign(goodSum, "timestamp:1 file:sha256.sum"))] },
      "SIGNATURE_INVALID",
      "exactly one version: field, and holds 0",
    ],
    ["two version: fields", { sum: goodSum, sigs: [onSum(a.sign(goodSum, "version:2.0.0 version:1.0.0 file:sha256.sum"))] }, "SIGNATURE_INVALID", "holds 2"],
    [
      "the wrong file: field",
      { sum: goodSum, sigs: [onSum(a.sign(goodSum, comment("hello-installer.sh")))] },
      "SIGNATURE_INVALID",
      "says file:hello-installer.sh, not file:sha256.sum",
    ],
    [
      "installer swapped under a genuine sha256.sum",
      { sum: goodSum, installer: hostile, sigs: [onSum(a.sign(goodSum, comment("sha256.sum")))] },
      "SIGNATURE_INVALID",
      "the installer was replaced after signing",
    ],
    [
      "legacy Ed signature",
      { sum: goodSum, sigs: [onSum(a.sign(goodSum, comment("sha256.sum"), { legacy: true }))] },
      "SIGNATURE_INVALID",
      "--allow-legacy-signature",
    ],
    ["a signature that is not one", { sum: goodSum, sigs: [onSum("<html>nope</html>")] }, "SIGNATURE_INVALID", "is not a minisign signature"],
    [
      "a signature of a sha256.sum the release lacks",
      { sigs: [onSum(a.sign(goodSum, comment("sha256.sum")))] },
      "SIGNATURE_INVALID",
      "which the release does not publish",
    ],
    [
      "a good installer signature beside a bad sum signature",
      { sum: goodSum, sigs: [onSum(b.sign(goodSum, comment("sha256.sum"))), onInstaller(a.sign(installer, comment("hello-installer.sh")))] },
      "SIGNATURE_INVALID",
      "sha256.sum.minisig: is signed by key",
    ],
    [
      "a signed sha256.sum that does not list the installer",
      { sum: Buffer.from(`${sha("x")}  hello.tar.xz\n`), sigs: [onSum(a.sign(Buffer.from(`${sha("x")}  hello.tar.xz\n`), comment("sha256.sum")))] },
      "SIGNATURE_MISSING",
      "sha256.sum is signed but does not list it",
    ],
  ];
  for (const [label, row, code, part] of rows) {
    it(`${label} → ${code}`, () => {
      let caught: unknown;
      try {
        judgeSignatures(input(row));
      } catch (e) {
        caught = e;
      }
      expect(UpdaterError.is(caught), "it must throw").toBe(true);
      const e = caught as UpdaterError;
      expect(e.code).toBe(code);
      expect(e.message).toContain(part);
      // Every message names the release, the pinned key and where the pin came from; nothing ran.
      expect(e.message).toContain("v2.0.0");
      expect(e.message).toContain(`${a.keyId} (pinned from the receipt /r.json)`);
      expect(e.message).toContain("Nothing was run.");
      expect(e.details.signature).toEqual({ keySource: "receipt", keyFrom: "/r.json", keys: [a.keyId], verified: [] });
    });
  }
});
