import type { IncomingMessage } from "node:http";
import { redact } from "../core/redact.js";
import { remoteUrlProblem } from "../core/url.js";
import { UpdaterError } from "../errors.js";
import { httpCache } from "./http-cache.js";
import { classify, interrupted, proxySecrets, refuse } from "./http-errors.js";
import { readFileUrl } from "./http-file.js";
import { backoff, retryAfterMs, sleep } from "./http-retry.js";
import type { GetOptions, Http, HttpResponse, HttpSettings } from "./http-types.js";

export type { GetOptions, Http, HttpResponse, HttpSettings } from "./http-types.js";
export { retryAfterMs } from "./http-retry.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Creates the run's HTTP client; its transport (Node's http and https) is loaded here, not at start-up. */
export async function createHttp(settings: HttpSettings): Promise<Http> {
  const [{ createTransport }, ca] = await Promise.all([import("./http-transport.js"), extraCertificates(settings.caFiles ?? [])]);
  // The proxies as the config layer chose them (never the environment); through a proxy, the target's TLS
  // is checked against the same authorities. Each attempt's deadline bounds connect, headers and body.
  const transport = createTransport({ proxy: settings.proxy, ca });
  const apiOrigin = new URL(settings.apiOrigin).origin;
  const secrets = [settings.token];
  const say = (line: string): void => settings.verbose?.(redact(line, secrets));
  const backoffMs = settings.backoffMs ?? 400;
  const maxRetryAfterMs = settings.maxRetryAfterMs ?? 20_000;

  const cache = settings.cacheDir ? httpCache(settings.cacheDir, settings.token) : undefined;

  // One GET of one URL, following redirects ourselves so Authorization never leaves the API origin,
  // and never to another scheme or from https to http. `signal` ends the attempt (timeout, interrupt).
  async function once(url: string, options: GetOptions, signal: AbortSignal): Promise<HttpResponse> {
    if (url.startsWith("file:") && options.fileRoot !== undefined)
      return readFileUrl(url, options.fileRoot, options.maxBytes ?? DEFAULT_MAX_BYTES, options.onProgress);
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
      const res = await transport.get(target, headers, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && typeof location === "string") {
        // Not read: a redirect's body could be endless, and nothing in it is needed.
        res.destroy();
        const next = new URL(location, current).href;
        const problem = remoteUrlProblem(next, current);
        if (problem) throw refuse(next, `${problem} (a redirect from ${redact(current, secrets)})`);
        say(`GET ${current} → ${status}, redirected to ${next}${new URL(next).origin === apiOrigin ? "" : " (no token sent there)"}`);
        current = next;
        continue;
      }
      const body = await readBounded(res, options.maxBytes ?? DEFAULT_MAX_BYTES, current, options.onProgress);
      const flat = flatten(res.headers);
      if (status === 304 && cached) {
        say(`GET ${current}${headers.authorization ? " (with token)" : ""} → 304, answered from the cache (${Date.now() - started} ms)`);
        return { url: current, status: 200, headers: { ...cached.headers, ...flat }, body: Buffer.from(cached.body, "base64"), fromCache: true };
      }
      say(`GET ${current}${headers.authorization ? " (with token)" : ""} → ${status} (${body.length} bytes, ${Date.now() - started} ms)`);
      if (options.conditional && cache && status === 200 && (flat.etag || flat["last-modified"])) {
        await cache.put({
          url,
          ...(flat.etag ? { etag: flat.etag } : {}),
          ...(flat["last-modified"] ? { lastModified: flat["last-modified"] } : {}),
          headers: pick(flat, ["link", "content-type"]),
          body: body.toString("base64"),
        });
      }
      return { url: current, status, headers: flat, body };
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

  return { get, close: async () => transport.close() };
}

async function readBounded(res: IncomingMessage, maxBytes: number, url: string, onProgress?: GetOptions["onProgress"]): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  const tooBig = (): UpdaterError =>
    new UpdaterError("DOWNLOAD_FAILED", `${url} is larger than the ${maxBytes}-byte limit for this download.`, {
      hint: "The server sent something other than what upkeep asked for; check the release's assets.",
    });
  // Abandoning a body may emit an abort error; nobody else is listening for it.
  const abandon = (): void => {
    res.on("error", () => {});
    res.destroy();
  };
  if (Number.isFinite(declared) && declared > maxBytes) {
    abandon();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
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
