// The transport over Node's http and https: which requests take a proxy (NO_PROXY: hosts and their subdomains), and
// that a proxied request really travels inside the CONNECT tunnel, plain or TLS, with the credentials.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createTransport, parseNoProxy, proxyFor } from "../../src/io/http-transport.js";
import { defer } from "../helpers/cleanup.js";
import { makeTestCa } from "../helpers/tls.js";

const NONE = { http: "", https: "", noProxy: "" };

describe("proxyFor", () => {
  // [url, http proxy, https proxy, NO_PROXY, the proxy taken ("" for none)]
  const cases: [string, string, string, string, string][] = [
    ["http://a.example/x", "http://p:1", "", "", "http://p:1/"],
    ["https://a.example/x", "", "http://s:2", "", "http://s:2/"],
    // As undici's EnvHttpProxyAgent: https requests fall back to the http proxy.
    ["https://a.example/x", "http://p:1", "", "", "http://p:1/"],
    ["http://a.example/x", "", "http://s:2", "", ""],
    ["https://a.example/x", "http://p:1", "http://s:2", "a.example", ""],
    ["https://sub.a.example/x", "http://p:1", "", ".a.example", ""],
    ["https://sub.a.example/x", "http://p:1", "", "*.a.example", ""],
    ["https://nota.example/x", "http://p:1", "", "a.example", "http://p:1/"],
    ["https://A.EXAMPLE/x", "http://p:1", "", "a.example", ""],
    ["http://127.0.0.1:8080/x", "http://p:1", "", "127.0.0.1:8080", ""],
    ["http://127.0.0.1:9090/x", "http://p:1", "", "127.0.0.1:8080", "http://p:1/"],
    ["https://a.example/x", "http://p:1", "", "b.example, a.example", ""],
    ["https://a.example/x", "http://p:1", "", "*", ""],
    ["https://[::1]/x", "http://p:1", "", "[::1]", ""],
  ];
  for (const [url, httpProxy, httpsProxy, noProxy, want] of cases) {
    it(`${url} with http=${httpProxy || "-"} https=${httpsProxy || "-"} no_proxy=${noProxy || "-"} → ${want || "direct"}`, () => {
      const got = proxyFor(new URL(url), { http: httpProxy, https: httpsProxy, noProxy }, parseNoProxy(noProxy));
      expect(got?.href ?? "").toBe(want);
    });
  }

  it("a proxy that is not an http(s) URL is a NETWORK error that is not retried and does not print the value", () => {
    for (const bad of ["proxy.example:3128", "socks5://u:pw@h:1", "not a url"]) {
      let caught: unknown;
      try {
        proxyFor(new URL("https://a.example/"), { ...NONE, https: bad }, []);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: "NETWORK", details: { final: true } });
      expect(String((caught as Error).message)).not.toContain(bad);
    }
  });
});

// A forward proxy that only tunnels (CONNECT), demanding `auth` when given; it records each CONNECT and the
// local port of each tunnel's upstream connection, so the target can tell a tunnelled request from a direct one.
async function connectProxy(auth?: string) {
  const connects: { path: string; authorization: string | undefined }[] = [];
  const upstreamPorts = new Set<number>();
  const server = http.createServer((_q, res) => res.writeHead(405).end());
  server.on("connect", (req: http.IncomingMessage, client: net.Socket) => {
    connects.push({ path: req.url ?? "", authorization: req.headers["proxy-authorization"] });
    if (auth && req.headers["proxy-authorization"] !== `Basic ${Buffer.from(auth).toString("base64")}`) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      upstreamPorts.add(upstream.localPort ?? 0);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  return { url: await listen(server, "http"), connects, upstreamPorts };
}

async function listen(server: http.Server | https.Server, scheme: string): Promise<string> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  defer(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// A target that answers with the client port it saw.
const answerPort = (req: http.IncomingMessage, res: http.ServerResponse) => res.end(String(req.socket.remotePort));

// What a promise rejects with (the transport's errors are Node's, not yet UpdaterErrors).
async function rejection(p: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: NodeJS.ErrnoException) => e,
  );
}

async function body(res: http.IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of res) text += chunk;
  return text;
}

describe("createTransport", () => {
  const signal = () => AbortSignal.timeout(5000);

  it("goes direct without a proxy, reusing the connection", async () => {
    const target = await listen(http.createServer(answerPort), "http");
    const t = createTransport({ proxy: NONE });
    defer(() => t.close());
    const first = await body(await t.get(new URL(`${target}/a`), {}, signal()));
    const second = await body(await t.get(new URL(`${target}/b`), {}, signal()));
    expect(second).toBe(first);
  });

  it("sends a plain http request inside a CONNECT tunnel, with the proxy's credentials", async () => {
    const proxy = await connectProxy("fleet:pr0xy");
    const target = await listen(http.createServer(answerPort), "http");
    const t = createTransport({ proxy: { ...NONE, http: proxy.url.replace("//", "//fleet:pr0xy@") } });
    defer(() => t.close());
    const res = await t.get(new URL(`${target}/x`), { "user-agent": "test" }, signal());
    expect(res.statusCode).toBe(200);
    // The target saw the request come from the proxy's upstream connection, not from us.
    expect(proxy.upstreamPorts.has(Number(await body(res)))).toBe(true);
    expect(proxy.connects).toEqual([{ path: new URL(target).host, authorization: `Basic ${Buffer.from("fleet:pr0xy").toString("base64")}` }]);
  });

  it("tunnels TLS to an https target and checks its certificate against the given authorities", async () => {
    const ca = makeTestCa();
    const target = await listen(https.createServer({ key: ca.key, cert: ca.cert }, answerPort), "https");
    const proxy = await connectProxy();
    const trusted = createTransport({ proxy: { ...NONE, https: proxy.url }, ca: [readFileSync(ca.caFile, "utf8")] });
    defer(() => trusted.close());
    const res = await trusted.get(new URL(`${target}/x`), {}, signal());
    expect(proxy.upstreamPorts.has(Number(await body(res)))).toBe(true);
    const untrusted = createTransport({ proxy: { ...NONE, https: proxy.url } });
    defer(() => untrusted.close());
    expect(await rejection(untrusted.get(new URL(`${target}/x`), {}, signal()))).toMatchObject({ code: expect.stringMatching(/CERT|SIGNED|VERIFY/) });
  });

  it("a refused tunnel says what the proxy answered", async () => {
    const proxy = await connectProxy("fleet:pr0xy");
    const target = await listen(http.createServer(answerPort), "http");
    const t = createTransport({ proxy: { ...NONE, http: proxy.url.replace("//", "//fleet:wrong@") } });
    defer(() => t.close());
    const e = await rejection(t.get(new URL(`${target}/x`), {}, signal()));
    expect(e.message).toContain("Proxy response (407)");
  });

  it("NO_PROXY sends a request direct although a proxy is set", async () => {
    const proxy = await connectProxy();
    const target = await listen(http.createServer(answerPort), "http");
    const t = createTransport({ proxy: { ...NONE, http: proxy.url, noProxy: "127.0.0.1" } });
    defer(() => t.close());
    await body(await t.get(new URL(`${target}/x`), {}, signal()));
    expect(proxy.connects).toEqual([]);
  });
});
