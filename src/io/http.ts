import type { Dispatcher } from "undici";
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { redact } from "../core/redact.js";
import { remoteUrlProblem } from "../core/url.js";
import { httpCache } from "./http-cache.js";
import { UpdaterError } from "../errors.js";

/** Settings of the one HTTP client a run uses. */
export interface HttpSettings {
  /** The only origin that ever receives the token (`https://api.github.com`). */
  apiOrigin: string;
  token?: string | undefined;
  timeoutMs: number;
  userAgent: string;
  proxy: { http: string; https: string; noProxy: string };
  /** PEM files of extra certificate authorities to trust besides the built-in ones. */
  caFiles?: readonly string[];
  /** Where conditional-request validators and bodies are kept; no caching without it. */
  cacheDir?: string | undefined;
  /** Attempts per request on network errors, 5xx and 429. */
  attempts: number;
  /** First backoff delay; doubled per attempt, with jitter. */
  backoffMs?: number;
  /** A longer `Retry-After` than this is not waited for: the response is returned as is. */
  maxRetryAfterMs?: number;
  verbose?: ((line: string) => void) | undefined;
  /** Aborted on SIGINT/SIGTERM: stops a request or download at once (INTERRUPTED). */
  signal?: AbortSignal | undefined;
}

/** A complete response (body read into memory, bounded). */
export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** True when a 304 was answered from the cache. */
  fromCache?: boolean;
}

/** Options of one GET. */
export interface GetOptions {
  accept?: string;
  maxBytes?: number;
  /** Called as the body arrives: bytes so far, and the announced total when there is one. */
  onProgress?: ((received: number, total: number | undefined) => void) | undefined;
  /**
   * Send `If-None-Match` / `If-Modified-Since` from the cache and answer a 304 from it (GitHub does
   * not count 304s against the rate limit).
   */
  conditional?: boolean;
  /**
   * A local directory mirror, as a file: URL: file: URLs are read only when they resolve (symlinks
   * included) inside this directory. Without it, only http and https URLs are fetched.
   */
  fileRoot?: string | undefined;
}

