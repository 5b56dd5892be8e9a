// Signed releases of the fake app, for the fault tables of signed releases (test/e2e/signed-releases*):
// a fakeRelease plus its `sha256.sum` (every asset listed) and minisign signatures made with the
// independent signer of ./minisign.ts (nothing from src/), and the small edits an attacker makes.
//
//   const a = testKeyPair();
//   publish(w, signedRelease("2.0.0", { sumKey: a, publicKeys: [a.publicKeyLine] }));
//   const bad = signedRelease("2.0.0", { sumKey: a, installerBody: w.hostileInstaller() });
//   setBody(bad, SUM, "…");  // a tampered sha256.sum under its genuine signature
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fakeRelease, type ReleaseOptions } from "./fake-app.js";
import type { FakeAsset, FakeRelease } from "./fake-github.js";
import type { TestKeyPair } from "./minisign.js";
import type { MirrorAsset, World } from "./world.js";

/** The fake app's shell installer, the asset every signature here is about. */
export const INSTALLER = "axolotlsay-installer.sh";
/** The checksum file of a release. */
export const SUM = "sha256.sum";
/** The signature of {@link SUM}. */
export const SUM_SIG = "sha256.sum.minisig";
/** The signature of {@link INSTALLER} itself. */
export const INSTALLER_SIG = `${INSTALLER}.minisig`;

/** The trusted comment a release signature carries: minisign's timestamp, then `version:` and `file:`. */
export function trustedComment(version: string, file: string): string {
  return `timestamp:1700000000 version:${version} file:${file}`;
}

/** A `sha256.sum` text listing `assets` (`<hex>  <name>` lines, as `sha256sum` writes them). */
export function sumOf(assets: readonly { name: string; body: string | Buffer }[]): string {
  return assets.map((a) => `${createHash("sha256").update(a.body).digest("hex")}  ${a.name}\n`).join("");
}

/** Options of {@link signedRelease}: the fake release's own, and who signs what. */
export interface SignedReleaseOptions extends ReleaseOptions {
  /** Signs `sha256.sum` as `sha256.sum.minisig`. */
  sumKey?: TestKeyPair;
  /** Signs the installer itself as `axolotlsay-installer.sh.minisig`. */
  installerKey?: TestKeyPair;
  /** Publish no `sha256.sum` (then only {@link SignedReleaseOptions.installerKey} can prove the installer). */
  noSum?: boolean;
  /** Legacy `Ed` signatures (not prehashed) instead of `ED`. */
  legacy?: boolean;
  /** The `version:` the signatures' trusted comments hold (default the release's version). */
  signedVersion?: string;
}

/**
 * A release of the fake app with `sha256.sum` listing all its assets (unless `noSum`) and the
 * signatures asked for, made over the assets as published.
 */
export function signedRelease(version: string, o: SignedReleaseOptions = {}): FakeRelease {
  const release = fakeRelease(version, o);
  const signedVersion = o.signedVersion ?? version;
  const sum = sumOf(release.assets);
  const opts = { legacy: o.legacy ?? false };
  if (!o.noSum) release.assets.push({ name: SUM, body: sum });
  if (o.sumKey && !o.noSum) release.assets.push({ name: SUM_SIG, body: o.sumKey.sign(Buffer.from(sum), trustedComment(signedVersion, SUM), opts) });
  if (o.installerKey) {
    const installer = body(release, INSTALLER);
    release.assets.push({ name: INSTALLER_SIG, body: o.installerKey.sign(Buffer.from(installer), trustedComment(signedVersion, INSTALLER), opts) });
  }
  return release;
}

/** The asset `name` of `release` (throws when it has none: a row built wrong). */
export function assetOf(release: FakeRelease, name: string): FakeAsset {
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) throw new Error(`release ${release.tag} has no asset ${name}`);
  return asset;
}

/** The body of asset `name`, as text. */
export function body(release: FakeRelease, name: string): string {
  return assetOf(release, name).body.toString();
}

/** Replaces the body of asset `name` (adding the asset when missing); GitHub's digest follows the new bytes. */
export function setBody(release: FakeRelease, name: string, text: string | Buffer): FakeRelease {
  const asset = release.assets.find((a) => a.name === name);
  if (asset) asset.body = text;
  else release.assets.push({ name, body: text });
  return release;
}

/** Removes asset `name` from `release`. */
export function dropAsset(release: FakeRelease, name: string): FakeRelease {
  release.assets = release.assets.filter((a) => a.name !== name);
  return release;
}

/** Makes `releases` (newest first) what the world's fake GitHub publishes from now on. */
export function publish(w: World, ...releases: FakeRelease[]): void {
  w.gh.releases.splice(0, w.gh.releases.length, ...releases);
}

/** A release's assets as {@link MirrorAsset}s, for writeMirror (each one's real sha256 in releases.json). */
export function mirrorAssets(release: FakeRelease): MirrorAsset[] {
  return release.assets.map((a) => ({ name: a.name, body: a.body }));
}

/** Where upkeep keeps axolotlsay's pinned keys in a world (it sets no XDG_CONFIG_HOME). */
export function trustFileOf(w: World): string {
  return path.join(w.home, ".config", "upkeep", "keys", "axolotlsay.pub");
}

/** Writes the world's trust file (its directory made as needed). */
export function writeTrustFile(w: World, text: string): void {
  const file = trustFileOf(w);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The key lines of a `.pub`-style text: "untrusted comment:" and blank lines left out. */
export function keyLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("untrusted comment:"));
}

/** Pins `keys` in the world's receipt (`upkeep_public_keys`), or removes the field (null). */
export function pinInReceipt(w: World, keys: readonly string[] | null): void {
  const receipt = JSON.parse(readFileSync(w.app.receiptPath, "utf8")) as Record<string, unknown>;
  if (keys === null) delete receipt.upkeep_public_keys;
  else receipt.upkeep_public_keys = keys;
  w.updateReceipt(receipt);
}

/** The `warnings` of a `--json` run ([] when it printed no JSON). */
export function warningsOf(r: { json: Record<string, any> | undefined }): { code: string; message: string }[] {
  return (r.json?.warnings ?? []) as { code: string; message: string }[];
}
