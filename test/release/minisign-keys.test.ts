// Secret keys, key pairs and signing, checked two ways: round trips and damaged files here, and
// Debian's minisign 0.11 both ways (its keys read and used by us, ours by it; its signatures verified
// by src/core/minisign.ts, ours by `minisign -V`). minisign runs in throw-away dirs, HOME one of them,
// with -s/-p/-x always given; it reads a password from stdin when stdin is not a terminal.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { commentFields, parsePublicKeys, parseSignature, publicKeyText, verifySignature, type PublicKey } from "../../src/core/minisign.js";
import { blake2b } from "../../src/release/blake2b.js";
import {
  generateSecretKey,
  KeyFileError,
  MINISIGN_LIMITS,
  publicKeyOf,
  readSecretKey,
  type ScryptLimits,
  type SecretKey,
  scryptParameters,
  secretKeyIsEncrypted,
  signMinisign,
  writeSecretKey,
} from "../../src/release/minisign-keys.js";
import { tmpDir } from "../helpers/fake-app.js";
import { which } from "../helpers/installers.js";
import { testKeyPair } from "../helpers/minisign.js";

// Cheap limits for tests that only need an encrypted key (N = 2^10), in each of libsodium's two branches.
const FAST: ScryptLimits = { opslimit: 32768n, memlimit: 1073741824n };
const FAST_MEMORY: ScryptLimits = { opslimit: 65536n, memlimit: 131072n };

// The 158 bytes of a secret key file, and a file text from bytes.
const bytesOf = (text: string): Buffer => Buffer.from(text.split("\n")[1] ?? "", "base64");
const fileOf = (bytes: Buffer): string => `untrusted comment: test\n${bytes.toString("base64")}\n`;
// The file with `fn` applied to a copy of its bytes.
const edit = (text: string, fn: (b: Buffer) => void): string => {
  const b = Buffer.from(bytesOf(text));
  fn(b);
  return fileOf(b);
};
const sameKey = (a: SecretKey, b: SecretKey) => expect({ ...a }).toEqual({ ...b });
const verdict = (text: string, key: PublicKey, data: Buffer, allowLegacy = false): string => {
  const sig = parseSignature(text);
  if (!sig.ok) return `unparsed: ${sig.problem}`;
  const v = verifySignature(sig.value, key, data, { allowLegacy });
  return v.ok ? "ok" : v.reason;
};
const onlyKey = (pub: string): PublicKey => {
  const keys = parsePublicKeys(pub);
  if (!keys.ok || keys.value.length !== 1) throw new Error(`not one key: ${pub}`);
  return keys.value[0] as PublicKey;
};

describe("scryptParameters: libsodium's choice from minisign's stored limits", () => {
  // [opslimit, memlimit, N, r, p]
  const cases: [bigint, bigint, number, number, number][] = [
    [33554432n, 1073741824n, 2 ** 20, 8, 1], // minisign -G (libsodium's "sensitive")
    [524288n, 16777216n, 2 ** 14, 8, 1], // libsodium's "interactive"
    [32768n, 1073741824n, 2 ** 10, 8, 1], // few operations for the memory: N from the operations
    [1000n, 1073741824n, 2 ** 10, 8, 1], // operations below 32768 count as 32768
    [65536n, 131072n, 2 ** 7, 8, 16], // much more work than memory: p takes the rest
    [33554432n * 16n, 1073741824n, 2 ** 20, 8, 16],
  ];
  for (const [opslimit, memlimit, N, r, p] of cases) {
    it(`opslimit ${opslimit}, memlimit ${memlimit} → N=${N}, r=${r}, p=${p}`, () => {
      expect(scryptParameters({ opslimit, memlimit })).toEqual({ N, r, p });
    });
  }
});

