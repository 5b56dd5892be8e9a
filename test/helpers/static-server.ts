// A static file server on loopback (what a mirror on any web server looks like) that logs every
// request's path and headers, so tests can see what reached it (a token must not).
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { defer } from "./cleanup.js";

/** A request one of the world's servers saw. */
export interface SeenRequest {
  server: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** A static file server that logs paths and headers (a mirror on any web server). */
export interface LoggingServer {
  url: string;
  log: SeenRequest[];
  /** Replace how one path is answered (a stall, a slow body, an HTML page). */
  handle(match: RegExp, answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): void;
}

/** Serves `root` on 127.0.0.1 (random port) until the test ends, logging every request. */
export async function loggingServer(root: string, name = "mirror"): Promise<LoggingServer> {
  const log: SeenRequest[] = [];
  const handlers: { match: RegExp; answer: (req: http.IncomingMessage, res: http.ServerResponse) => void }[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    log.push({ server: name, path: p, headers: req.headers });
    const custom = handlers.find((h) => h.match.test(p));
    if (custom) return custom.answer(req, res);
    const file = path.join(root, path.normalize(p).replace(/^(\.\.[/\\])+/, ""));
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-length": String(body.length) });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  defer(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, log, handle: (match, answer) => handlers.push({ match, answer }) };
}
