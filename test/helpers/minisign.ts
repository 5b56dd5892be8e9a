// A minisign signer for tests, made directly with node:crypto and importing nothing from src/: tests
// that check our verifier (and the fault tables of signed releases) must not trust our own signer.
//
//   const key = testKeyPair();
//   writeFileSync("sha256.sum.minisig", key.sign(sum, "version:1.2.3 file:sha256.sum"));
//   // pin it: key.publicKeyLine (the base64 line), or key.publicKeyFile as <app>.pub
//
// `sign` writes what `minisign -S` writes: the prehashed `ED` algorithm (Ed25519 over the file's
// BLAKE2b-512) by default, the legacy `Ed` (Ed25519 over the file itself) with `legacy: true`.
// `keyNum` puts another key number in the signature (a signature that claims another key id).
import { createHash, generateKeyPairSync, randomBytes, sign as ed25519Sign } from "node:crypto";

/** A throw-away minisign key pair. */
export interface TestKeyPair {
  /** The base64 line of the `.pub` file: what `--public-key` and `<APP>_UPKEEP_PUBLIC_KEY` take. */
  publicKeyLine: string;
  /** The whole `.pub` file, as `minisign -G` writes it. */
  publicKeyFile: string;
  /** The key id as minisign prints it (16 upper-case hex digits). */
  keyId: string;
  /** The key number (8 bytes) inside the key and its signatures. */
  keyNum: Buffer;
  /** An unencrypted secret key file, as `minisign -G -W` writes it (its checksum left zero, as minisign does). */
  secretKeyFile: string;
  /** The text of a `.minisig` file signing `data`, with `trustedComment` (one line). */
  sign(data: Buffer, trustedComment: string, opts?: { legacy?: boolean; keyNum?: Buffer }): string;
}

/** A new key pair (a random Ed25519 key and a random key number). */
export function testKeyPair(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pk = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url");
  const keyNum = randomBytes(8);
  const keyId = keyNum.readBigUInt64LE(0).toString(16).toUpperCase();
  const publicKeyLine = Buffer.concat([Buffer.from("Ed"), keyNum, pk]).toString("base64");
  // "Ed", kdf none (0x0000), "B2", then salt, opslimit and memlimit (all zero), keynum, seed || pk, chk.
  const secret = Buffer.concat([Buffer.from("Ed"), Buffer.alloc(2), Buffer.from("B2"), Buffer.alloc(48), keyNum, seed, pk, Buffer.alloc(32)]);
  return {
    publicKeyLine,
    publicKeyFile: `untrusted comment: minisign public key ${keyId}\n${publicKeyLine}\n`,
    keyId,
    keyNum,
    secretKeyFile: `untrusted comment: minisign encrypted secret key\n${secret.toString("base64")}\n`,
    sign(data, trustedComment, opts = {}) {
      const signed = opts.legacy ? data : createHash("blake2b512").update(data).digest();
      const signature = ed25519Sign(null, signed, privateKey);
      const globalSignature = ed25519Sign(null, Buffer.concat([signature, Buffer.from(trustedComment)]), privateKey);
      const line = Buffer.concat([Buffer.from(opts.legacy ? "Ed" : "ED"), opts.keyNum ?? keyNum, signature]).toString("base64");
      return `untrusted comment: signature from a test key\n${line}\ntrusted comment: ${trustedComment}\n${globalSignature.toString("base64")}\n`;
    },
  };
}