/** GETs with timeouts, retries and redirect handling that keeps the token on its origin. */
export interface Http {
  get(url: string, options?: GetOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Creates the run's HTTP client. undici is imported here, not at start-up: it is the costliest module. */
export async function createHttp(settings: HttpSettings): Promise<Http> {
  const undici = await import("undici");
  const t = settings.timeoutMs;
  const ca = await extraCertificates(settings.caFiles ?? []);
  const tls = ca ? { ca } : {};
  const dispatcher: Dispatcher = new undici.EnvHttpProxyAgent({
    // Explicit values, so undici never falls back to the environment: the config layer chose them.
    httpProxy: settings.proxy.http,
    httpsProxy: settings.proxy.https,
    noProxy: settings.proxy.noProxy,
    connect: { timeout: t, ...tls },
    // Through a proxy, the target's TLS is checked against the same authorities.
    requestTls: tls,
    proxyTls: tls,
    headersTimeout: t,
    bodyTimeout: t,
  });
  const apiOrigin = new URL(settings.apiOrigin).origin;
  const secrets = [settings.token];
  const say = (line: string): void => settings.verbose?.(redact(line, secrets));
  const backoffMs = settings.backoffMs ?? 400;
  const maxRetryAfterMs = settings.maxRetryAfterMs ?? 20_000;

  const cache = settings.cacheDir ? httpCache(settings.cacheDir, settings.token) : undefined;

  // One GET of one URL, following redirects ourselves so Authorization never leaves the API origin,
  // and never to another scheme or from https to http. `signal` ends the attempt (timeout, interrupt).
  async function once(url: string, options: GetOptions, signal: AbortSignal): Promise<HttpResponse> {
    if (url.startsWith("file:") && options.fileRoot !== undefined) return fromFile(url, options);
    const scheme = remoteUrlProblem(url, "http://upkeep.invalid/");
    if (scheme) throw refuse(url, scheme);
    const cached = options.conditional ? await cache?.get(url) : undefined;
    let current = url;
    for (let hop = 0; hop <= 10; hop++) {
      const target = new URL(current);
      const headers: Record<string, string> = {
        "user-agent": settings.userAgent,
        accept: options.accept ?? "*/*",
      };
      const onApi = target.origin === apiOrigin;
      if (onApi) headers["x-github-api-version"] = "2022-11-28";
      if (onApi && settings.token) headers.authorization = `Bearer ${settings.token}`;
      if (cached && current === url) {
        if (cached.etag) headers["if-none-match"] = cached.etag;
        if (cached.lastModified) headers["if-modified-since"] = cached.lastModified;
      }
      const started = Date.now();
      const res = await undici.request(current, { dispatcher, method: "GET", headers, signal });
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === "string") {
        await res.body.dump();
        const next = new URL(location, current).href;
        const problem = remoteUrlProblem(next, current);
        if (problem) throw refuse(next, `${problem} (a redirect from ${redact(current, secrets)})`);
        say(`GET ${current} → ${res.statusCode}, redirected to ${next}${new URL(next).origin === apiOrigin ? "" : " (no token sent there)"}`);
        current = next;
        continue;
      }
      const body = await readBounded(res, options.maxBytes ?? DEFAULT_MAX_BYTES, current, options.onProgress);
      const flat = flatten(res.headers);
      if (res.statusCode === 304 && cached) {
        say(`GET ${current}${headers.authorization ? " (with token)" : ""} → 304, answered from the cache (${Date.now() - started} ms)`);
        return { url: current, status: 200, headers: { ...cached.headers, ...flat }, body: Buffer.from(cached.body, "base64"), fromCache: true };
      }
      say(`GET ${current}${headers.authorization ? " (with token)" : ""} → ${res.statusCode} (${body.length} bytes, ${Date.now() - started} ms)`);
      if (options.conditional && cache && res.statusCode === 200 && (flat.etag || flat["last-modified"])) {
        await cache.put({
          url,
          ...(flat.etag ? { etag: flat.etag } : {}),
          ...(flat["last-modified"] ? { lastModified: flat["last-modified"] } : {}),
          headers: pick(flat, ["link", "content-type"]),
          body: body.toString("base64"),
        });
      }
      return { url: current, status: res.statusCode, headers: flat, body };
    }
    throw new UpdaterError("NETWORK", `Too many redirects starting at ${redact(url, secrets)}.`);
  }

  // Each attempt is bounded as a whole, from connecting to the last byte of the body.
  async function attemptOnce(url: string, options: GetOptions): Promise<HttpResponse> {
    const deadline = AbortSignal.timeout(settings.timeoutMs);
    const signal = settings.signal ? AbortSignal.any([deadline, settings.signal]) : deadline;
    try {
      return await once(url, options, signal);
    } catch (error) {
      if (settings.signal?.aborted) throw interrupted(url, secrets);
      if (deadline.aborted && !UpdaterError.is(error)) throw Object.assign(new Error("attempt timed out"), { code: "UND_ERR_BODY_TIMEOUT", cause: error });
      throw error;
    }
  }

  async function get(url: string, options: GetOptions = {}): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= settings.attempts;
      let res: HttpResponse;
      try {
        if (settings.signal?.aborted) throw interrupted(url, secrets);
        res = await attemptOnce(url, options);
      } catch (error) {
        const mapped = classify(error, url, settings.timeoutMs, [...secrets, ...proxySecrets(settings.proxy)]);
        const retryable = (mapped.code === "NETWORK" || mapped.code === "TIMEOUT") && mapped.details.final !== true;
        if (!retryable || last) throw mapped;
        const wait = backoff(backoffMs, attempt);
        say(`${mapped.message} Retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${settings.attempts}).`);
        await sleep(wait, settings.signal);
        continue;
      }
      if (last || !(res.status >= 500 || res.status === 429)) return res;
      const retryAfter = retryAfterMs(res.headers["retry-after"]);
      if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) return res;
      const wait = retryAfter ?? backoff(backoffMs, attempt);
      say(`GET ${url} → ${res.status}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${settings.attempts}).`);
      await sleep(wait, settings.signal);
    }
  }

  return { get, close: () => dispatcher.close() };
}

