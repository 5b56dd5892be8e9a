import type { Config } from "../config.js";
import { publicKeyText } from "../core/minisign.js";
import { choosePins, judgeSignatures, signatureAssets, unpinnedWarning, type Pins, type SignatureAsset } from "../core/trust.js";
import { readTrustFile, writeTrustFile } from "../io/trust-file.js";
import type { LoadedReceipt, Release, VerifiedSignature, Warning } from "../types.js";

// The signature step of an update: which keys are pinned for the app (core/trust.ts decides), the
// verdict once the installer and its signatures are downloaded, and keeping a receipt's pin.

/**
 * The keys pinned for the app: `--public-key`, `<APP>_UPKEEP_PUBLIC_KEY`, the receipt, the trust file
 * (read only when the others have none), or undefined when none has a key.
 */
export async function pinsFor(config: Config, loaded: LoadedReceipt): Promise<Pins | undefined> {
  const early = config.givenKeys !== undefined || loaded.receipt.publicKeys.length > 0;
  const file = config.trustFile;
  const trustFile = file !== undefined && !early ? { path: file, text: await readTrustFile(file) } : undefined;
  const pins = choosePins({ given: config.givenKeys, receipt: { keys: loaded.receipt.publicKeys, path: loaded.path }, trustFile });
  config.hooks.verbose?.(
    pins ? `Signing keys pinned for ${config.app}: ${pins.keys.map((k) => k.id).join(", ")} (from ${pins.from})` : `No signing key is pinned for ${config.app}`,
  );
  return pins;
}

/** How one run treats signatures, given what {@link pinsFor} found. */
export interface SignaturePolicy {
  /** The release's signature assets that bear on this installer. */
  assets: SignatureAsset[];
  /**
   * With a key pinned: the verdict over the downloads (throws SIGNATURE_MISSING/INVALID) and the
   * signatures relied on. Without: undefined, and {@link SignaturePolicy.warning} says so instead.
   */
  judge?: (got: { body: Buffer; sha256: string; texts: { name: string; signs: string; text: string }[]; sum: Buffer | undefined }) => VerifiedSignature[];
  warning?: Warning;
}

/** The signature rules for installing `installerName` of `release`. */
export function signaturePolicy(config: Config, pins: Pins | undefined, release: Release, installerName: string): SignaturePolicy {
  const assets = signatureAssets(release, installerName);
  if (!pins) {
    const warning = unpinnedWarning(config.app, release, assets, config.trustFile);
    config.hooks.verbose?.(warning.message);
    return { assets, warning };
  }
  return {
    assets,
    judge: (got) => {
      const files = new Map<string, Uint8Array>([[installerName, got.body]]);
      if (got.sum) files.set("sha256.sum", got.sum);
      const verified = judgeSignatures({
        app: config.app,
        pins,
        release,
        installer: { name: installerName, sha256: got.sha256 },
        signatures: got.texts,
        files,
        allowLegacy: config.allowLegacySignature,
      });
      for (const v of verified) config.hooks.verbose?.(`Verified ${v.signature} over ${v.file}: signed by key ${v.key} for ${release.version}`);
      return verified;
    },
  };
}

/**
 * Keeps the receipt's pin in the trust file before the installer runs: an installer that rewrites the
 * receipt without our keys (cargo-dist's) then cannot unpin the app. Keys from elsewhere are left alone.
 */
export async function keepPin(config: Config, pins: Pins | undefined): Promise<void> {
  if (pins?.source !== "receipt" || config.trustFile === undefined) return;
  if (await writeTrustFile(config.trustFile, pins.keys.map(publicKeyText).join(""))) {
    config.hooks.verbose?.(`Recorded the receipt's signing keys in ${config.trustFile}`);
  }
}
