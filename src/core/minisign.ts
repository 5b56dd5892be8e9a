// minisign (https://jedisct1.github.io/minisign/) with node:crypto only: Ed25519 for the signatures,
// BLAKE2b-512 for the prehashed "ED" algorithm. Pure: text and bytes in, values out; the caller reads
// the files and decides what a refusal means.
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";

/** A minisign public key: `id` is the key id as minisign prints it (upper-case hex, no leading zeros). */
export interface PublicKey {
  id: string;
  keyNum: Buffer;
  key: Buffer;
  /** The base64 line of the key's `.pub` file. */
  line: string;
}

/** A parse result: the value, or a phrase saying what is wrong, to end a sentence ("… is not base64"). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A parsed `.minisig` file. `ED` signs the BLAKE2b-512 of the file, `Ed` (legacy) the file itself. */
export interface Signature {
  algorithm: "ED" | "Ed";
  keyId: string;
  keyNum: Buffer;
  signature: Buffer;
  trustedComment: string;
  /** The signature over `signature` followed by the trusted comment. */
  globalSignature: Buffer;
  untrustedComment: string;
}

/** Whether a signature holds, and if not, why. */
export type Verdict = { ok: true } | { ok: false; reason: "other-key" | "bad-signature" | "bad-comment" | "legacy" };

/** The largest `.minisig` text parsed (minisign's own files are under 1 KiB). */
export const MAX_SIGNATURE_TEXT = 16 * 1024;
/** The largest trusted comment, in bytes (minisign's own limit). */
export const MAX_TRUSTED_COMMENT_BYTES = 8 * 1024;

const UNTRUSTED_PREFIX = "untrusted comment: ";
const TRUSTED_PREFIX = "trusted comment: ";
const PUBLIC_KEY_BYTES = 2 + 8 + 32;
const SIGNATURE_BYTES = 2 + 8 + 64;
// Node reads a raw Ed25519 public key from SPKI DER: this prefix, then the 32 key bytes.
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");

// The bytes of a base64 text, or undefined unless it is canonical base64 (padded, as minisign writes
// it): Buffer.from alone skips stray characters, so only a text that encodes back to itself counts.
function base64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64");
  return text.length > 0 && bytes.toString("base64") === text ? bytes : undefined;
}

// Two algorithm bytes as a message shows them: the letters, or hex when they are not printable.
function algorithmName(bytes: Buffer): string {
  return /^[\x21-\x7e]{2}$/.test(bytes.toString("latin1")) ? `"${bytes.toString("latin1")}"` : `0x${bytes.toString("hex")}`;
}

// A phrase for bytes that do not decode to `length` bytes.
function shapeProblem(bytes: Buffer | undefined, length: number): string | undefined {
  if (!bytes) return "is not base64";
  if (bytes.length !== length) return `is ${bytes.length} bytes, not ${length}`;
  return undefined;
}

/** The key id minisign prints for an 8-byte key number: a little-endian u64 in hex, no leading zeros (`PRIX64`). */
export function keyIdOf(keyNum: Uint8Array): string {
  return Buffer.from(keyNum).readBigUInt64LE(0).toString(16).toUpperCase();
}

/** A {@link PublicKey} from its key number (8 bytes) and Ed25519 key (32 bytes). */
export function makePublicKey(keyNum: Uint8Array, key: Uint8Array): PublicKey {
  const line = Buffer.concat([Buffer.from("Ed"), keyNum, key]).toString("base64");
  return { id: keyIdOf(keyNum), keyNum: Buffer.from(keyNum), key: Buffer.from(key), line };
}

/** One public key from the base64 line of a minisign `.pub` file (surrounding whitespace ignored). */
export function parsePublicKey(line: string): Parsed<PublicKey> {
  const text = line.trim();
  const bytes = base64(text);
  const problem = shapeProblem(bytes, PUBLIC_KEY_BYTES);
  if (problem || !bytes) return { ok: false, problem: problem ?? "is not base64" };
  const algorithm = bytes.subarray(0, 2);
  if (algorithm.toString("latin1") !== "Ed") return { ok: false, problem: `uses the algorithm ${algorithmName(algorithm)}, not "Ed"` };
  return { ok: true, value: makePublicKey(bytes.subarray(2, 10), bytes.subarray(10)) };
}

// A key as a message quotes it: short enough for one line.
const quote = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/**
 * The keys of a `.pub` file or of a list: lines starting with "untrusted comment:" and blank lines
 * are skipped, the rest is split on commas and whitespace, and each part must be a key. The same key
 * given twice counts once. No key at all is a problem.
 */
export function parsePublicKeys(text: string): Parsed<PublicKey[]> {
  const keys: PublicKey[] = [];
  const lines = text.split(/\r?\n/).filter((l) => !l.trimStart().startsWith("untrusted comment:"));
  for (const part of lines.flatMap((l) => l.split(/[\s,]+/)).filter(Boolean)) {
    const parsed = parsePublicKey(part);
    if (!parsed.ok) return { ok: false, problem: `has ${quote(part)}, which ${parsed.problem}` };
    if (!keys.some((k) => k.line === parsed.value.line)) keys.push(parsed.value);
  }
  return keys.length > 0 ? { ok: true, value: keys } : { ok: false, problem: "holds no public key" };
}

