import { redact } from "../core/redact.js";
import { UpdaterError } from "../errors.js";
import type { HttpSettings } from "./http-types.js";

// How transport failures and refusals become UpdaterErrors (NETWORK, TIMEOUT, TLS, DOWNLOAD_FAILED,
// INTERRUPTED), with the host, no secret, and the next step.

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/;

/** A URL that may not be followed: never retried, nothing fetched. */
export function refuse(url: string, problem: string): UpdaterError {
  return new UpdaterError("DOWNLOAD_FAILED", `Refusing to fetch ${url}: ${problem}. Nothing was run.`, {
    hint: "The release metadata or a redirect points somewhere upkeep does not follow; tell the app's authors (or fix the mirror).",
    details: { url, final: true },
  });
}

/** The run was interrupted (SIGINT/SIGTERM) during a request: never retried. */
export function interrupted(url: string, secrets: (string | undefined)[]): UpdaterError {
  return new UpdaterError("INTERRUPTED", `Interrupted while fetching ${redact(url, secrets)}.`, {
    hint: "Run the update again when you are ready.",
    details: { final: true },
  });
}

/** Turns a transport failure into NETWORK, TIMEOUT or TLS with the host and the next step (an UpdaterError stays as it is). */
export function classify(error: unknown, url: string, timeoutMs: number, secrets: (string | undefined)[]): UpdaterError {
  if (UpdaterError.is(error)) return error;
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? "";
  const host = safeHost(url);
  const where = redact(url, secrets);
  if (TIMEOUT_CODES.has(code)) {
    return new UpdaterError("TIMEOUT", `No answer from ${host} within ${timeoutMs / 1000} s (GET ${where}).`, {
      cause: error,
      hint: "Check your connection and proxy, or allow more time with --timeout SECONDS or UPKEEP_TIMEOUT.",
      details: { url: where },
    });
  }
  const text = redact(`${e.message ?? ""} ${e.cause?.message ?? ""}`.trim(), secrets);
  const proxyStatus = /Proxy response \((\d+)\)/.exec(text)?.[1];
  if (proxyStatus) {
    return new UpdaterError("NETWORK", `The proxy refused to connect to ${host} (it answered ${proxyStatus}; GET ${where}).`, {
      cause: error,
      hint:
        proxyStatus === "407" || proxyStatus === "401"
          ? "Check the user and password in HTTPS_PROXY / HTTP_PROXY (http://user:password@proxy:port)."
          : "Check the proxy in HTTPS_PROXY / HTTP_PROXY, and NO_PROXY for hosts that must be reached directly.",
      details: { url: where, proxyStatus: Number(proxyStatus), final: true },
    });
  }
  if (TLS_CODE.test(code) || /certificate/i.test(text)) {
    return new UpdaterError("TLS", `The TLS certificate of ${host} is not trusted (${code || text}).`, {
      cause: error,
      hint: "If your network inspects TLS, point UPKEEP_CA_FILE or NODE_EXTRA_CA_CERTS at your organisation's CA certificate (a PEM file).",
      details: { url: where },
    });
  }
  const mirror = isGithubUrl(url) ? " Published on a static mirror? Update from it with --source URL, or set <APP>_UPKEEP_SOURCE or UPKEEP_SOURCE." : "";
  return new UpdaterError("NETWORK", `Could not reach ${host}: ${code || text || "connection failed"} (GET ${where}).`, {
    cause: error,
    hint: `Check your internet connection and proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).${mirror}`,
    details: { url: where },
  });
}

// A GitHub host (github.com, its API and asset hosts) or a GitHub (Enterprise) API path: a mirror is the way around it.
function isGithubUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return /(^|\.)(github\.com|githubusercontent\.com)$/i.test(u.hostname) || /^(\/api\/v3)?\/repos\/[^/]+\/[^/]+\/releases/.test(u.pathname);
  } catch {
    return false;
  }
}

/** Passwords in proxy URLs (as written and decoded), so an error quoting the proxy never shows them. */
export function proxySecrets(proxy: HttpSettings["proxy"]): string[] {
  const out: string[] = [];
  for (const value of [proxy.http, proxy.https]) {
    try {
      const u = new URL(value);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
    } catch {
      // not a URL: nothing to hide
    }
  }
  return out;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
