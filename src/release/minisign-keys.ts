// minisign secret keys, read and written as minisign 0.11 does (encrypted with libsodium's scrypt, or
// not, as `minisign -G -W` makes them), new key pairs, and signatures. Release tooling only: the
// executable verifies (src/core/minisign.ts) and never holds a secret key. A key file is a comment
// line and the base64 of 158 bytes: "Ed", the key derivation ("Sc" = scrypt, or two zero bytes),
// "B2", the scrypt salt (32), opslimit and memlimit (LE u64 each), then 104 bytes, XORed with the
// scrypt stream when encrypted: the key number (8), the Ed25519 secret key in libsodium's form (seed,
// then public key) and a BLAKE2b-256 checksum.
import { createPrivateKey, createPublicKey, createHash, generateKeyPairSync, randomBytes, scryptSync, sign, type KeyObject } from "node:crypto";
import { MAX_TRUSTED_COMMENT_BYTES, keyIdOf, makePublicKey, type PublicKey } from "../core/minisign.js";
import { blake2b } from "./blake2b.js";

/** A minisign secret key: its key number, the Ed25519 seed and public key, and the key id minisign prints. */
export interface SecretKey {
  keyNum: Buffer;
  seed: Buffer;
  publicKey: Buffer;
  id: string;
}

/** A secret key file that cannot be read: damaged, not a minisign key, or the wrong password. The message names the file. */
export class KeyFileError extends Error {
  override name = "KeyFileError";
}

/** The variable the release tooling reads a secret key's password from. */
export const PASSWORD_VARIABLE = "UPKEEP_SIGN_PASSWORD";

/** scrypt cost limits as minisign stores them; libsodium turns them into N, r and p ({@link scryptParameters}). */
export interface ScryptLimits {
  opslimit: bigint;
  memlimit: bigint;
}

/** The limits `minisign -G` uses (libsodium's "sensitive" ones): scrypt with N = 2^20, r = 8, p = 1, about 1 GiB. */
export const MINISIGN_LIMITS: ScryptLimits = { opslimit: 33554432n, memlimit: 1073741824n };

const FILE_BYTES = 158;
const SECRET_OFFSET = 54;
const SECRET_BYTES = 104;
// Node reads a raw Ed25519 seed from PKCS#8 DER: this prefix, then the 32 seed bytes.
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
// Asking scrypt for more memory than this is a damaged or hostile key file, not one minisign made.
const MAX_SCRYPT_MEMORY = 4 * 1024 ** 3;

/**
 * The scrypt parameters libsodium's crypto_pwhash_scryptsalsa208sha256 picks for minisign's stored
 * limits: r = 8; with few operations for the memory, p = 1 and N from the operations, otherwise N
 * from the memory and p from what operations remain.
 */
export function scryptParameters(limits: ScryptLimits): { N: number; r: number; p: number } {
  const r = 8n;
  const ops = limits.opslimit < 32768n ? 32768n : limits.opslimit;
  const fewOps = ops < limits.memlimit / 32n;
  const maxN = fewOps ? ops / (r * 4n) : limits.memlimit / (r * 128n);
  let log2 = 1n;
  while (log2 < 63n && 1n << log2 <= maxN / 2n) log2++;
  let p = 1n;
  if (!fewOps) {
    const maxrp = ops / 4n / (1n << log2);
    p = (maxrp > 0x3fffffffn ? 0x3fffffffn : maxrp) / r;
  }
  return { N: 2 ** Number(log2), r: Number(r), p: Number(p) };
}

// The scrypt stream a key file is XORed with, for its stored salt and limits.
function scryptStream(password: string, salt: Buffer, limits: ScryptLimits, file: string): Buffer {
  const { N, r, p } = scryptParameters(limits);
  const memory = 128 * N * r;
  if (p < 1 || memory > MAX_SCRYPT_MEMORY) {
    throw new KeyFileError(`${file} asks scrypt for N=${N}, r=${r}, p=${p} (limits ${limits.opslimit}, ${limits.memlimit}): no minisign key does`);
  }
  return scryptSync(password, salt, SECRET_BYTES, { N, r, p, maxmem: memory + 32 * 1024 * 1024 });
}