describe("secret keys", () => {
  const key = generateSecretKey();

  it("generates a key pair whose public key is its seed's, with the key id minisign prints", () => {
    expect(key.keyNum).toHaveLength(8);
    expect(key.seed).toHaveLength(32);
    expect(key.id).toBe(Buffer.from(key.keyNum).readBigUInt64LE(0).toString(16).toUpperCase());
    expect(generateSecretKey().seed.equals(key.seed)).toBe(false);
    expect(publicKeyOf(key)).toMatchObject({ id: key.id, keyNum: key.keyNum, key: key.publicKey });
  });

  it("writes an unencrypted key as minisign -G -W lays it out (checksum filled in), and reads it back", () => {
    const text = writeSecretKey(key, undefined);
    const b = bytesOf(text);
    expect(b).toHaveLength(158);
    expect(b.subarray(0, 6).toString("latin1")).toBe("Ed\0\0B2");
    expect(b.subarray(6, 54).equals(Buffer.alloc(48))).toBe(true);
    expect(b.subarray(54, 126).equals(Buffer.concat([key.keyNum, key.seed, key.publicKey]))).toBe(true);
    expect(b.subarray(126).equals(blake2b(Buffer.concat([Buffer.from("Ed"), key.keyNum, key.seed, key.publicKey]), 32))).toBe(true);
    expect(secretKeyIsEncrypted(text)).toBe(false);
    sameKey(readSecretKey(text, undefined, "k.key"), key);
    sameKey(readSecretKey(text.replaceAll("\n", "\r\n"), "ignored", "k.key"), key);
  });

  it("reads test/helpers' -W style key, whose checksum is zero as minisign leaves it", () => {
    const pair = testKeyPair();
    const read = readSecretKey(pair.secretKeyFile, undefined, "t.key");
    expect(read.id).toBe(pair.keyId);
    expect(publicKeyOf(read).line).toBe(pair.publicKeyLine);
  });

  for (const [label, limits] of [
    ["few operations", FAST],
    ["little memory", FAST_MEMORY],
  ] as const) {
    it(`encrypts with a password (${label}): the key bytes hidden, read back with the password only`, () => {
      const text = writeSecretKey(key, "correct horse", limits);
      const b = bytesOf(text);
      expect(b.subarray(0, 6).toString("latin1")).toBe("EdScB2");
      expect(b.readBigUInt64LE(38)).toBe(limits.opslimit);
      expect(b.readBigUInt64LE(46)).toBe(limits.memlimit);
      expect(b.includes(key.seed)).toBe(false);
      expect(b.includes(key.keyNum)).toBe(false);
      expect(secretKeyIsEncrypted(text)).toBe(true);
      sameKey(readSecretKey(text, "correct horse", "k.key"), key);
      expect(() => readSecretKey(text, "wrong horse", "dir/k.key")).toThrow("wrong password for dir/k.key");
      expect(() => readSecretKey(text, "", "dir/k.key")).toThrow("check UPKEEP_SIGN_PASSWORD");
      expect(() => readSecretKey(text, undefined, "dir/k.key")).toThrow("dir/k.key is protected by a password: set UPKEEP_SIGN_PASSWORD");
    });
  }

  it("uses a fresh salt each time", () => {
    expect(
      bytesOf(writeSecretKey(key, "pw", FAST))
        .subarray(6, 38)
        .equals(bytesOf(writeSecretKey(key, "pw", FAST)).subarray(6, 38)),
    ).toBe(false);
  });

  const plain = writeSecretKey(key, undefined);
  // [what, the file text, the message]
  const bad: [string, string, string][] = [
    ["an empty file", "", "k.key is not a minisign secret key file (a comment line, then one base64 line): it has no second line"],
    ["one line only", "untrusted comment: x\n", "it has no second line"],
    ["a key line that is not base64", "untrusted comment: x\n!!not base64!!\n", "line 2 is not base64"],
    ["a truncated key line", plain.slice(0, 100), "line 2 is not base64"],
    ["the public key file", publicKeyText(publicKeyOf(key)), "line 2 is 42 bytes, not 158 (is it the public key?)"],
    ["a signature file", signMinisign(key, Buffer.from("x"), "c"), "line 2 is 74 bytes, not 158"],
    ["another signature algorithm", edit(plain, (b) => b.write("XY", 0, "latin1")), 'k.key uses the signature algorithm "XY", not "Ed"'],
    ["an unknown key derivation", edit(plain, (b) => b.write("Ar", 2, "latin1")), 'uses the key derivation "Ar", not scrypt ("Sc") or none'],
    ["an unknown checksum", edit(plain, (b) => b.write("S2", 4, "latin1")), 'uses the checksum "S2", not BLAKE2b ("B2")'],
    ["a flipped seed byte", edit(plain, (b) => (b[70] = (b[70] ?? 0) ^ 1)), "k.key is damaged: its checksum does not match the key"],
    ["a flipped checksum byte", edit(plain, (b) => (b[150] = (b[150] ?? 0) ^ 1)), "k.key is damaged: its checksum does not match the key"],
    ["a flipped key number byte", edit(plain, (b) => (b[54] = (b[54] ?? 0) ^ 1)), "k.key is damaged: its checksum does not match the key"],
    [
      "a public key half that is not the seed's (zero checksum)",
      edit(plain, (b) => {
        b.fill(0, 126);
        b[100] = (b[100] ?? 0) ^ 1;
      }),
      "k.key is damaged: its public key does not match its secret key",
    ],
    [
      "a public key half that is not the seed's (checksum made to fit)",
      fileOf(bytesOf(writeSecretKey({ ...key, publicKey: generateSecretKey().publicKey }, undefined))),
      "its public key does not match its secret key",
    ],
    [
      "absurd scrypt limits",
      edit(writeSecretKey(key, "pw", FAST), (b) => (b.writeBigUInt64LE(2n ** 40n, 38), b.writeBigUInt64LE(2n ** 40n, 46))),
      "k.key asks scrypt for N=1073741824, r=8, p=32 (limits 1099511627776, 1099511627776): no minisign key does",
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => readSecretKey(text, "pw", "k.key")).toThrow(KeyFileError);
      expect(() => readSecretKey(text, "pw", "k.key")).toThrow(message);
    });
  }

  it("tells an encrypted file from others, never throwing", () => {
    expect(secretKeyIsEncrypted(edit(plain, (b) => b.write("Sc", 2, "latin1")))).toBe(true);
    for (const text of [plain, "", "garbage", publicKeyText(publicKeyOf(key))]) expect(secretKeyIsEncrypted(text)).toBe(false);
  });
});

