import { createHash } from "node:crypto";
import type { Asset, Release } from "../types.js";

/** Where an expected SHA-256 of an asset comes from. */
export type ChecksumSource = { kind: "digest"; expected: string } | { kind: "file"; asset: Asset } | { kind: "sum"; asset: Asset };

const HEX64 = /^[0-9a-f]{64}$/i;

/** The hex of a GitHub asset `digest` such as `sha256:ab12…`, or undefined for other algorithms. */
export function parseDigest(digest: string | undefined): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(digest ?? "");
  return m?.[1]?.toLowerCase();
}

/**
 * Every published SHA-256 of `assetName`: GitHub's own `digest` (no extra request), a
 * `<asset>.sha256`, and a `sha256.sum`. All of them are checked; any that disagrees stops the update.
 */
export function checksumSourcesFor(release: Release, assetName: string): ChecksumSource[] {
  const out: ChecksumSource[] = [];
  const asset = release.assets.find((a) => a.name === assetName);
  const expected = parseDigest(asset?.digest);
  if (expected !== undefined) out.push({ kind: "digest", expected });
  const single = release.assets.find((a) => a.name === `${assetName}.sha256`);
  if (single) out.push({ kind: "file", asset: single });
  const sum = release.assets.find((a) => a.name === "sha256.sum");
  if (sum) out.push({ kind: "sum", asset: sum });
  return out;
}

/** What a checksum file says about one file. */
export type ChecksumLookup =
  | { kind: "found"; hex: string }
  /** Valid lines, none for this file (cargo-dist's `sha256.sum` may list only archives). */
  | { kind: "absent" }
  /** No valid line at all: an HTML page, an error text, garbage. */
  | { kind: "not-checksums" };

/**
 * The checksum for `fileName` in a `sha256sum`-style text (`<hex> *<name>` or `<hex>  <name>` lines).
 * A single-file `.sha256` holding one entry (or a bare hex) is accepted whatever name it gives.
 */
export function checksumFromText(text: string, fileName: string, single: boolean): ChecksumLookup {
  const entries: { hex: string; name: string | undefined }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(.+?))?\s*$/.exec(line);
    if (m?.[1]) entries.push({ hex: m[1].toLowerCase(), name: m[2]?.replace(/^\.\//, "") });
  }
  if (entries.length === 0) return { kind: "not-checksums" };
  const named = entries.find((e) => e.name === fileName);
  if (named) return { kind: "found", hex: named.hex };
  if (single && entries.length === 1 && HEX64.test(entries[0]?.hex ?? "")) return { kind: "found", hex: entries[0]?.hex as string };
  return { kind: "absent" };
}

/** The SHA-256 of `data`, as lower-case hex: what every checksum file and mirror index holds. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * One line of a checksum file, the form `sha256sum -c` and {@link checksumFromText} read
 * (`<hex> *<name>`, binary mode): each `<asset>.sha256` holds one, `sha256.sum` one per asset.
 */
export function checksumLine(hex: string, fileName: string): string {
  return `${hex} *${fileName}`;
}
