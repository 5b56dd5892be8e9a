// Signing for scripts/release.mjs: the secret key of --sign-key (read before anything is written, so a
// wrong password costs nothing), the public keys of --public-key the installers pin, and the `.minisig`
// files of a release: `sha256.sum` and each installer, with the trusted comment upkeep checks
// (`timestamp:<seconds> version:<V> file:<name>`). Every signature written is verified again with the
// same code the updater runs (src/core/minisign.ts) before the release counts as made.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parsePublicKeys, parseSignature, verifySignature, type PublicKey } from "../core/minisign.js";
import { KeyFileError, publicKeyOf, readSecretKey, signMinisign, type SecretKey } from "./minisign-keys.js";

/** A signing refusal, with a message for people (release.ts turns it into its own error). */
export class SigningError extends Error {}

// Key files are a few hundred bytes: a larger one is not a key file.
const MAX_KEY_FILE = 64 * 1024;

// The text of a key file named on the command line, or a SigningError saying why not.
function keyFileText(file: string, flag: string): string {
  if (!existsSync(file)) throw new SigningError(`${flag} ${file} does not exist`);
  const st = statSync(file);
  if (!st.isFile()) throw new SigningError(`${flag} ${file} is not a file`);
  if (st.size > MAX_KEY_FILE) throw new SigningError(`${flag} ${file} is ${st.size} bytes: not a minisign key file (they are under 1 KiB)`);
  return readFileSync(file, "utf8");
}

/** The secret key of `--sign-key FILE`, decrypted with `password` when the file is protected. */
export function loadSigningKey(file: string, password: string | undefined): SecretKey {
  const text = keyFileText(file, "--sign-key");
  try {
    return readSecretKey(text, password === "" ? undefined : password, file);
  } catch (error) {
    if (error instanceof KeyFileError) throw new SigningError(error.message);
    throw error;
  }
}

/**
 * The keys of the `--public-key` values: each a `.pub` file (its path) or key lines (the base64 line,
 * several separated by commas or spaces), in order, duplicates once.
 */
export function loadPublicKeys(values: readonly string[]): PublicKey[] {
  const keys: PublicKey[] = [];
  for (const value of values) {
    // A key line may hold "/" (base64), so what names an existing file is the file; anything else must be key lines.
    const fromFile = existsSync(value);
    if (!fromFile && !/^[A-Za-z0-9+/=,\s]+$/.test(value)) {
      throw new SigningError(`--public-key ${value} is neither a file nor a minisign public key (give the .pub file or its base64 line)`);
    }
    const parsed = parsePublicKeys(fromFile ? keyFileText(value, "--public-key") : value);
    if (!parsed.ok) {
      const what = fromFile ? `the file ${value}` : JSON.stringify(value);
      throw new SigningError(`--public-key ${what} is not a minisign public key: it ${parsed.problem} (give the .pub file or its base64 line)`);
    }
    for (const k of parsed.value) if (!keys.some((x) => x.line === k.line)) keys.push(k);
  }
  return keys;
}

/** What the release pins and signs with, and the notes an author should read (none when all is as expected). */
export function signingPlan(signKey: SecretKey | undefined, given: PublicKey[]): { publicKeys: PublicKey[]; notes: string[] } {
  const notes: string[] = [];
  const publicKeys = given.length > 0 ? given : signKey ? [publicKeyOf(signKey)] : [];
  if (!signKey && given.length > 0) {
    notes.push(
      `the installers pin key ${given.map((k) => k.id).join(", ")}, but this release is not signed (no --sign-key): ` +
        "users who install it refuse every later release not signed by a pinned key",
    );
  }
  if (signKey && given.length > 0 && !given.some((k) => k.keyNum.equals(signKey.keyNum))) {
    notes.push(
      `the installers pin key ${given.map((k) => k.id).join(", ")}, not the signing key ${signKey.id}: ` +
        `users who install this release refuse later releases signed only by ${signKey.id} (rotating to the pinned keys)`,
    );
  }
  return { publicKeys, notes };
}

/** The trusted comment of a release signature. */
export function releaseComment(time: number, version: string, file: string): string {
  return `timestamp:${time} version:${version} file:${file}`;
}

/**
 * Writes `<file>.minisig` in `dir` for each file, signed by `key` for `version`, and checks each with
 * the updater's verifier; returns the names written.
 */
export function signFiles(dir: string, files: readonly string[], key: SecretKey, version: string, time: number): string[] {
  const written: string[] = [];
  const pub = publicKeyOf(key);
  for (const file of files) {
    const data = readFileSync(path.join(dir, file));
    const text = signMinisign(key, data, releaseComment(time, version, file), `signature from minisign secret key ${key.id}`);
    const parsed = parseSignature(text);
    const verdict = parsed.ok ? verifySignature(parsed.value, pub, data) : { ok: false as const, reason: parsed.problem };
    if (!verdict.ok) throw new Error(`the signature just made for ${file} does not verify (${verdict.reason}): a bug in src/release/minisign-keys.ts`);
    writeFileSync(path.join(dir, `${file}.minisig`), text, { mode: 0o644 });
    written.push(`${file}.minisig`);
  }
  return written;
}
