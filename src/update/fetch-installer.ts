import { createHash } from "node:crypto";
import { checksumFromText, type ChecksumSource } from "../core/checksum.js";
import { installerBodyProblem, MAX_INSTALLER_BYTES } from "../core/installer.js";
import type { InstallPlan } from "../core/plan.js";
import { UpdaterError } from "../errors.js";
import type { GetOptions, Http, HttpResponse } from "../io/http.js";
import type { ProgressEvent } from "../config.js";
import type { Asset, VerifiedSignature, Warning } from "../types.js";
import type { SignaturePolicy } from "./signature.js";

/** A verified installer, still only in memory. */
export interface FetchedInstaller {
  body: Buffer;
  url: string;
  sha256: string;
  verified: boolean;
  /** The signatures by a pinned key that proved it (none without a pin). */
  signatures: VerifiedSignature[];
}

/**
 * Downloads a release asset. With a token the API address is used (works for private repositories);
 * the HTTP layer keeps the token off the storage host it redirects to.
 */
export async function downloadAsset(http: Http, asset: Asset, viaApi: boolean, maxBytes: number, onProgress?: GetOptions["onProgress"]): Promise<HttpResponse> {
  const useApi = viaApi && asset.apiUrl !== undefined;
  const url = useApi ? (asset.apiUrl as string) : asset.downloadUrl;
  if (asset.refused) {
    throw new UpdaterError("DOWNLOAD_FAILED", `Refusing to download ${asset.name} from ${url}: ${asset.refused}. Nothing was run.`, {
      hint: "The release metadata points somewhere upkeep does not follow; tell the app's authors (or fix the mirror).",
      details: { url, asset: asset.name },
    });
  }
  const res = await http.get(url, { accept: useApi ? "application/octet-stream" : "*/*", maxBytes, onProgress, fileRoot: asset.fileRoot });
  if (res.status < 200 || res.status >= 300) {
    throw new UpdaterError("DOWNLOAD_FAILED", `Downloading ${asset.name} failed: ${res.status} from ${res.url}.`, {
      hint: res.status === 404 ? "The release asset is missing or private; check the release page, or give a token." : "Try again later.",
      details: { status: res.status, url: res.url, asset: asset.name },
    });
  }
  return res;
}

/**
 * Fetches the installer and proves it is one: a 2xx, non-empty, bounded script that is not an HTML
 * page and matches every SHA-256 the release publishes for it (GitHub's digest, `<asset>.sha256`,
 * `sha256.sum`; the checksum files are fetched alongside the installer). With none published it is
 * a `NO_CHECKSUM` warning, or a refusal when the plan requires one (a mirror). Nothing is written or
 * run here.
 */
