// A plain static file server on loopback (what a mirror on any web server looks like), with a log.
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { onTestFinished } from "vitest";

/** A running static server. */
export interface StaticServer {
  url: string;
  log: string[];
}

/** Serves `root` at http://127.0.0.1:<port>/ until the test ends. */
export async function serveDir(root: string): Promise<StaticServer> {
  const log: string[] = [];
  const server = http.createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    log.push(p);
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
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, log };
}
