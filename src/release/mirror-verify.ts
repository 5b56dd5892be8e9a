// `scripts/mirror.mjs --public-key`: a release enters the mirror only if its installers are signed by
// one of the given keys, checked by the updater's own rules (core/trust.ts) before any of its assets is
// copied. The signatures are assets like the others, so the mirror carries them either way.
import { sha256Hex } from "../core/checksum.js";
import type { PublicKey } from "../core/minisign.js";
import { judgeSignatures, signatureAssets } from "../core/trust.js";
import { UpdaterError } from "../errors.js";
import type { Asset, Release } from "../types.js";

/** A release that fails its signature check: the message, for people, says the mirror was not changed. */
export class MirrorSignatureError extends Error {}

/**
 * Checks every installer of `release` (`<app>-installer.*`, not their `.minisig`/`.sha256` files)
 * against `keys`; `read` fetches an asset's bytes. Throws a MirrorSignatureError naming the release
 * and what failed; returns one line per installer proven.
 */
export async function verifyReleaseSignatures(
  app: string,
  release: Release,
  keys: PublicKey[],
  read: (asset: Asset) => Promise<Buffer>,
  allowLegacy = false,
): Promise<string[]> {
  const installers = release.assets.filter((a) => a.name.startsWith(`${app}-installer.`) && !/\.(minisig|sha256)$/.test(a.name));
  const lines: string[] = [];
  for (const installer of installers) {
    const sigs = signatureAssets(release, installer.name);
    const body = await read(installer);
    const files = new Map<string, Uint8Array>([[installer.name, body]]);
    const signatures: { name: string; signs: string; text: string }[] = [];
    for (const s of sigs) {
      signatures.push({ name: s.asset.name, signs: s.signs, text: (await read(s.asset)).toString("utf8") });
      if (s.signed && !files.has(s.signs)) files.set(s.signs, await read(s.signed));
    }
    try {
      const verified = judgeSignatures({
        app,
        pins: { source: "option", from: "--public-key", keys },
        release,
        installer: { name: installer.name, sha256: sha256Hex(body) },
        signatures,
        files,
        allowLegacy,
      });
      lines.push(`${release.tag}/${installer.name}: ${verified.map((v) => `${v.signature} by key ${v.key}`).join(", ")}`);
    } catch (error) {
      if (!UpdaterError.is(error) || !error.code.startsWith("SIGNATURE_")) throw error;
      const message = error.message.replace(/\s*Nothing was run\.$/, "");
      throw new MirrorSignatureError(
        `[${error.code}] ${message}\nThe mirror was not changed: it serves only releases signed by ${keys.map((k) => k.id).join(", ")}.`,
      );
    }
  }
  return lines;
}
