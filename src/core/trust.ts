// Over 200 lines: the whole signature policy in one place (which keys are pinned, which assets are
// signatures, and the verdict with a message for each way a release can fail it), pure, as one table of rules.
import { UpdaterError } from "../errors.js";
import type { Asset, KeySource, Release, SignatureReport, VerifiedSignature, Warning } from "../types.js";
import { checksumFromText } from "./checksum.js";
import { appEnvVar } from "./env-name.js";
import { commentFields, parsePublicKey, parsePublicKeys, parseSignature, verifySignature, type PublicKey } from "./minisign.js";

/** The name of the signature of a release's checksum file. */
export const SUM_SIGNATURE = "sha256.sum.minisig";

/** The keys pinned for an app: the first source that had any. */
export interface Pins {
  source: KeySource;
  /** The option, variable or file they came from. */
  from: string;
  keys: PublicKey[];
}

/** Everywhere a pinned key may come from, in order of precedence. */
export interface KeySources {
  /** `--public-key` or `<APP>_UPKEEP_PUBLIC_KEY`, already parsed. */
  given?: { keys: PublicKey[]; source: "option" | "env"; from: string } | undefined;
  /** The receipt's `upkeep_public_keys` (already validated when the receipt was read). */
  receipt: { keys: readonly string[]; path: string };
  /** The trust file: its text, or undefined when it does not exist. */
  trustFile?: { path: string; text: string | undefined } | undefined;
}

/**
 * The pinned keys: the option, the variable, the receipt, then the trust file (the first that yields a
 * key), or undefined when none does. A trust file that is not a list of minisign public keys is
 * SIGNATURE_INVALID: it is there to pin a key, so it is never ignored.
 */
export function choosePins(s: KeySources): Pins | undefined {
  if (s.given && s.given.keys.length > 0) return { source: s.given.source, from: s.given.from, keys: s.given.keys };
  const fromReceipt = s.receipt.keys.map((line) => parsePublicKey(line)).flatMap((p) => (p.ok ? [p.value] : []));
  if (fromReceipt.length > 0) return { source: "receipt", from: s.receipt.path, keys: fromReceipt };
  const file = s.trustFile;
  if (file?.text === undefined) return undefined;
  const parsed = parsePublicKeys(file.text);
  if (!parsed.ok) {
    throw new UpdaterError(
      "SIGNATURE_INVALID",
      `The trusted keys file ${file.path} is not a list of minisign public keys: it ${parsed.problem}. Nothing was run.`,
      {
        hint: "Put the app's minisign public key there (its .pub file as the app's authors publish it); it pins the key its releases must be signed with.",
        details: { path: file.path },
      },
    );
  }
  return { source: "trust_file", from: file.path, keys: parsed.value };
}

/** What `--json` says of the keys when nothing was verified (yet). */
export function signatureReport(pins: Pins | undefined, verified: VerifiedSignature[] = []): SignatureReport {
  return { keySource: pins?.source ?? null, keyFrom: pins?.from ?? null, keys: pins?.keys.map((k) => k.id) ?? [], verified };
}

/** A signature asset of a release and the asset it signs. */
export interface SignatureAsset {
  asset: Asset;
  /** The signed asset's name: `sha256.sum` or the installer's. */
  signs: string;
  /** The signed asset itself, when the release has it. */
  signed: Asset | undefined;
}

/** The signatures that can prove `installerName`: `sha256.sum.minisig` and `<installer>.minisig`, those present. */
export function signatureAssets(release: Release, installerName: string): SignatureAsset[] {
  const out: SignatureAsset[] = [];
  for (const signs of ["sha256.sum", installerName]) {
    const asset = release.assets.find((a) => a.name === `${signs}.minisig`);
    if (asset) out.push({ asset, signs, signed: release.assets.find((a) => a.name === signs) });
  }
  return out;
}

/** The warning of a run that pins no key: the release is unsigned, or signed but unchecked. */
export function unpinnedWarning(app: string, release: Release, signatures: readonly SignatureAsset[], trustFile: string | undefined): Warning {
  if (signatures.length === 0) {
    return { code: "UNSIGNED", message: `Release ${release.tag} publishes no minisign signature, so who made its installer was not checked.` };
  }
  const where = trustFile ? `put the app's .pub file at ${trustFile}, or ` : "";
  return {
    code: "SIGNATURE_UNCHECKED",
    message:
      `Release ${release.tag} is signed (${signatures.map((s) => s.asset.name).join(", ")}), but no public key is pinned for ${app}, so the signature was not checked. ` +
      `To pin the authors' key, ${where}pass --public-key or set ${appEnvVar(app, "UPKEEP_PUBLIC_KEY")}.`,
  };
}

/** Everything {@link judgeSignatures} looks at, all already downloaded. */
export interface SignatureInput {
  app: string;
  pins: Pins;
  release: Pick<Release, "tag" | "version">;
  installer: { name: string; sha256: string };
  /** The signature assets present and their text. */
  signatures: { name: string; signs: string; text: string }[];
  /** The signed assets' bytes by name: the installer, and `sha256.sum` when the release has it. */
  files: ReadonlyMap<string, Uint8Array>;
  allowLegacy: boolean;
}