export async function fetchInstaller(
  http: Http,
  plan: InstallPlan,
  viaApi: boolean,
  warnings: Warning[],
  progress?: (event: ProgressEvent) => void,
  policy?: SignaturePolicy,
): Promise<FetchedInstaller> {
  const name = plan.asset.name;
  progress?.({ step: "download", name, received: 0, total: plan.asset.size });
  const download = downloadAsset(http, plan.asset, viaApi, MAX_INSTALLER_BYTES + 1, (received, total) =>
    progress?.({ step: "download", name, received, total: total ?? plan.asset.size }),
  ).finally(() => progress?.({ step: "done" }));
  const published = Promise.all(plan.checksums.map((source) => expectedChecksum(http, source, name, viaApi)));
  // Signatures only when a key can check them; they are tiny (a minisign signature is ~300 bytes).
  const signed = Promise.all(
    (policy?.judge ? policy.assets : []).map(async (s) => ({
      name: s.asset.name,
      signs: s.signs,
      text: (await downloadAsset(http, s.asset, viaApi, MAX_SIGNATURE_BYTES)).body.toString("utf8"),
    })),
  );
  // All settle before any error is thrown, so no request is left running.
  const [downloaded, checked, signatures] = await Promise.allSettled([download, published, signed]);
  if (downloaded.status === "rejected") throw downloaded.reason;
  if (checked.status === "rejected") throw checked.reason;
  if (signatures.status === "rejected") throw signatures.reason;
  const res = downloaded.value;
  const expected = checked.value.map((c) => c?.expected);
  const problem = installerBodyProblem(res.body, plan.kind, res.headers["content-type"]);
  if (problem) {
    throw new UpdaterError("DOWNLOAD_FAILED", `The installer ${name} from ${res.url} is unusable: ${problem}. Nothing was run.`, {
      hint: "A proxy or a broken release may have served the wrong file; check the release's assets and try again.",
      details: { url: res.url },
    });
  }
  const actual = createHash("sha256").update(res.body).digest("hex");
  // A pinned key's verdict comes first: a swapped installer under a genuine signed sha256.sum is a
  // signature failure, whatever the unsigned checksums say.
  const sum = checked.value.find((c) => c?.sum !== undefined)?.sum;
  const verified = policy?.judge?.({ body: res.body, sha256: actual, texts: signatures.value, sum }) ?? [];
  const known = expected.filter((e): e is Expected => e !== undefined);
  for (const e of known) {
    if (e.hex === actual) continue;
    throw new UpdaterError("CHECKSUM_MISMATCH", `Checksum mismatch for ${name}: ${e.from} says ${e.hex}, the download is ${actual}. Nothing was run.`, {
      hint: "The download was corrupted or the asset was replaced; try again, and tell the app's authors if it persists.",
      details: { expected: e.hex, actual, url: res.url, from: e.from },
    });
  }
  if (known.length === 0 && verified.length === 0) {
    if (plan.requireChecksum) {
      throw new UpdaterError("NO_CHECKSUM", `The mirror publishes no valid SHA-256 for ${name}, so it cannot be verified. Nothing was run.`, {
        hint: "Rebuild the mirror with scripts/mirror.mjs (every asset gets its sha256), or update from the app's GitHub releases.",
        details: { url: res.url },
      });
    }
    warnings.push({ code: "NO_CHECKSUM", message: `The release publishes no SHA-256 for ${name}; it was checked only for being a script.` });
  }
  return { body: res.body, url: res.url, sha256: actual, verified: known.length > 0 || verified.length > 0, signatures: verified };
}

/** The most of a signature asset that is read (minisign's own limits make one at most ~8.5 KB). */
export const MAX_SIGNATURE_BYTES = 16 * 1024;

/** One published SHA-256 and where it came from, for messages. */
interface Expected {
  hex: string;
  from: string;
}

// What one checksum source says (undefined when a checksum file lists other files only), and for
// `sha256.sum` its bytes, which a signature may sign.
async function expectedChecksum(
  http: Http,
  source: ChecksumSource,
  name: string,
  viaApi: boolean,
): Promise<{ expected: Expected | undefined; sum?: Buffer } | undefined> {
  if (source.kind === "digest") return { expected: { hex: source.expected, from: "the release's digest" } };
  const res = await downloadAsset(http, source.asset, viaApi, 4 * 1024 * 1024);
  const sum = source.kind === "sum" ? { sum: res.body } : {};
  const found = checksumFromText(res.body.toString("utf8"), name, source.kind === "file");
  if (found.kind === "found") return { expected: { hex: found.hex, from: source.asset.name }, ...sum };
  if (found.kind === "absent") return { expected: undefined, ...sum };
  throw new UpdaterError(
    "DOWNLOAD_FAILED",
    `The checksum file ${source.asset.name} from ${res.url} is not a checksum file (no "<sha256>  <name>" line). Nothing was run.`,
    {
      hint: "A proxy or a broken release may have served the wrong file (an HTML page?); check the release's assets and try again.",
      details: { url: res.url, asset: source.asset.name },
    },
  );
}
