// One GET over Node's own http and https modules, directly or tunnelled through a forward proxy: the
// transport under io/http.ts. These modules ship inside the runtime and load in ~2 ms; undici, used
// before, took 50-90 ms to load inside the single executable, the largest part of an update's own time.
import http from "node:http";
import https from "node:https";
import { isIP, type Socket } from "node:net";
import tls from "node:tls";
import { UpdaterError } from "../errors.js";
import type { HttpSettings } from "./http-types.js";

/** What the transport needs: the proxies config.ts chose, and the authorities to trust (undefined: Node's). */
export interface TransportSettings {
  proxy: HttpSettings["proxy"];
  ca?: string[] | undefined;
}

/** Sends GETs; each answer is the response with its body still to be read. */
export interface Transport {
  get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<http.IncomingMessage>;
  /** Closes the kept-alive connections. */
  close(): void;
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/** The run's transport: kept-alive connections for direct requests, a tunnel per request through a proxy. */
export function createTransport(settings: TransportSettings): Transport {
  const tlsOptions = settings.ca ? { ca: settings.ca } : {};
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ...tlsOptions }) };
  const noProxy = parseNoProxy(settings.proxy.noProxy);
  return {
    async get(url, headers, signal) {
      const proxy = proxyFor(url, settings.proxy, noProxy);
      const secure = url.protocol === "https:";
      const target = { host: bare(url.hostname), port: portOf(url), path: `${url.pathname}${url.search}`, method: "GET", headers, signal };
      if (!proxy) return send(secure ? https.request({ ...target, agent: agents.https }) : http.request({ ...target, agent: agents.http }));
      const socket = await tunnel(proxy, url, signal, tlsOptions);
      // The tunnel carries this one request (undici's ProxyAgent tunnelled plain http too, as this does).
      const connection = secure ? tls.connect({ socket, host: target.host, ...serverName(target.host), ...tlsOptions }) : socket;
      // No agent: only then does Node use createConnection (with `agent: false` it would dial the target itself).
      // defaultPort: http.request assumes 80, and would send `Host: name:443` for https through the tunnel.
      return send(http.request({ ...target, defaultPort: secure ? 443 : 80, createConnection: () => connection }));
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** One NO_PROXY entry: a host (a leading `.` or `*.` removed) and a port (0: any). */
export interface NoProxyEntry {
  host: string;
  port: number;
}

/**
 * NO_PROXY: entries split by commas or spaces, `host[:port]`, `*` for every host; an entry also
 * covers its subdomains (as curl reads it; a leading `.` or `*.` is the same).
 */
export function parseNoProxy(value: string): NoProxyEntry[] | "all" {
  if (value.trim() === "*") return "all";
  return value
    .split(/[,\s]/)
    .filter(Boolean)
    .map((entry) => {
      const parsed = /^(.+):(\d+)$/.exec(entry);
      return { host: (parsed ? (parsed[1] as string) : entry).replace(/^\*?\./, "").toLowerCase(), port: parsed ? Number(parsed[2]) : 0 };
    });
}

/**
 * The proxy a request to `url` goes through, or undefined to go direct: HTTPS_PROXY for https (else the
 * HTTP_PROXY one, as undici did), HTTP_PROXY for http, none for a host NO_PROXY names or a subdomain of it.
 */
export function proxyFor(url: URL, proxy: HttpSettings["proxy"], noProxy: NoProxyEntry[] | "all"): URL | undefined {
  const chosen = url.protocol === "https:" ? proxy.https || proxy.http : proxy.http;
  if (!chosen || noProxy === "all") return undefined;
  const host = url.hostname.toLowerCase();
  const port = portOf(url);
  for (const entry of noProxy) {
    if (entry.port && entry.port !== port) continue;
    if (host === entry.host || host.endsWith(`.${entry.host}`)) return undefined;
  }
  const parsed = URL.canParse(chosen) ? new URL(chosen) : undefined;
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new UpdaterError("NETWORK", `The proxy for ${url.protocol.slice(0, -1)} requests is not an http:// or https:// URL.`, {
      hint: "Set HTTPS_PROXY / HTTP_PROXY to a URL such as http://proxy.example:3128 (or unset them).",
      details: { final: true },
    });
  }
  return parsed;
}

// Resolves with the response (its body unread), rejects with what failed before it arrived.
function send(req: http.ClientRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once("response", resolve);
    // Also after the response: an abort then ends the body, which the reader reports.
    req.on("error", reject);
    req.end();
  });
}

// A CONNECT tunnel through `proxy` to the target's host and port, with the proxy's credentials if it has
// any. A refusal says "Proxy response (<status>)", which io/http-errors.ts reports as the proxy's answer.
function tunnel(proxy: URL, target: URL, signal: AbortSignal, tlsOptions: { ca?: string[] }): Promise<Socket> {
  const authority = `${target.hostname}:${portOf(target)}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username || proxy.password) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  const options = { host: bare(proxy.hostname), port: portOf(proxy), method: "CONNECT", path: authority, headers, signal, agent: false as const };
  const req = proxy.protocol === "https:" ? https.request({ ...options, ...serverName(bare(proxy.hostname)), ...tlsOptions }) : http.request(options);
  return new Promise((resolve, reject) => {
    req.once("connect", (res: http.IncomingMessage, socket: Socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`Proxy response (${res.statusCode}) !== 200 when HTTP Tunneling`));
    });
    req.on("error", reject);
    req.end();
  });
}

function portOf(url: URL): number {
  return Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
}

// A URL's hostname as sockets take it: IPv6 without its brackets.
function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1");
}

// TLS's server name (SNI) is a DNS name, never an IP address.
function serverName(host: string): { servername?: string } {
  return isIP(host) ? {} : { servername: host };
}
