// The signature step against real files: which keys a run pins, the verdict it hands fetchInstaller,
// and keeping a receipt's pin in the trust file.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig, type Host } from "../../src/config.js";
import { parseReceipt } from "../../src/core/receipt.js";
import type { LoadedReceipt } from "../../src/types.js";
import { keepPin, pinsFor, signaturePolicy } from "../../src/update/signature.js";
import { makeReceipt, tmpDir } from "../helpers/fake-app.js";
import { testKeyPair } from "../helpers/minisign.js";
import { releaseOf } from "../helpers/release-of.js";

const [a, b] = [testKeyPair(), testKeyPair()];

function setup(o: { receiptKeys?: string[]; trust?: string; env?: Record<string, string>; publicKeys?: string[] } = {}) {
  const home = tmpDir();
  const trustFile = path.join(home, ".config", "upkeep", "keys", "hello.pub");
  if (o.trust !== undefined) {
    mkdirSync(path.dirname(trustFile), { recursive: true });
    writeFileSync(trustFile, o.trust);
  }
  const host: Host = { env: {}, platform: "linux", home, cwd: home, tmpDir: home, invokedAs: "/x/hello-update", argv: [], stderrIsTTY: false, cacheDir: home };
  const lines: string[] = [];
  const config = resolveConfig(
    { app: "hello", env: { HOME: home, ...o.env }, ...(o.publicKeys ? { publicKeys: o.publicKeys } : {}), hooks: { verbose: (l) => lines.push(l) } },
    host,
  );
  const text = JSON.stringify(makeReceipt({ ...(o.receiptKeys ? { upkeep_public_keys: o.receiptKeys } : {}) }));
  const loaded: LoadedReceipt = {
    path: "/r/hello-receipt.json",
    receipt: parseReceipt(text, { file: "/r", app: "hello" }).receipt,
    repairs: [],
    standardLocation: true,
  };
  return { config, loaded, trustFile, lines };
}

describe("pinsFor", () => {
  it("the receipt's keys, without reading the trust file (even a broken one)", async () => {
    const s = setup({ receiptKeys: [a.publicKeyLine], trust: "garbage" });
    expect(await pinsFor(s.config, s.loaded)).toMatchObject({ source: "receipt", from: "/r/hello-receipt.json" });
    expect(s.lines).toContain(`Signing keys pinned for hello: ${a.keyId} (from /r/hello-receipt.json)`);
  });
  it("the trust file when nothing comes before it; its problems are SIGNATURE_INVALID", async () => {
    const s = setup({ trust: b.publicKeyFile });
    expect((await pinsFor(s.config, s.loaded))?.keys.map((k) => k.id)).toEqual([b.keyId]);
    const broken = setup({ trust: "garbage" });
    await expect(pinsFor(broken.config, broken.loaded)).rejects.toMatchObject({ code: "SIGNATURE_INVALID" });
  });
  it("the variable and the option come first", async () => {
    const env = setup({ receiptKeys: [a.publicKeyLine], env: { HELLO_UPKEEP_PUBLIC_KEY: b.publicKeyLine } });
    expect(await pinsFor(env.config, env.loaded)).toMatchObject({ source: "env", from: "HELLO_UPKEEP_PUBLIC_KEY" });
    const option = setup({ receiptKeys: [a.publicKeyLine], publicKeys: [b.publicKeyLine] });
    expect(await pinsFor(option.config, option.loaded)).toMatchObject({ source: "option", from: "--public-key" });
  });
  it("none anywhere: no pin, said in --verbose", async () => {
    const s = setup();
    expect(await pinsFor(s.config, s.loaded)).toBeUndefined();
    expect(s.lines).toContain("No signing key is pinned for hello");
  });
});

describe("signaturePolicy", () => {
  const installer = Buffer.from("#!/bin/sh\necho hi\n");
  const sum = Buffer.from(`${createHash("sha256").update(installer).digest("hex")}  hello-installer.sh\n`);
  const release = releaseOf;
  const r = release(["hello-installer.sh", "sha256.sum", "sha256.sum.minisig"]);
  it("with a pin: judges the downloads and says what it verified", async () => {
    const s = setup({ receiptKeys: [a.publicKeyLine] });
    const policy = signaturePolicy(s.config, await pinsFor(s.config, s.loaded), r, "hello-installer.sh");
    expect(policy.warning).toBeUndefined();
    expect(policy.assets.map((x) => x.asset.name)).toEqual(["sha256.sum.minisig"]);
    const text = a.sign(sum, "version:2.0.0 file:sha256.sum");
    const sha256 = createHash("sha256").update(installer).digest("hex");
    const verified = policy.judge?.({ body: installer, sha256, texts: [{ name: "sha256.sum.minisig", signs: "sha256.sum", text }], sum });
    expect(verified).toEqual([{ signature: "sha256.sum.minisig", file: "sha256.sum", key: a.keyId }]);
    expect(s.lines).toContain(`Verified sha256.sum.minisig over sha256.sum: signed by key ${a.keyId} for 2.0.0`);
    const forged = b.sign(sum, "version:2.0.0 file:sha256.sum");
    expect(() => policy.judge?.({ body: installer, sha256, texts: [{ name: "sha256.sum.minisig", signs: "sha256.sum", text: forged }], sum })).toThrow(
      expect.objectContaining({ code: "SIGNATURE_INVALID" }),
    );
  });
  it("without: no verdict, the warning instead (also as a --verbose line)", async () => {
    const s = setup();
    const policy = signaturePolicy(s.config, undefined, r, "hello-installer.sh");
    expect(policy.judge).toBeUndefined();
    expect(policy.warning?.code).toBe("SIGNATURE_UNCHECKED");
    expect(policy.warning?.message).toContain(s.trustFile);
    expect(s.lines).toContain(policy.warning?.message);
    expect(signaturePolicy(s.config, undefined, release(["hello-installer.sh"]), "hello-installer.sh").warning?.code).toBe("UNSIGNED");
  });
});

describe("keepPin", () => {
  it("copies the receipt's keys into the trust file, as minisign .pub text", async () => {
    const s = setup({ receiptKeys: [a.publicKeyLine, b.publicKeyLine] });
    await keepPin(s.config, await pinsFor(s.config, s.loaded));
    expect(readFileSync(s.trustFile, "utf8")).toBe(a.publicKeyFile + b.publicKeyFile);
    expect(s.lines).toContain(`Recorded the receipt's signing keys in ${s.trustFile}`);
  });
  it("leaves the trust file alone for keys given for one run or read from it", async () => {
    const s = setup({ receiptKeys: [a.publicKeyLine], env: { HELLO_UPKEEP_PUBLIC_KEY: b.publicKeyLine } });
    await keepPin(s.config, await pinsFor(s.config, s.loaded));
    expect(existsSync(s.trustFile)).toBe(false);
    const t = setup({ trust: `untrusted comment: mine\n${b.publicKeyLine}\n` });
    await keepPin(t.config, await pinsFor(t.config, t.loaded));
    expect(readFileSync(t.trustFile, "utf8")).toBe(`untrusted comment: mine\n${b.publicKeyLine}\n`);
  });
});
