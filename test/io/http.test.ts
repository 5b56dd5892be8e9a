import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { failure } from "../helpers/failure.js";
import { createHttp, type HttpSettings } from "../../src/io/http.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

// A loopback server whose handler sees the request count; closed when the test ends.
async function server(handler: Handler): Promise<{ origin: string; seen: http.IncomingMessage[] }> {
  const seen: http.IncomingMessage[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const s = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res, seen.length);
  });
  s.on("connection", (c) => {
    sockets.add(c);
    c.on("close", () => sockets.delete(c));
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  onTestFinished(async () => {
    for (const c of sockets) c.destroy();
    await new Promise((r) => s.close(r));
  });
  return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

const settings = (o: Partial<HttpSettings> & { apiOrigin: string }): HttpSettings => ({
  timeoutMs: 2000,
  userAgent: "upkeep/test",
  proxy: { http: "", https: "", noProxy: "" },
  attempts: 3,
  backoffMs: 10,
  ...o,
});

async function client(o: Partial<HttpSettings> & { apiOrigin: string }) {
  const c = await createHttp(settings(o));
  onTestFinished(() => c.close());
  return c;
}

describe("http: retries", () => {
  it("retries 5xx with backoff and succeeds on the third attempt", async () => {
    const s = await server((_q, res, n) => {
      res.writeHead(n < 3 ? 502 : 200);
      res.end(n < 3 ? "bad gateway" : "ok");
    });
    const res = await (await client({ apiOrigin: s.origin })).get(`${s.origin}/x`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("ok");
    expect(s.seen).toHaveLength(3);
  });

  it("gives up after 3 attempts and returns the last 5xx", async () => {
    const s = await server((_q, res) => {
      res.writeHead(503);
      res.end();
    });
    const res = await (await client({ apiOrigin: s.origin })).get(`${s.origin}/x`);
    expect(res.status).toBe(503);
    expect(s.seen).toHaveLength(3);
  });

  it("honours Retry-After on 429", async () => {
    const s = await server((_q, res, n) => {
      res.writeHead(n === 1 ? 429 : 200, n === 1 ? { "retry-after": "1" } : {});
      res.end();
    });
    const started = Date.now();
    const res = await (await client({ apiOrigin: s.origin })).get(`${s.origin}/x`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("does not wait for a Retry-After longer than the cap", async () => {
    const s = await server((_q, res) => {
      res.writeHead(429, { "retry-after": "3600" });
      res.end();
    });
    const res = await (await client({ apiOrigin: s.origin })).get(`${s.origin}/x`);
    expect(res.status).toBe(429);
    expect(s.seen).toHaveLength(1);
  });

  it("does not retry 4xx", async () => {
    const s = await server((_q, res) => {
      res.writeHead(403, { "x-ratelimit-remaining": "0" });
      res.end();
    });
    expect((await (await client({ apiOrigin: s.origin })).get(`${s.origin}/x`)).status).toBe(403);
    expect(s.seen).toHaveLength(1);
  });

  it("retries a refused connection, then reports NETWORK with the host", async () => {
    const s = await server(() => {});
    const dead = s.origin.replace(/:\d+$/, ":1");
    const e = await failure((await client({ apiOrigin: dead })).get(`${dead}/x`));
    expect(e.code).toBe("NETWORK");
    expect(e.message).toContain("127.0.0.1:1");
    expect(e.message).toContain("ECONNREFUSED");
  });

  it("a stalled server gives TIMEOUT after each attempt's timeout", async () => {
    const s = await server(() => {
      /* never answers */
    });
    const e = await failure((await client({ apiOrigin: s.origin, timeoutMs: 300 })).get(`${s.origin}/stall`));
    expect(e.code).toBe("TIMEOUT");
    expect(e.message).toContain("within 0.3 s");
    expect(s.seen).toHaveLength(3);
  });

  it("a body that stops halfway gives TIMEOUT", async () => {
    const s = await server((_q, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
    });
    const e = await failure((await client({ apiOrigin: s.origin, timeoutMs: 300, attempts: 1 })).get(`${s.origin}/x`));
    expect(e.code).toBe("TIMEOUT");
  });
});

describe("http: the token stays on the API origin", () => {
  it("sends it to the API origin only, never across a redirect to another origin", async () => {
    const storage = await server((_q, res) => {
      res.writeHead(200);
      res.end("bytes");
    });
    const api = await server((q, res) => {
      if (q.url === "/asset") {
        res.writeHead(302, { location: `${storage.origin}/blob?sig=1` });
        res.end();
      } else if (q.url === "/same") {
        res.writeHead(301, { location: "/final" });
        res.end();
      } else {
        res.writeHead(200);
        res.end("ok");
      }
    });
    const c = await client({ apiOrigin: api.origin, token: "ghp_secret_token" });
    const res = await c.get(`${api.origin}/asset`, { accept: "application/octet-stream" });
    expect(res.body.toString()).toBe("bytes");
    expect(res.url).toBe(`${storage.origin}/blob?sig=1`);
    expect(api.seen[0]?.headers.authorization).toBe("Bearer ghp_secret_token");
    expect(api.seen[0]?.headers["user-agent"]).toBe("upkeep/test");
    expect(storage.seen[0]?.headers.authorization).toBeUndefined();
    await c.get(`${api.origin}/same`);
    expect(api.seen.at(-1)?.url).toBe("/final");
    expect(api.seen.at(-1)?.headers.authorization).toBe("Bearer ghp_secret_token");
    await c.get(`${storage.origin}/direct`);
    expect(storage.seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("never prints the token in verbose lines", async () => {
    const api = await server((_q, res) => {
      res.writeHead(200);
      res.end();
    });
    const lines: string[] = [];
    const c = await client({ apiOrigin: api.origin, token: "ghp_secret_token", verbose: (l) => lines.push(l) });
    await c.get(`${api.origin}/x?token=ghp_secret_token`);
    expect(lines.join("\n")).toContain("(with token)");
    expect(lines.join("\n")).not.toContain("ghp_secret_token");
  });
});

describe("http: size limits", () => {
  it("refuses a body over the limit, by header or by bytes", async () => {
    const s = await server((q, res) => {
      if (q.url === "/declared") res.writeHead(200, { "content-length": "2000" });
      else res.writeHead(200);
      res.end(Buffer.alloc(2000));
    });
    const c = await client({ apiOrigin: s.origin });
    expect((await failure(c.get(`${s.origin}/declared`, { maxBytes: 1000 }))).code).toBe("DOWNLOAD_FAILED");
  });
});

describe("http: size limits without a length header", () => {
  it("stops reading once the limit is passed", async () => {
    const s = await server((_q, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(600));
      res.end(Buffer.alloc(600));
    });
    const c = await client({ apiOrigin: s.origin });
    const e = await failure(c.get(`${s.origin}/chunked`, { maxBytes: 1000 }));
    expect(e.code).toBe("DOWNLOAD_FAILED");
    expect(e.message).toContain("1000-byte limit");
  });
});

describe("http: what remote data may point at", () => {
  it("fetches no file: URL unless a directory mirror allows it, and never outside that directory", async () => {
    const { mkdtempSync, writeFileSync, symlinkSync, mkdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { pathToFileURL } = await import("node:url");
    const root = mkdtempSync(path.join(tmpdir(), "upkeep-http-"));
    onTestFinished(async () => (await import("node:fs")).rmSync(root, { recursive: true, force: true }));
    const mirror = path.join(root, "mirror");
    mkdirSync(mirror);
    writeFileSync(path.join(mirror, "ok.sh"), "#!/bin/sh\n");
    writeFileSync(path.join(root, "secret"), "outside");
    symlinkSync(path.join(root, "secret"), path.join(mirror, "escape"));
    const c = await client({ apiOrigin: "http://127.0.0.1:9" });
    const fileRoot = pathToFileURL(`${mirror}/`).href;
    expect((await failure(c.get(pathToFileURL(path.join(mirror, "ok.sh")).href))).message).toMatch(/Refusing to fetch file:.*only http and https/);
    expect((await c.get(pathToFileURL(path.join(mirror, "ok.sh")).href, { fileRoot })).body.toString()).toBe("#!/bin/sh\n");
    expect((await failure(c.get(pathToFileURL(path.join(mirror, "escape")).href, { fileRoot }))).message).toMatch(/outside the mirror directory/);
    expect((await failure(c.get("file:///dev/zero", { fileRoot: "file:///dev/" }))).message).toMatch(/not a regular file/);
  });

  it("a FIFO in a directory mirror is refused at once instead of hanging", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { spawnSync } = await import("node:child_process");
    const path = await import("node:path");
    const { pathToFileURL } = await import("node:url");
    const root = mkdtempSync(path.join(tmpdir(), "upkeep-http-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    spawnSync("mkfifo", [path.join(root, "fifo")]);
    const c = await client({ apiOrigin: "http://127.0.0.1:9" });
    const e = await failure(c.get(pathToFileURL(path.join(root, "fifo")).href, { fileRoot: pathToFileURL(`${root}/`).href }));
    expect(e.code).toBe("DOWNLOAD_FAILED");
    expect(e.message).toMatch(/not a regular file/);
  });

  it("does not read a redirect's body: an endless one is cut off, and the target is fetched", async () => {
    let sent = 0;
    let cut: Promise<void> = Promise.resolve();
    const s = await server((req, res) => {
      if (req.url === "/final") {
        res.end("done");
        return;
      }
      res.writeHead(302, { location: "/final" });
      // Endless: were the client to drain it, this would go on until its deadline.
      cut = new Promise((closed) => res.on("close", () => closed()));
      const more = (): void => {
        while (!res.destroyed && res.write(Buffer.alloc(64 * 1024))) sent += 64 * 1024;
        if (!res.destroyed) res.once("drain", more);
      };
      more();
    });
    const r = await (await client({ apiOrigin: s.origin, timeoutMs: 30_000 })).get(`${s.origin}/start`);
    expect(r.body.toString()).toBe("done");
    await cut; // the client closed the redirect's connection
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("refuses a redirect to another scheme or from https to http", async () => {
    const s = await server((_q, res) => {
      res.writeHead(302, { location: "file:///etc/passwd" });
      res.end();
    });
    const e = await failure((await client({ apiOrigin: s.origin })).get(`${s.origin}/x`));
    expect(e.code).toBe("DOWNLOAD_FAILED");
    expect(e.message).toMatch(/file: scheme.*a redirect from/);
    expect(s.seen).toHaveLength(1); // refused, not retried
  });
});

describe("http: --timeout bounds each attempt from connect to last byte", () => {
  it("a body trickling at a byte every 200 ms is cut off at the timeout, not read for ever", async () => {
    const timers: NodeJS.Timeout[] = [];
    const s = await server((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      const t = setInterval(() => res.write("x"), 200);
      timers.push(t);
      res.on("close", () => clearInterval(t));
    });
    onTestFinished(() => timers.forEach(clearInterval));
    // Without the bound the body alone would take 200 s, and this test would time out instead.
    const e = await failure((await client({ apiOrigin: s.origin, timeoutMs: 1000, attempts: 2 })).get(`${s.origin}/slow`));
    expect(e.code).toBe("TIMEOUT");
    expect(s.seen).toHaveLength(2);
  });

  it("an abort (SIGINT/SIGTERM) stops a download at once with INTERRUPTED", async () => {
    const s = await server((_q, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("x"); // and never more
    });
    const controller = new AbortController();
    const c = await client({ apiOrigin: s.origin, timeoutMs: 30_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const e = await failure(c.get(`${s.origin}/stalled`));
    expect(e.code).toBe("INTERRUPTED");
    expect(s.seen).toHaveLength(1);
  });
});
