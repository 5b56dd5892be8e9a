// The signing half of scripts/release.mjs: key files read (and refused) as an author gives them, the
// keys the installers pin, the notes for an author, and `.minisig` files upkeep and minisign accept.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commentFields, parsePublicKey, parseSignature, publicKeyText, verifySignature } from "../../src/core/minisign.js";
import { generateSecretKey, publicKeyOf, type ScryptLimits, writeSecretKey } from "../../src/release/minisign-keys.js";
import { loadPublicKeys, loadSigningKey, releaseComment, SigningError, signFiles, signingPlan } from "../../src/release/sign-release.js";
import { tmpDir } from "../helpers/fake-app.js";
import { which } from "../helpers/installers.js";
import { testKeyPair } from "../helpers/minisign.js";

// Cheap scrypt limits (N = 2^10): the file is encrypted as minisign's are, only faster to open.
const FAST: ScryptLimits = { opslimit: 32768n, memlimit: 1073741824n };

describe("loadSigningKey", () => {
  const dir = tmpDir();
  const key = generateSecretKey();
  const plain = path.join(dir, "plain.key");
  const locked = path.join(dir, "locked.key");
  writeFileSync(plain, writeSecretKey(key, undefined));
  writeFileSync(locked, writeSecretKey(key, "correct horse", FAST));

  it("reads an unencrypted key, and an encrypted one with its password: the same key", () => {
    expect(loadSigningKey(plain, undefined).id).toBe(key.id);
    expect(loadSigningKey(locked, "correct horse").seed.equals(key.seed)).toBe(true);
  });

  it.each([
    ["a missing file", () => loadSigningKey(path.join(dir, "none.key"), undefined), "--sign-key /"],
    ["a directory", () => loadSigningKey(dir, undefined), "is not a file"],
    ["an encrypted key without a password", () => loadSigningKey(locked, undefined), "is protected by a password: set UPKEEP_SIGN_PASSWORD to it"],
    ["an encrypted key with an empty password", () => loadSigningKey(locked, ""), "is protected by a password"],
    ["a wrong password", () => loadSigningKey(locked, "wrong"), `wrong password for ${locked}`],
  ])("refuses %s with a SigningError naming the fix", (_what, load, message) => {
    expect(load).toThrow(SigningError);
    expect(load).toThrow(message);
  });

  it("refuses the public key given as the secret one, and a huge file, naming the file", () => {
    const pub = path.join(dir, "k.pub");
    writeFileSync(pub, publicKeyText(publicKeyOf(key)));
    expect(() => loadSigningKey(pub, undefined)).toThrow(`${pub} is not a minisign secret key file`);
    const big = path.join(dir, "big.key");
    writeFileSync(big, "x".repeat(70 * 1024));
    expect(() => loadSigningKey(big, undefined)).toThrow("is 71680 bytes: not a minisign key file");
  });
});

describe("loadPublicKeys", () => {
  const dir = tmpDir();
  const [a, b] = [testKeyPair(), testKeyPair()];
  const aFile = path.join(dir, "a.pub");
  writeFileSync(aFile, a.publicKeyFile);

  it("takes .pub files and key lines (one, or several separated by commas), in order, each once", () => {
    expect(loadPublicKeys([aFile, b.publicKeyLine]).map((k) => k.id)).toEqual([a.keyId, b.keyId]);
    expect(loadPublicKeys([`${b.publicKeyLine},${a.publicKeyLine}`, aFile]).map((k) => k.id)).toEqual([b.keyId, a.keyId]);
    expect(loadPublicKeys([])).toEqual([]);
  });

  it("refuses what is neither a file nor a key, a file that holds no key, and a damaged key line", () => {
    expect(() => loadPublicKeys(["./keys/missing.pub"])).toThrow("--public-key ./keys/missing.pub is neither a file nor a minisign public key");
    const notKey = path.join(dir, "notes.txt");
    writeFileSync(notKey, "hello world\n");
    expect(() => loadPublicKeys([notKey])).toThrow(`--public-key the file ${notKey} is not a minisign public key: it has "hello"`);
    expect(() => loadPublicKeys([a.publicKeyLine.slice(0, 20)])).toThrow("is not a minisign public key");
  });
});

