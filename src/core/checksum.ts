import type { Asset, Release } from "../types.js";

/** Where the expected SHA-256 of an asset comes from, cheapest first. */
export type ChecksumSource =
  | { kind: "digest"; expected: string }
  | { kind: "file"; asset: Asset }
  | { kind: "sum"; asset: Asset }
  | { kind: "none" };

const HEX64 = /^[0-9a-f]{64}$/i;

/** The hex of a GitHub asset `digest` such as `sha256:ab12…`, or undefined for other algorithms. */
export function parseDigest(digest: string | undefined): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(digest ?? "");
  return m?.[1]?.toLowerCase();
}

/**
 * Picks how to verify `assetName`: GitHub's own `digest` (no extra request), else a published
 * `<asset>.sha256`, else a `sha256.sum` listing it.
 */
export function checksumSourceFor(release: Release, assetName: string): ChecksumSource {
  const asset = release.assets.find((a) => a.name === assetName);
  const expected = parseDigest(asset?.digest);
  if (expected !== undefined) return { kind: "digest", expected };
  const single = release.assets.find((a) => a.name === `${assetName}.sha256`);
  if (single) return { kind: "file", asset: single };
  const sum = release.assets.find((a) => a.name === "sha256.sum");
  if (sum) return { kind: "sum", asset: sum };
  return { kind: "none" };
}

/**
 * The checksum for `fileName` in a `sha256sum`-style text (`<hex> *<name>` or `<hex>  <name>` lines).
 * A single-file `.sha256` holding one entry (or a bare hex) is accepted whatever name it gives.
 */
export function checksumFromText(text: string, fileName: string, single: boolean): string | undefined {
  const entries: { hex: string; name: string | undefined }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(.+?))?\s*$/.exec(line);
    if (m?.[1]) entries.push({ hex: m[1].toLowerCase(), name: m[2]?.replace(/^\.\//, "") });
  }
  const named = entries.find((e) => e.name === fileName);
  if (named) return named.hex;
  if (single && entries.length === 1 && HEX64.test(entries[0]?.hex ?? "")) return entries[0]?.hex;
  return undefined;
}