/**
 * A `.minisig` file: exactly four lines (an untrusted comment, the signature, the trusted comment,
 * the global signature), a final newline optional, CRLF line ends tolerated. Larger than
 * {@link MAX_SIGNATURE_TEXT}, or a trusted comment over {@link MAX_TRUSTED_COMMENT_BYTES}, is refused.
 */
export function parseSignature(text: string): Parsed<Signature> {
  if (text.length > MAX_SIGNATURE_TEXT) return { ok: false, problem: `is ${text.length} characters, more than a signature file has (16 KiB)` };
  if (text.length === 0) return { ok: false, problem: "is empty" };
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (text.endsWith("\n")) lines.pop();
  const [untrusted, sigLine, trusted, globalLine] = lines;
  if (lines.length !== 4 || untrusted === undefined || sigLine === undefined || trusted === undefined || globalLine === undefined) {
    return { ok: false, problem: `has ${lines.length} ${lines.length === 1 ? "line" : "lines"}, not the 4 of a minisign signature` };
  }
  if (!untrusted.startsWith(UNTRUSTED_PREFIX)) return { ok: false, problem: `does not start with "${UNTRUSTED_PREFIX}" (line 1)` };
  const sig = base64(sigLine);
  const sigProblem = shapeProblem(sig, SIGNATURE_BYTES);
  if (sigProblem || !sig) return { ok: false, problem: `has a signature (line 2) that ${sigProblem ?? "is not base64"}` };
  const algorithm = sig.subarray(0, 2).toString("latin1");
  if (algorithm !== "ED" && algorithm !== "Ed") {
    return { ok: false, problem: `uses the algorithm ${algorithmName(sig.subarray(0, 2))}, not "ED" (or the legacy "Ed")` };
  }
  if (!trusted.startsWith(TRUSTED_PREFIX)) return { ok: false, problem: `has no "${TRUSTED_PREFIX}" at the start of line 3` };
  const trustedComment = trusted.slice(TRUSTED_PREFIX.length);
  if (Buffer.byteLength(trustedComment) > MAX_TRUSTED_COMMENT_BYTES) {
    return { ok: false, problem: `has a trusted comment of ${Buffer.byteLength(trustedComment)} bytes, more than minisign allows (8 KiB)` };
  }
  const globalSignature = base64(globalLine);
  const globalProblem = shapeProblem(globalSignature, 64);
  if (globalProblem || !globalSignature) return { ok: false, problem: `has a comment signature (line 4) that ${globalProblem ?? "is not base64"}` };
  const keyNum = sig.subarray(2, 10);
  return {
    ok: true,
    value: {
      algorithm,
      keyId: keyIdOf(keyNum),
      keyNum,
      signature: sig.subarray(10),
      trustedComment,
      globalSignature,
      untrustedComment: untrusted.slice(UNTRUSTED_PREFIX.length),
    },
  };
}

// Ed25519 verification that never throws: a key node cannot load verifies nothing.
function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/**
 * Whether `key` signed `data` with `sig`, checked in minisign's order: the key id first ("other-key"),
 * then the algorithm (a legacy `Ed` signature is not even verified unless `allowLegacy`), then the
 * signature over the data ("bad-signature"), then the one over the trusted comment ("bad-comment").
 */
export function verifySignature(sig: Signature, key: PublicKey, data: Uint8Array, options: { allowLegacy?: boolean } = {}): Verdict {
  if (!sig.keyNum.equals(key.keyNum)) return { ok: false, reason: "other-key" };
  if (sig.algorithm === "Ed" && !options.allowLegacy) return { ok: false, reason: "legacy" };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519, key.key]), format: "der", type: "spki" });
  } catch {
    return { ok: false, reason: "bad-signature" };
  }
  const message = sig.algorithm === "ED" ? createHash("blake2b512").update(data).digest() : data;
  if (!ed25519Verify(publicKey, message, sig.signature)) return { ok: false, reason: "bad-signature" };
  const signed = Buffer.concat([sig.signature, Buffer.from(sig.trustedComment, "utf8")]);
  if (!ed25519Verify(publicKey, signed, sig.globalSignature)) return { ok: false, reason: "bad-comment" };
  return { ok: true };
}

/**
 * The `key:value` fields of a trusted comment, split on whitespace (minisign's own comment uses
 * tabs): a part without ':' (or with nothing before it) is no field; a key given twice keeps every
 * value, in order.
 */
export function commentFields(trustedComment: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const part of trustedComment.split(/\s+/)) {
    const colon = part.indexOf(":");
    if (colon <= 0) continue;
    const key = part.slice(0, colon);
    fields.set(key, [...(fields.get(key) ?? []), part.slice(colon + 1)]);
  }
  return fields;
}

/** The text of a `.pub` file for `key`, as `minisign -G` writes it. */
export function publicKeyText(key: PublicKey): string {
  return `${UNTRUSTED_PREFIX}minisign public key ${key.id}\n${key.line}\n`;
}
