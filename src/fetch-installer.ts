import { createHash } from "node:crypto";
import { checksumFromText, type ChecksumSource } from "./core/checksum.js";
import { installerBodyProblem, MAX_INSTALLER_BYTES } from "./core/installer.js";
import type { InstallPlan } from "./core/plan.js";
import { UpdaterError } from "./errors.js";
import type { GetOptions, Http, HttpResponse } from "./io/http.js";
import type { ProgressEvent } from "./config.js";
import type { Asset, Warning } from "./types.js";

/** A verified installer, still only in memory. */
export interface FetchedInstaller {
  body: Buffer;
  url: string;
  sha256: string;
  verified: boolean;
}

/**
 * Downloads a release asset. With a token the API address is used (works for private repositories);
 * the HTTP layer keeps the token off the storage host it redirects to.
 */
export async function downloadAsset(http: Http, asset: Asset, viaApi: boolean, maxBytes: number, onProgress?: GetOptions["onProgress"]): Promise<HttpResponse> {
  const useApi = viaApi && asset.apiUrl !== undefined;
  const url = useApi ? (asset.apiUrl as string) : asset.downloadUrl;
  const res = await http.get(url, { accept: useApi ? "application/octet-stream" : "*/*", maxBytes, onProgress });
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
 * page and matches the release's published SHA-256 when there is one. Nothing is written or run here.
 */
export async function fetchInstaller(
  http: Http,
  plan: InstallPlan,
  viaApi: boolean,
  warnings: Warning[],
  progress?: (event: ProgressEvent) => void,
): Promise<FetchedInstaller> {
  const name = plan.asset.name;
  progress?.({ step: "download", name, received: 0, total: plan.asset.size });
  const res = await downloadAsset(http, plan.asset, viaApi, MAX_INSTALLER_BYTES + 1, (received, total) =>
    progress?.({ step: "download", name, received, total: total ?? plan.asset.size }),
  );
  progress?.({ step: "done" });
  const problem = installerBodyProblem(res.body, plan.kind, res.headers["content-type"]);
  if (problem) {
    throw new UpdaterError("DOWNLOAD_FAILED", `The installer ${plan.asset.name} from ${res.url} is unusable: ${problem}. Nothing was run.`, {
      hint: "A proxy or a broken release may have served the wrong file; check the release's assets and try again.",
      details: { url: res.url },
    });
  }
  const actual = createHash("sha256").update(res.body).digest("hex");
  const expected = await expectedChecksum(http, plan.checksum, plan.asset.name, viaApi);
  if (expected === undefined) {
    warnings.push({
      code: "NO_CHECKSUM",
      message: `The release publishes no SHA-256 for ${plan.asset.name}; it was checked only for being a script.`,
    });
  } else if (expected !== actual) {
    throw new UpdaterError("CHECKSUM_MISMATCH", `Checksum mismatch for ${plan.asset.name}: the release says ${expected}, the download is ${actual}. Nothing was run.`, {
      hint: "The download was corrupted or the asset was replaced; try again, and tell the app's authors if it persists.",
      details: { expected, actual, url: res.url },
    });
  }
  return { body: res.body, url: res.url, sha256: actual, verified: expected !== undefined };
}

async function expectedChecksum(http: Http, source: ChecksumSource, name: string, viaApi: boolean): Promise<string | undefined> {
  if (source.kind === "none") return undefined;
  if (source.kind === "digest") return source.expected;
  const res = await downloadAsset(http, source.asset, viaApi, 4 * 1024 * 1024);
  const hex = checksumFromText(res.body.toString("utf8"), name, source.kind === "file");
  if (hex === undefined && source.kind === "file") {
    throw new UpdaterError("CHECKSUM_MISMATCH", `The checksum file ${source.asset.name} holds no SHA-256 for ${name}. Nothing was run.`, {
      hint: "The release's checksum file is malformed; tell the app's authors.",
    });
  }
  return hex;
}