// Two algorithm bytes as a message shows them.
const name = (bytes: Buffer): string => (/^[\x21-\x7e]{2}$/.test(bytes.toString("latin1")) ? `"${bytes.toString("latin1")}"` : `0x${bytes.toString("hex")}`);

// The checksum minisign keeps in a secret key: BLAKE2b-256 of "Ed", the key number and the secret key.
const checksum = (keyNum: Buffer, seed: Buffer, publicKey: Buffer): Buffer => blake2b(Buffer.concat([Buffer.from("Ed"), keyNum, seed, publicKey]), 32);

// The node key for an Ed25519 seed.
const privateKeyOf = (seed: Buffer): KeyObject => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });

// The Ed25519 public key of a seed.
const publicKeyFromSeed = (seed: Buffer): Buffer => Buffer.from(createPublicKey(privateKeyOf(seed)).export({ format: "jwk" }).x ?? "", "base64url");

// The 158 bytes of a secret key file, or a KeyFileError saying why there are none.
function fileBytes(text: string, file: string): Buffer {
  const line = text.split("\n")[1]?.trim() ?? "";
  const bytes = Buffer.from(line, "base64");
  const what = `${file} is not a minisign secret key file (a comment line, then one base64 line)`;
  if (line === "") throw new KeyFileError(`${what}: it has no second line`);
  if (bytes.toString("base64") !== line) throw new KeyFileError(`${what}: line 2 is not base64`);
  if (bytes.length !== FILE_BYTES) {
    throw new KeyFileError(`${what}: line 2 is ${bytes.length} bytes, not ${FILE_BYTES}${bytes.length === 42 ? " (is it the public key?)" : ""}`);
  }
  return bytes;
}

/** Whether a secret key file is password-protected (scrypt); false for a `-W` key and for text that is no key file. */
export function secretKeyIsEncrypted(text: string): boolean {
  try {
    return fileBytes(text, "").subarray(2, 4).toString("latin1") === "Sc";
  } catch {
    return false;
  }
}

/**
 * Reads a secret key file as `minisign -G` writes it (`password` decrypts it) or as `minisign -G -W`
 * does (no password; `password` is then unused). Throws a {@link KeyFileError} naming `file`: not a
 * key file, an unknown algorithm, encrypted and no password, a wrong password, or a damaged key.
 */
export function readSecretKey(text: string, password: string | undefined, file: string): SecretKey {
  const bytes = fileBytes(text, file);
  const [sigAlg, kdfAlg, chkAlg] = [bytes.subarray(0, 2), bytes.subarray(2, 4), bytes.subarray(4, 6)];
  if (sigAlg.toString("latin1") !== "Ed") throw new KeyFileError(`${file} uses the signature algorithm ${name(sigAlg)}, not "Ed"`);
  const encrypted = kdfAlg.toString("latin1") === "Sc";
  if (!encrypted && !kdfAlg.equals(Buffer.alloc(2))) {
    throw new KeyFileError(`${file} uses the key derivation ${name(kdfAlg)}, not scrypt ("Sc") or none (minisign -W)`);
  }
  if (chkAlg.toString("latin1") !== "B2") throw new KeyFileError(`${file} uses the checksum ${name(chkAlg)}, not BLAKE2b ("B2")`);
  const secret = Buffer.from(bytes.subarray(SECRET_OFFSET));
  if (encrypted) {
    if (password === undefined) throw new KeyFileError(`${file} is protected by a password: set ${PASSWORD_VARIABLE} to it`);
    const limits = { opslimit: bytes.readBigUInt64LE(38), memlimit: bytes.readBigUInt64LE(46) };
    const stream = scryptStream(password, bytes.subarray(6, 38), limits, file);
    for (let i = 0; i < SECRET_BYTES; i++) secret[i] = (secret[i] ?? 0) ^ (stream[i] ?? 0);
  }
  const [keyNum, seed, publicKey, chk] = [secret.subarray(0, 8), secret.subarray(8, 40), secret.subarray(40, 72), secret.subarray(72)];
  // minisign -W leaves the checksum zero (and never checks it); an encrypted key always has one.
  const zeroChk = !encrypted && chk.equals(Buffer.alloc(32));
  if (!zeroChk && !chk.equals(checksum(keyNum, seed, publicKey))) {
    throw new KeyFileError(
      encrypted
        ? `wrong password for ${file}: its checksum does not match after decrypting; check ${PASSWORD_VARIABLE}`
        : `${file} is damaged: its checksum does not match the key`,
    );
  }
  if (!publicKeyFromSeed(seed).equals(publicKey)) throw new KeyFileError(`${file} is damaged: its public key does not match its secret key`);
  return { keyNum: Buffer.from(keyNum), seed: Buffer.from(seed), publicKey: Buffer.from(publicKey), id: keyIdOf(keyNum) };
}

