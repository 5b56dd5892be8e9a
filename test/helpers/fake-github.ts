// A fake GitHub for tests: two real HTTP servers on 127.0.0.1 (random ports), one for the REST API
// (served under /api/v3, as GitHub Enterprise) and one for asset downloads, so tests can see which
// headers reached which host. It keeps a request log and can inject errors and stalls.
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { defer } from "./cleanup.js";

/** An asset of a fake release. */
export interface FakeAsset {
  name: string;
  body: string | Buffer;
  /** GitHub's `digest` field: "auto" computes the real sha256 (default), a string is sent as is, null omits it. */
  digest?: "auto" | string | null;
  contentType?: string;
}

/** A fake release; list order is GitHub's (newest first). */
export interface FakeRelease {
  tag: string;
  name?: string | null;
  prerelease?: boolean;
  draft?: boolean;
  assets: FakeAsset[];
}

/** One request as the fake saw it. */
export interface LoggedRequest {
  server: "api" | "download";
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The status answered. */
  status?: number;
  /** Bytes of the asset's body sent (downloads that found their asset). */
  bytes?: number;
}

/** A canned answer for requests whose path matches. */
export interface Injection {
  match: RegExp;
  server?: "api" | "download";
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before answering (a stall when longer than the client's timeout). */
  delayMs?: number;
  /** Accept the connection and never answer. */
  hang?: boolean;
  /** How many matching requests to answer this way (default: all). */
  times?: number;
}

/** Options of {@link startFakeGithub}. */
export interface FakeGithubOptions {
  owner?: string;
  repo?: string;
  releases?: FakeRelease[];
  /** When set, the repository is private: API requests need `Authorization: Bearer <token>`. */
  token?: string;
  /** Latency added to every request, in ms. */
  latencyMs?: number;
  /**
   * How the API host answers GitHub-Enterprise-style downloads (`/<owner>/<repo>/releases/download/…`,
   * what installers fetch with `<APP>_INSTALLER_GHE_BASE_URL`): "serve" the bytes (default), or
   * "redirect" to the download host as github.com does to its storage host.
   */
  gheDownloads?: "serve" | "redirect";
  /** Serve both hosts over HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /**
   * GitHub's primary rate limit on the API host: this many requests per client (all of loopback is
   * one client, like a NAT'ed fleet); 304s are not counted, as on GitHub.
   */
  rateLimit?: number;
}

/** The running fake. */
export interface FakeGithub {
  /** Value for `<APP>_INSTALLER_GHE_BASE_URL`. */
  gheBase: string;
  /** The API root upkeep will derive (`<gheBase>/api/v3`). */
  apiBase: string;
  apiOrigin: string;
  downloadOrigin: string;
  owner: string;
  repo: string;
  releases: FakeRelease[];
  log: LoggedRequest[];
  inject(injection: Injection): void;
  /** A new hour: the rate limit starts again. */
  resetRateLimit(): void;
  /** Changes the rate limit (undefined: none). */
  setRateLimit(limit: number | undefined): void;
  /** Requests to the API server, optionally only those whose path matches. */
  apiRequests(match?: RegExp): LoggedRequest[];
  close(): Promise<void>;
}

const sha256 = (b: string | Buffer): string => createHash("sha256").update(b).digest("hex");

/** Starts the fake; it is closed automatically when the current test finishes. */
export async function startFakeGithub(given: FakeGithubOptions = {}): Promise<FakeGithub> {
  const options = { ...given };
  const owner = options.owner ?? "axodotdev";
  const repo = options.repo ?? "axolotlsay";
  const log: LoggedRequest[] = [];
  const injections: Injection[] = [];
  const releases = options.releases ?? [];
  const sockets = new Set<import("node:net").Socket>();
  let apiOrigin = "";
  let downloadOrigin = "";

  const injected = (server: "api" | "download", path: string): Injection | undefined => {
    const hit = injections.find((i) => (i.server ?? server) === server && i.match.test(path) && (i.times ?? 1) > 0);
    if (hit && hit.times !== undefined) hit.times -= 1;
    return hit;
  };

  const assetId = (ri: number, ai: number): number => ri * 1000 + ai + 1;
  const releaseJson = (r: FakeRelease, ri: number) => ({
    url: `${apiOrigin}/api/v3/repos/${owner}/${repo}/releases/${ri + 1}`,
    html_url: `${downloadOrigin}/${owner}/${repo}/releases/tag/${r.tag}`,
    id: ri + 1,
    tag_name: r.tag,
    name: r.name === undefined ? r.tag : r.name,
    draft: r.draft ?? false,
    prerelease: r.prerelease ?? false,
    assets: r.assets.map((a, ai) => ({
      url: `${apiOrigin}/api/v3/repos/${owner}/${repo}/releases/assets/${assetId(ri, ai)}`,
      id: assetId(ri, ai),
      name: a.name,
      size: Buffer.byteLength(a.body),
      content_type: a.contentType ?? "application/octet-stream",
      ...(a.digest === null ? {} : { digest: a.digest === undefined || a.digest === "auto" ? `sha256:${sha256(a.body)}` : a.digest }),
      browser_download_url: `${downloadOrigin}/${owner}/${repo}/releases/download/${encodeURIComponent(r.tag)}/${a.name}`,
    })),
  });

  let used = 0;
  // JSON answers carry an ETag; a matching If-None-Match gets an empty 304 that the rate limit ignores.
  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, req?: http.IncomingMessage): void => {
    const text = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const etag = `"${sha256(text).slice(0, 32)}"`;
    const limited = options.rateLimit !== undefined && req?.url?.startsWith("/api/") === true;
    const limit = (): Record<string, string> =>
      limited ? { "x-ratelimit-limit": String(options.rateLimit), "x-ratelimit-remaining": String(Math.max(0, (options.rateLimit ?? 0) - used)) } : {};
    if (status === 200 && req?.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag, ...limit() });
      res.end();
      return;
    }
    if (limited) {
      if (used >= (options.rateLimit ?? 0)) {
        res.writeHead(403, { "content-type": "application/json", ...limit(), "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) });
        res.end(JSON.stringify({ message: "API rate limit exceeded for 127.0.0.1." }));
        return;
      }
      used++;
    }
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...(status === 200 ? { etag } : {}), ...limit(), ...headers });
    res.end(text);
  };

  const authorized = (req: http.IncomingMessage): boolean => options.token === undefined || req.headers.authorization === `Bearer ${options.token}`;

  async function answer(server: "api" | "download", req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const entry: LoggedRequest = { server, method: req.method ?? "GET", path: `${url.pathname}${url.search}`, headers: req.headers };
    log.push(entry);
    res.on("finish", () => (entry.status = res.statusCode));
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const inj = injected(server, `${url.pathname}${url.search}`);
    if (inj) {
      if (inj.hang) return;
      if (inj.delayMs) await new Promise((r) => setTimeout(r, inj.delayMs));
      if (res.destroyed) return;
      res.writeHead(inj.status ?? 500, { "content-type": "application/json", ...inj.headers });
      res.end(inj.body ?? JSON.stringify({ message: "injected" }));
      return;
    }
    if (server === "download") return download(url, req, res, entry);
    if (/^\/[^/]+\/[^/]+\/releases\/download\//.test(url.pathname)) {
      if (options.gheDownloads === "redirect") {
        res.writeHead(302, { location: `${downloadOrigin}${url.pathname}` });
        res.end();
        return;
      }
      return download(url, req, res, entry);
    }

    const prefix = `/api/v3/repos/${owner}/${repo}/releases`;
    if (url.pathname === "/api/v3/rate_limit") {
      // Like GitHub: not counted, and 401 for a token it does not know.
      if (req.headers.authorization && options.token !== undefined && !authorized(req)) return send(res, 401, { message: "Bad credentials" });
      const limit = options.rateLimit ?? 60;
      return send(res, 200, { resources: { core: { limit, remaining: Math.max(0, limit - used), reset: Math.floor(Date.now() / 1000) + 3600 } } });
    }
    if (!url.pathname.startsWith(prefix) || !authorized(req)) {
      return send(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }, {}, req);
    }
    const rest = url.pathname.slice(prefix.length);
    const published = releases.map((r, i) => ({ r, i }));
    if (rest === "" || rest === "/") {
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = published.slice((page - 1) * perPage, page * perPage);
      const pages = Math.max(1, Math.ceil(published.length / perPage));
      const links: string[] = [];
      const at = (p: number): string => `<${apiOrigin}${prefix}?per_page=${perPage}&page=${p}>`;
      if (page < pages) links.push(`${at(page + 1)}; rel="next"`, `${at(pages)}; rel="last"`);
      if (page > 1) links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
      return send(
        res,
        200,
        slice.map(({ r, i }) => releaseJson(r, i)),
        links.length ? { link: links.join(", ") } : {},
        req,
      );
    }
    if (rest === "/latest") {
      const hit = published.find(({ r }) => !r.draft && !r.prerelease);
      return hit ? send(res, 200, releaseJson(hit.r, hit.i), {}, req) : send(res, 404, { message: "Not Found" }, {}, req);
    }
    if (rest.startsWith("/tags/")) {
      const tag = decodeURIComponent(rest.slice("/tags/".length));
      const hit = published.find(({ r }) => r.tag === tag && !r.draft);
      return hit ? send(res, 200, releaseJson(hit.r, hit.i), {}, req) : send(res, 404, { message: "Not Found" }, {}, req);
    }
    const assetMatch = /^\/assets\/(\d+)$/.exec(rest);
    if (assetMatch) {
      const id = Number(assetMatch[1]);
      const r = releases[Math.floor((id - 1) / 1000)];
      const a = r?.assets[(id - 1) % 1000];
      if (!r || !a) return send(res, 404, { message: "Not Found" }, {}, req);
      if (req.headers.accept !== "application/octet-stream") return send(res, 200, { id, name: a.name });
      // Like GitHub: a redirect to a signed URL on the storage host.
      const target = `${downloadOrigin}/storage/${id}?sig=${sha256(String(id)).slice(0, 16)}`;
      res.writeHead(302, { location: target });
      res.end();
      return;
    }
    return send(res, 404, { message: "Not Found" }, {}, req);
  }

  function download(url: URL, req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest): void {
    let asset: FakeAsset | undefined;
    const storage = /^\/storage\/(\d+)$/.exec(url.pathname);
    if (storage) {
      const id = Number(storage[1]);
      if (url.searchParams.get("sig") === sha256(String(id)).slice(0, 16)) asset = releases[Math.floor((id - 1) / 1000)]?.assets[(id - 1) % 1000];
    } else if (options.token === undefined || authorized(req)) {
      const m = new RegExp(`^/${owner}/${repo}/releases/download/([^/]+)/(.+)$`).exec(url.pathname);
      const r = m && releases.find((x) => x.tag === decodeURIComponent(m[1] ?? ""));
      asset = r?.assets.find((a) => a.name === m?.[2]);
    }
    if (!asset) {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><body>Not Found</body></html>");
      return;
    }
    const length = Buffer.byteLength(asset.body);
    res.writeHead(200, { "content-type": asset.contentType ?? "application/octet-stream", "content-length": String(length) });
    // HEAD requests get the headers only.
    entry.bytes = req.method === "HEAD" ? 0 : length;
    res.end(asset.body);
  }

  const serve = (server: "api" | "download"): http.Server => {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      answer(server, req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { message: String(error) });
      });
    };
    const s = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
    s.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return s;
  };
  const listen = (s: http.Server): Promise<number> => new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));

  const apiServer = serve("api");
  const downloadServer = serve("download");
  const scheme = options.tls ? "https" : "http";
  apiOrigin = `${scheme}://127.0.0.1:${await listen(apiServer)}`;
  downloadOrigin = `${scheme}://127.0.0.1:${await listen(downloadServer)}`;

  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([apiServer, downloadServer].map((s) => new Promise((r) => s.close(() => r(undefined)))));
  };
  defer(close);

  return {
    gheBase: apiOrigin,
    apiBase: `${apiOrigin}/api/v3`,
    apiOrigin,
    downloadOrigin,
    owner,
    repo,
    releases,
    log,
    inject: (i) => injections.push({ ...i }),
    resetRateLimit: () => {
      used = 0;
    },
    setRateLimit: (limit) => {
      options.rateLimit = limit;
    },
    apiRequests: (match) => log.filter((r) => r.server === "api" && (!match || match.test(r.path))),
    close,
  };
}