describe("signingPlan", () => {
  const signer = generateSecretKey();
  const other = parsePublicKey(testKeyPair().publicKeyLine);
  if (!other.ok) throw new Error(other.problem);

  it("pins the signing key by default, nothing without one, and says nothing when all is as expected", () => {
    expect(signingPlan(signer, [])).toEqual({ publicKeys: [publicKeyOf(signer)], notes: [] });
    expect(signingPlan(undefined, [])).toEqual({ publicKeys: [], notes: [] });
    expect(signingPlan(signer, [publicKeyOf(signer), other.value]).notes).toEqual([]);
  });

  it("notes a pinned key with no signature, and a signing key the installers do not pin (rotation)", () => {
    expect(signingPlan(undefined, [other.value]).notes).toEqual([expect.stringContaining(`pin key ${other.value.id}, but this release is not signed`)]);
    const rotated = signingPlan(signer, [other.value]);
    expect(rotated.publicKeys).toEqual([other.value]);
    expect(rotated.notes).toEqual([expect.stringContaining(`not the signing key ${signer.id}`)]);
  });
});

describe("signFiles", () => {
  const key = generateSecretKey();
  const pub = publicKeyOf(key);
  // A fresh directory holding a sha256.sum and an installer.
  const release = (): string => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, "sha256.sum"), "ab  hello-installer.sh\n");
    writeFileSync(path.join(dir, "hello-installer.sh"), "#!/bin/sh\necho hi\n");
    return dir;
  };

  it("writes <file>.minisig for each file, with timestamp, version and file in the trusted comment", () => {
    const dir = release();
    expect(signFiles(dir, ["sha256.sum", "hello-installer.sh"], key, "1.2.3", 1_700_000_000)).toEqual(["sha256.sum.minisig", "hello-installer.sh.minisig"]);
    for (const file of ["sha256.sum", "hello-installer.sh"]) {
      const sig = parseSignature(readFileSync(path.join(dir, `${file}.minisig`), "utf8"));
      if (!sig.ok) throw new Error(sig.problem);
      expect(sig.value.algorithm).toBe("ED");
      expect(sig.value.trustedComment).toBe(releaseComment(1_700_000_000, "1.2.3", file));
      expect(commentFields(sig.value.trustedComment).get("version")).toEqual(["1.2.3"]);
      expect(verifySignature(sig.value, pub, readFileSync(path.join(dir, file)))).toEqual({ ok: true });
      // The control: the signature is over these bytes, not any.
      expect(verifySignature(sig.value, pub, Buffer.from("other")).ok).toBe(false);
    }
  });

  const minisign = which("minisign");
  const skip = minisign ? "" : " (skipped: minisign is not installed; npm run setup installs it)";
  it.skipIf(!minisign)(`writes signatures Debian's minisign -V accepts, comment included${skip}`, () => {
    const dir = release();
    signFiles(dir, ["sha256.sum", "hello-installer.sh"], key, "1.2.3", 1_700_000_000);
    const home = tmpDir();
    mkdirSync(path.join(home, "k"));
    writeFileSync(path.join(home, "k", "minisign.pub"), publicKeyText(pub));
    const verify = (file: string) =>
      spawnSync(minisign, ["-V", "-p", path.join(home, "k", "minisign.pub"), "-m", path.join(dir, file)], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
      });
    const ok = verify("sha256.sum");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("Trusted comment: timestamp:1700000000 version:1.2.3 file:sha256.sum");
    writeFileSync(path.join(dir, "hello-installer.sh"), "#!/bin/sh\necho swapped\n");
    expect(verify("hello-installer.sh").status).not.toBe(0);
  });
});