describe("signMinisign", () => {
  const key = generateSecretKey();
  const data = Buffer.from("abc  file\n");

  it("signs with the prehashed ED algorithm, which src/core verifies, and the comments it is given", () => {
    const text = signMinisign(key, data, "version:1.2.3 file:sha256.sum", "made by a test");
    expect(text.split("\n")).toHaveLength(5);
    expect(text).toMatch(/^untrusted comment: made by a test\n[A-Za-z0-9+/]{99}=\ntrusted comment: version:1\.2\.3 file:sha256\.sum\n/);
    expect(parseSignature(text)).toMatchObject({ ok: true, value: { algorithm: "ED", keyId: key.id } });
    expect(verdict(text, publicKeyOf(key), data)).toBe("ok");
    expect(verdict(text, publicKeyOf(key), Buffer.from("abd  file\n"))).toBe("bad-signature");
    expect(verdict(text, onlyKey(testKeyPair().publicKeyFile), data)).toBe("other-key");
    expect(signMinisign(key, data, "c")).toContain("untrusted comment: signature from minisign secret key\n");
  });

  it("signs what test/helpers' independent signer signs, byte for byte (Ed25519 is deterministic)", () => {
    const pair = testKeyPair();
    const read = readSecretKey(pair.secretKeyFile, undefined, "t.key");
    const ours = signMinisign(read, data, "version:1 file:x", "signature from a test key");
    expect(ours).toBe(pair.sign(data, "version:1 file:x"));
  });

  for (const comment of ["two\nlines", "carriage\rreturn", "trailing newline\n"]) {
    it(`refuses a trusted comment ${JSON.stringify(comment)}`, () => {
      expect(() => signMinisign(key, data, comment)).toThrow("holds a line break: a minisign comment is one line");
    });
  }

  it("refuses an untrusted comment with a line break, a trusted comment over 8 KiB, a key that does not match its seed", () => {
    expect(() => signMinisign(key, data, "c", "a\nb")).toThrow("holds a line break");
    expect(signMinisign(key, data, "v".repeat(8192))).toContain("v".repeat(8192));
    expect(() => signMinisign(key, data, "v".repeat(8193))).toThrow("more than minisign reads (8 KiB)");
    expect(() => signMinisign({ ...key, publicKey: generateSecretKey().publicKey }, data, "c")).toThrow("its public key does not match its seed");
  });
});