async function readBounded(res: Dispatcher.ResponseData, maxBytes: number, url: string, onProgress?: GetOptions["onProgress"]): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  const tooBig = (): UpdaterError =>
    new UpdaterError("DOWNLOAD_FAILED", `${url} is larger than the ${maxBytes}-byte limit for this download.`, {
      hint: "The server sent something other than what upkeep asked for; check the release's assets.",
    });
  // Abandoning a body makes undici emit an abort error; nobody else is listening for it.
  const abandon = (): void => {
    res.body.on("error", () => {});
    res.body.destroy();
  };
  if (Number.isFinite(declared) && declared > maxBytes) {
    abandon();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      abandon();
      throw tooBig();
    }
    chunks.push(chunk as Buffer);
    onProgress?.(size, Number.isFinite(declared) ? declared : undefined);
  }
  return Buffer.concat(chunks);
}

// A mirror may be a plain directory: file: URLs are read from disk (404 when missing), only inside the
// mirror's directory once symlinks are resolved, only regular files (a FIFO or device would hang or
// never end), and never more than the limit.
async function fromFile(url: string, options: GetOptions): Promise<HttpResponse> {
  const limit = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let file: string;
  try {
    file = await realpath(fileURLToPath(url));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { url, status: 404, headers: {}, body: Buffer.alloc(0) };
    throw new UpdaterError("NETWORK", `Cannot read ${url} (${code ?? String(error)}).`, { hint: "Check the mirror directory's permissions." });
  }
  const rootPath = fileURLToPath(options.fileRoot as string);
  const root = await realpath(rootPath).catch(() => path.resolve(rootPath));
  if (file !== root && !file.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`)) {
    throw refuse(url, `it resolves to ${file}, outside the mirror directory ${root}`);
  }
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    throw new UpdaterError("NETWORK", `Cannot read ${url} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, { hint: "Check the mirror directory's permissions." });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse(url, "it is not a regular file (a FIFO, device or directory)");
    if (info.size > limit) throw new UpdaterError("DOWNLOAD_FAILED", `${url} is larger than the ${limit}-byte limit for this download.`);
    const body = Buffer.alloc(Math.min(info.size, limit) + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(body, size, body.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > limit) throw new UpdaterError("DOWNLOAD_FAILED", `${url} is larger than the ${limit}-byte limit for this download.`);
      if (size === body.length) break;
    }
    options.onProgress?.(size, size);
    return { url, status: 200, headers: {}, body: body.subarray(0, size) };
  } finally {
    await handle.close();
  }
}

// A URL that may not be followed: never retried, nothing fetched.
function refuse(url: string, problem: string): UpdaterError {
  return new UpdaterError("DOWNLOAD_FAILED", `Refusing to fetch ${url}: ${problem}. Nothing was run.`, {
    hint: "The release metadata or a redirect points somewhere upkeep does not follow; tell the app's authors (or fix the mirror).",
    details: { url, final: true },
  });
}

function interrupted(url: string, secrets: (string | undefined)[]): UpdaterError {
  return new UpdaterError("INTERRUPTED", `Interrupted while fetching ${redact(url, secrets)}.`, { hint: "Run the update again when you are ready.", details: { final: true } });
}

function pick(headers: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => headers[k] !== undefined).map((k) => [k, headers[k] as string]));
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

// The built-in roots plus the given PEM files; undefined when there are none (Node's defaults apply).
async function extraCertificates(files: readonly string[]): Promise<string[] | undefined> {
  if (files.length === 0) return undefined;
  const { rootCertificates } = await import("node:tls");
  const { readFile } = await import("node:fs/promises");
  const extra: string[] = [];
  for (const file of files) {
    try {
      extra.push(await readFile(file, "utf8"));
    } catch (error) {
      throw new UpdaterError("TLS", `Cannot read the CA certificate file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
        hint: "Point UPKEEP_CA_FILE or NODE_EXTRA_CA_CERTS at a readable PEM file, or unset it.",
      });
    }
  }
  return [...rootCertificates, ...extra];
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function backoff(baseMs: number, attempt: number): number {
  const ceiling = baseMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });
}

// Turns a transport failure into NETWORK, TIMEOUT or TLS with the host and the next step.
function classify(error: unknown, url: string, timeoutMs: number, secrets: (string | undefined)[]): UpdaterError {
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
  return new UpdaterError("NETWORK", `Could not reach ${host}: ${code || text || "connection failed"} (GET ${where}).`, {
    cause: error,
    hint: "Check your internet connection and proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).",
    details: { url: where },
  });
}

// Passwords in proxy URLs, so an error quoting the proxy never shows them.
function proxySecrets(proxy: HttpSettings["proxy"]): string[] {
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