/**
 * The text of a secret key file for `key`: encrypted with `password` and minisign's limits (or
 * `limits`) as `minisign -G` writes it, or, with no password, as `minisign -G -W` does (but with
 * the checksum filled in, which minisign ignores there).
 */
export function writeSecretKey(key: SecretKey, password: string | undefined, limits: ScryptLimits = MINISIGN_LIMITS): string {
  if (key.keyNum.length !== 8 || key.seed.length !== 32 || key.publicKey.length !== 32) {
    throw new RangeError("writeSecretKey: a key has an 8-byte key number, a 32-byte seed and a 32-byte public key");
  }
  const secret = Buffer.concat([key.keyNum, key.seed, key.publicKey, checksum(key.keyNum, key.seed, key.publicKey)]);
  const header = Buffer.alloc(SECRET_OFFSET);
  header.write("Ed", 0, "latin1");
  header.write("B2", 4, "latin1");
  if (password !== undefined) {
    header.write("Sc", 2, "latin1");
    const salt = randomBytes(32);
    salt.copy(header, 6);
    header.writeBigUInt64LE(limits.opslimit, 38);
    header.writeBigUInt64LE(limits.memlimit, 46);
    const stream = scryptStream(password, salt, limits, "the new key");
    for (let i = 0; i < SECRET_BYTES; i++) secret[i] = (secret[i] ?? 0) ^ (stream[i] ?? 0);
  }
  const comment = password === undefined ? "minisign secret key, not encrypted" : "minisign encrypted secret key";
  return `untrusted comment: ${comment}\n${Buffer.concat([header, secret]).toString("base64")}\n`;
}

/** A new random key pair (seed and key number from the system's random source). */
export function generateSecretKey(): SecretKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url");
  const keyNum = randomBytes(8);
  return { keyNum, seed, publicKey: Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url"), id: keyIdOf(keyNum) };
}

/** The public key of a secret key, as src/core/minisign.ts reads it. */
export function publicKeyOf(key: SecretKey): PublicKey {
  return makePublicKey(key.keyNum, key.publicKey);
}

/**
 * The text of a `.minisig` file signing `data` with `key`, as `minisign -S` writes it: the prehashed
 * `ED` algorithm (Ed25519 over BLAKE2b-512), and a global signature over the trusted comment.
 * Refuses a comment holding a line break (it would end the line) and a trusted comment over 8 KiB.
 */
export function signMinisign(key: SecretKey, data: Uint8Array, trustedComment: string, untrustedComment = "signature from minisign secret key"): string {
  const broken = [trustedComment, untrustedComment].find((c) => /[\r\n]/.test(c));
  if (broken !== undefined) throw new RangeError(`the comment ${JSON.stringify(broken)} holds a line break: a minisign comment is one line`);
  if (Buffer.byteLength(trustedComment) > MAX_TRUSTED_COMMENT_BYTES) {
    throw new RangeError(`the trusted comment is ${Buffer.byteLength(trustedComment)} bytes, more than minisign reads (8 KiB)`);
  }
  if (!publicKeyFromSeed(key.seed).equals(key.publicKey)) throw new RangeError(`key ${key.id}: its public key does not match its seed`);
  const privateKey = privateKeyOf(key.seed);
  const signature = sign(null, createHash("blake2b512").update(data).digest(), privateKey);
  const globalSignature = sign(null, Buffer.concat([signature, Buffer.from(trustedComment, "utf8")]), privateKey);
  const line = Buffer.concat([Buffer.from("ED"), key.keyNum, signature]).toString("base64");
  return [`untrusted comment: ${untrustedComment}`, line, `trusted comment: ${trustedComment}`, globalSignature.toString("base64"), ""].join("\n");
}