/**
 * The pinned-key verdict. Every signature present must be a valid one by a pinned key over its file,
 * with exactly one `version:` (the version being installed) and `file:` (the signed file) in its trusted
 * comment, else SIGNATURE_INVALID; at least one must prove the installer (directly, or through a
 * `sha256.sum` listing its exact SHA-256), else SIGNATURE_MISSING. Returns the signatures relied on.
 */
export function judgeSignatures(i: SignatureInput): VerifiedSignature[] {
  const { app, pins, release, installer } = i;
  const pinned = `${pins.keys.map((k) => k.id).join(", ")} (pinned from ${describeSource(pins)})`;
  const details = { tag: release.tag, signature: signatureReport(pins) };
  if (i.signatures.length === 0) {
    throw new UpdaterError(
      "SIGNATURE_MISSING",
      `Release ${release.tag} of ${app} is not signed: it publishes neither ${SUM_SIGNATURE} nor ${installer.name}.minisig, and ${app}'s installers must be signed by key ${pinned}. Nothing was run.`,
      { hint: `Ask ${app}'s authors to sign their releases; ${app} stays as it is until a signed release is published.`, details },
    );
  }
  const problems: string[] = [];
  const verified: VerifiedSignature[] = [];
  let proven = false;
  for (const s of i.signatures) {
    const problem = signatureProblem(i, s);
    if (typeof problem === "string") {
      problems.push(`${s.name}: ${problem}`);
      continue;
    }
    verified.push({ signature: s.name, file: s.signs, key: problem.id });
    if (s.signs === installer.name) {
      proven = true;
      continue;
    }
    const lookup = checksumFromText(Buffer.from(i.files.get(s.signs) ?? []).toString("utf8"), installer.name, false);
    if (lookup.kind !== "found") continue;
    const listed = lookup.hex;
    if (listed !== installer.sha256) {
      problems.push(
        `${s.signs} (signed by key ${problem.id}) lists ${installer.name} with SHA-256 ${listed}, but the download is ${installer.sha256}: the installer was replaced after signing`,
      );
      continue;
    }
    proven = true;
  }
  if (problems.length > 0) {
    throw new UpdaterError(
      "SIGNATURE_INVALID",
      `Release ${release.tag} of ${app} fails its signature check against key ${pinned}:\n  ${problems.join("\n  ")}\nNothing was run.`,
      {
        hint: `Do not install this release by hand either: it may have been tampered with. Tell ${app}'s authors; ${app} stays as it is.`,
        details: { ...details, problems },
      },
    );
  }
  if (!proven) {
    throw new UpdaterError(
      "SIGNATURE_MISSING",
      `Release ${release.tag} of ${app} has no signature by key ${pinned} over its installer ${installer.name}: ${verified.map((v) => v.file).join(", ")} is signed but does not list it, and there is no ${installer.name}.minisig. Nothing was run.`,
      { hint: `Ask ${app}'s authors to sign ${installer.name} too (or list it in sha256.sum); ${app} stays as it is.`, details },
    );
  }
  return verified;
}

// Why one signature does not hold (a phrase), or the pinned key that made it.
function signatureProblem(i: SignatureInput, s: SignatureInput["signatures"][number]): string | PublicKey {
  const parsed = parseSignature(s.text);
  if (!parsed.ok) return `is not a minisign signature: it ${parsed.problem}`;
  const sig = parsed.value;
  const data = i.files.get(s.signs);
  if (data === undefined) return `signs ${s.signs}, which the release does not publish`;
  const key = i.pins.keys.find((k) => k.keyNum.equals(sig.keyNum));
  if (!key) return `is signed by key ${sig.keyId}, which is not a pinned key of ${i.app}`;
  const verdict = verifySignature(sig, key, data, { allowLegacy: i.allowLegacy });
  if (!verdict.ok) {
    switch (verdict.reason) {
      case "other-key":
        return `is signed by key ${sig.keyId}, which is not a pinned key of ${i.app}`;
      case "legacy":
        return `is a legacy minisign signature (algorithm Ed, not prehashed), refused unless --allow-legacy-signature or ${appEnvVar(i.app, "UPKEEP_ALLOW_LEGACY_SIGNATURE")}=1 allows it`;
      case "bad-signature":
        return `does not match ${s.signs} (key ${key.id}): the file was changed after it was signed`;
      case "bad-comment":
        return `its trusted comment was changed after signing (key ${key.id})`;
    }
  }
  const fields = commentFields(sig.trustedComment);
  const versions = fields.get("version") ?? [];
  const files = fields.get("file") ?? [];
  if (versions.length !== 1) return `its trusted comment must hold exactly one version: field, and holds ${versions.length} ("${sig.trustedComment}")`;
  if (versions[0] !== i.release.version) {
    return `was made for version ${versions[0]}, not ${i.release.version} being installed (an older release's signature replayed?)`;
  }
  if (files.length !== 1 || files[0] !== s.signs) return `its trusted comment says file:${files.join(",") || "(none)"}, not file:${s.signs}`;
  return key;
}

// "the receipt /…/hello-receipt.json", "HELLO_UPKEEP_PUBLIC_KEY", "--public-key", "the trust file /…".
function describeSource(pins: Pins): string {
  switch (pins.source) {
    case "receipt":
      return `the receipt ${pins.from}`;
    case "trust_file":
      return `the trust file ${pins.from}`;
    default:
      return pins.from;
  }
}