const minisign = which("minisign");
const skip = minisign ? "" : " (skipped: minisign is not installed; npm run setup installs it)";

describe.skipIf(!minisign)(`with Debian's minisign 0.11${skip}`, () => {
  const dir = tmpDir("upkeep-minisign-");
  const file = (name: string) => path.join(dir, name);
  // minisign with a throw-away HOME, `input` on its stdin (the password, when it asks for one).
  const run = (args: string[], input = "") => {
    const r = spawnSync(minisign, args, { input, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir } });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const SUM = Buffer.from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  axolotlsay-installer.sh\n");
  writeFileSync(file("sha256.sum"), SUM);
  // minisign -V of sha256.sum with a public key file and a signature file.
  const minisignVerify = (pub: string, sig: string) => run(["-V", "-p", pub, "-m", file("sha256.sum"), "-x", sig]);

  describe("a minisign -G -W key (no password)", () => {
    beforeAll(() => {
      expect(run(["-G", "-W", "-p", file("w.pub"), "-s", file("w.key")]).status).toBe(0);
    });

    it("is read by us, and our signature with it passes minisign -V", () => {
      const key = readSecretKey(readFileSync(file("w.key"), "utf8"), undefined, "w.key");
      const pub = onlyKey(readFileSync(file("w.pub"), "utf8"));
      expect(publicKeyOf(key)).toEqual(pub);
      expect(publicKeyText(publicKeyOf(key))).toBe(readFileSync(file("w.pub"), "utf8"));
      writeFileSync(file("ours.minisig"), signMinisign(key, SUM, "version:1.2.3 file:sha256.sum"));
      const r = minisignVerify(file("w.pub"), file("ours.minisig"));
      expect(r.out).toContain("Signature and comment signature verified\nTrusted comment: version:1.2.3 file:sha256.sum");
      expect(r.status).toBe(0);
      // The control: minisign refuses our signature once the file changes.
      writeFileSync(file("ours.minisig"), signMinisign(key, Buffer.from("other"), "version:1.2.3 file:sha256.sum"));
      expect(minisignVerify(file("w.pub"), file("ours.minisig")).status).toBe(1);
    });

    it("signs with minisign -S (ED, and legacy with -l), which our core verifies", () => {
      const pub = onlyKey(readFileSync(file("w.pub"), "utf8"));
      expect(run(["-S", "-s", file("w.key"), "-m", file("sha256.sum"), "-x", file("w.minisig")]).status).toBe(0);
      expect(verdict(readFileSync(file("w.minisig"), "utf8"), pub, SUM)).toBe("ok");
      expect(verdict(readFileSync(file("w.minisig"), "utf8"), pub, Buffer.concat([SUM, Buffer.from(" ")]))).toBe("bad-signature");
      expect(run(["-S", "-l", "-s", file("w.key"), "-m", file("sha256.sum"), "-x", file("w-legacy.minisig")]).status).toBe(0);
      expect(verdict(readFileSync(file("w-legacy.minisig"), "utf8"), pub, SUM)).toBe("legacy");
      expect(verdict(readFileSync(file("w-legacy.minisig"), "utf8"), pub, SUM, true)).toBe("ok");
    });
  });

  describe("a password-protected minisign -G key (scrypt with about 1 GiB, done once)", () => {
    let key: SecretKey;
    beforeAll(() => {
      expect(run(["-G", "-p", file("e.pub"), "-s", file("e.key")], "pw\npw\n").status).toBe(0);
      key = readSecretKey(readFileSync(file("e.key"), "utf8"), "pw", file("e.key"));
    }, 60_000);

    it("is read by us with its password: the key of its .pub", () => {
      expect(secretKeyIsEncrypted(readFileSync(file("e.key"), "utf8"))).toBe(true);
      expect(publicKeyOf(key)).toEqual(onlyKey(readFileSync(file("e.pub"), "utf8")));
    });

    it("is refused with a wrong password, saying so", () => {
      expect(() => readSecretKey(readFileSync(file("e.key"), "utf8"), "pw2", file("e.key"))).toThrow(`wrong password for ${file("e.key")}`);
    }, 60_000);

    it('signs with minisign -S -t "version:1.2.3 file:sha256.sum", which our core verifies, version in the comment', () => {
      expect(run(["-S", "-s", file("e.key"), "-m", file("sha256.sum"), "-x", file("e.minisig"), "-t", "version:1.2.3 file:sha256.sum"], "pw\n").status).toBe(0);
      const text = readFileSync(file("e.minisig"), "utf8");
      expect(verdict(text, publicKeyOf(key), SUM)).toBe("ok");
      const sig = parseSignature(text);
      expect(sig.ok && commentFields(sig.value.trustedComment).get("version")).toEqual(["1.2.3"]);
      expect(sig.ok && commentFields(sig.value.trustedComment).get("file")).toEqual(["sha256.sum"]);
    }, 60_000);
  });

  describe("our key files, used by minisign", () => {
    // Writes `text` as <name>.key and our .pub, signs sha256.sum with minisign -S, and checks it.
    const signWith = (name: string, text: string, password: string) => {
      const key = readSecretKey(text, password, name);
      writeFileSync(file(`${name}.key`), text);
      writeFileSync(file(`${name}.pub`), publicKeyText(publicKeyOf(key)));
      const sign = run(
        ["-S", "-s", file(`${name}.key`), "-m", file("sha256.sum"), "-x", file(`${name}.minisig`), "-t", "version:1.2.3 file:sha256.sum"],
        `${password}\n`,
      );
      return { key, sign, verify: sign.status === 0 ? minisignVerify(file(`${name}.pub`), file(`${name}.minisig`)) : sign };
    };

    it("an unencrypted key: minisign -S signs with it, minisign -V and our core accept", () => {
      const { key, sign, verify } = signWith("plain", writeSecretKey(generateSecretKey(), undefined), "");
      expect(sign.out).not.toContain("Password");
      expect(verify.out).toContain("Signature and comment signature verified");
      expect(verify.status).toBe(0);
      expect(verdict(readFileSync(file("plain.minisig"), "utf8"), publicKeyOf(key), SUM)).toBe("ok");
    });

    it("an encrypted key with minisign's own limits: minisign -S decrypts it with the password, minisign -V accepts", () => {
      const key = generateSecretKey();
      const text = writeSecretKey(key, "pw");
      expect(bytesOf(text).readBigUInt64LE(38)).toBe(MINISIGN_LIMITS.opslimit);
      expect(bytesOf(text).readBigUInt64LE(46)).toBe(MINISIGN_LIMITS.memlimit);
      writeFileSync(file("enc.key"), text);
      writeFileSync(file("enc.pub"), publicKeyText(publicKeyOf(key)));
      const sign = run(["-S", "-s", file("enc.key"), "-m", file("sha256.sum"), "-x", file("enc.minisig"), "-t", "version:1.2.3 file:sha256.sum"], "pw\n");
      expect(sign.status, sign.out).toBe(0);
      const r = minisignVerify(file("enc.pub"), file("enc.minisig"));
      expect(r.out).toContain("Trusted comment: version:1.2.3 file:sha256.sum");
      expect(r.status).toBe(0);
      expect(verdict(readFileSync(file("enc.minisig"), "utf8"), publicKeyOf(key), SUM)).toBe("ok");
    }, 60_000);

    for (const [label, limits] of [
      ["few operations", FAST],
      ["little memory, p = 16", FAST_MEMORY],
    ] as const) {
      it(`an encrypted key with other limits (${label}): minisign derives the same scrypt key, and refuses a wrong password`, () => {
        const { sign, verify } = signWith(`fast-${limits.memlimit}`, writeSecretKey(generateSecretKey(), "pw", limits), "pw");
        expect(sign.status, sign.out).toBe(0);
        expect(verify.status, verify.out).toBe(0);
        const wrong = run(["-S", "-s", file(`fast-${limits.memlimit}.key`), "-m", file("sha256.sum"), "-x", file("wrong.minisig")], "nope\n");
        expect(wrong.out).toContain("Wrong password for that key");
        expect(wrong.status).not.toBe(0);
      });
    }
  });
});
