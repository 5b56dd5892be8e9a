// scripts/mirror.mjs --public-key: only releases a given key signed enter the mirror; the rest stop it unchanged.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePublicKey, type PublicKey } from "../../src/core/minisign.js";
import { addReleases, fromReleaseDir } from "../../src/release/mirror.js";
import { MirrorSignatureError, verifyReleaseSignatures } from "../../src/release/mirror-verify.js";
import type { Asset, Release } from "../../src/types.js";
import { tmpDir } from "../helpers/fake-app.js";
import { type TestKeyPair, testKeyPair } from "../helpers/minisign.js";

const INSTALLER = "hello-installer.sh";
const keyOf = (k: TestKeyPair): PublicKey => {
  const p = parsePublicKey(k.publicKeyLine);
  if (!p.ok) throw new Error(p.problem);
  return p.value;
};

// A release directory of hello 1.0.0: its installer, sha256.sum and the signatures `sign` makes.
function releaseDir(sign: (dir: string, sum: Buffer) => void, installer = "#!/bin/sh\necho hello\n"): string {
  const dir = tmpDir();
  writeFileSync(path.join(dir, INSTALLER), installer);
  const sum = Buffer.from(`${createHash("sha256").update(installer).digest("hex")}  ${INSTALLER}\n`);
  writeFileSync(path.join(dir, "sha256.sum"), sum);
  sign(dir, sum);
  return dir;
}

// The release as core sees it, and how to read an asset of it.
function asRelease(dir: string): { release: Release; read: (a: Asset) => Promise<Buffer> } {
  const [r] = fromReleaseDir({ app: "hello", dir, tag: "v1.0.0" });
  if (!r) throw new Error("no release");
  return { release: { tag: r.tag, version: "1.0.0", name: null, prerelease: false, draft: false, assets: r.assets }, read: r.read };
}

const a = testKeyPair();
const b = testKeyPair();
const sumSig =
  (k: TestKeyPair, version = "1.0.0") =>
  (dir: string, sum: Buffer) =>
    writeFileSync(path.join(dir, "sha256.sum.minisig"), k.sign(sum, `timestamp:1 version:${version} file:sha256.sum`));

describe("verifyReleaseSignatures", () => {
  it("passes a release whose sha256.sum a given key signed, naming signature and key", async () => {
    const { release, read } = asRelease(releaseDir(sumSig(a)));
    expect(await verifyReleaseSignatures("hello", release, [keyOf(b), keyOf(a)], read)).toEqual([`v1.0.0/${INSTALLER}: sha256.sum.minisig by key ${a.keyId}`]);
  });

  it.each([
    ["no signature", releaseDir(() => {}), "[SIGNATURE_MISSING]"],
    ["a signature by another key", releaseDir(sumSig(b)), `[SIGNATURE_INVALID] `],
    ["an older release's signature (version:0.9.0)", releaseDir(sumSig(a, "0.9.0")), "was made for version 0.9.0"],
  ])("refuses %s, saying the mirror was not changed", async (_what, dir, message) => {
    const { release, read } = asRelease(dir);
    const run = verifyReleaseSignatures("hello", release, [keyOf(a)], read);
    await expect(run).rejects.toThrow(MirrorSignatureError);
    await expect(verifyReleaseSignatures("hello", release, [keyOf(a)], read)).rejects.toThrow(message);
    await expect(verifyReleaseSignatures("hello", release, [keyOf(a)], read)).rejects.toThrow("The mirror was not changed");
  });

  it("refuses an installer swapped under a genuine signed sha256.sum", async () => {
    const dir = releaseDir(sumSig(a));
    writeFileSync(path.join(dir, INSTALLER), "#!/bin/sh\ntouch pwned\n");
    const { release, read } = asRelease(dir);
    await expect(verifyReleaseSignatures("hello", release, [keyOf(a)], read)).rejects.toThrow("the installer was replaced after signing");
  });
});

describe("addReleases with keys", () => {
  it("mirrors a signed release with its signature, and leaves the index as it was for an unsigned one", async () => {
    const out = path.join(tmpDir(), "mirror");
    const good = fromReleaseDir({ app: "hello", dir: releaseDir(sumSig(a)), tag: "v1.0.0" });
    await addReleases(out, "hello", good, () => {}, [keyOf(a)]);
    expect(existsSync(path.join(out, "v1.0.0", "sha256.sum.minisig"))).toBe(true);
    const before = readFileSync(path.join(out, "releases.json"), "utf8");
    const bad = fromReleaseDir({ app: "hello", dir: releaseDir(() => {}), tag: "v2.0.0" });
    await expect(addReleases(out, "hello", bad, () => {}, [keyOf(a)])).rejects.toThrow("[SIGNATURE_MISSING]");
    expect(readFileSync(path.join(out, "releases.json"), "utf8")).toBe(before);
    expect(existsSync(path.join(out, "v2.0.0"))).toBe(false);
    // The control: without keys the same release is mirrored.
    mkdirSync(out, { recursive: true });
    await addReleases(out, "hello", bad);
    expect(readFileSync(path.join(out, "releases.json"), "utf8")).toContain("v2.0.0");
  });
});
