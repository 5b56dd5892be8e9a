// Types only: the HTTP client's contract (src/io/http.ts implements it).

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
