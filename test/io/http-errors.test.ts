import { describe, expect, it } from "vitest";
import { UpdaterError } from "../../src/errors.js";
import { classify, interrupted, proxySecrets, refuse } from "../../src/io/http-errors.js";

const url = "https://api.example.com/repos/o/r?token=sekrit-token";

describe("classify: transport failures → codes with the host and the next step", () => {
  it("keeps an UpdaterError as it is", () => {
    const e = new UpdaterError("RATE_LIMITED", "x");
    expect(classify(e, url, 30_000, [])).toBe(e);
  });

  for (const code of ["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]) {
    it(`${code} → TIMEOUT`, () => {
      const e = classify(Object.assign(new Error("t"), { code }), url, 2500, []);
      expect(e.code).toBe("TIMEOUT");
      expect(e.message).toContain("No answer from api.example.com within 2.5 s");
      expect(e.hint).toMatch(/--timeout/);
    });
  }

  it("reads the code from the cause too", () => {
    expect(classify(new Error("fetch failed", { cause: Object.assign(new Error("c"), { code: "UND_ERR_CONNECT_TIMEOUT" }) }), url, 1000, []).code).toBe(
      "TIMEOUT",
    );
  });

  it("a proxy's refusal is NETWORK, final (not retried), naming its status", () => {
    const e = classify(new Error("Proxy response (407) !== 200 when HTTP Tunneling"), url, 1000, []);
    expect(e).toMatchObject({ code: "NETWORK", details: { proxyStatus: 407, final: true } });
    expect(e.hint).toMatch(/user and password/);
    expect(classify(new Error("Proxy response (502)"), url, 1000, []).hint).toMatch(/NO_PROXY/);
  });

  it("certificate problems are TLS", () => {
    expect(classify(Object.assign(new Error("x"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }), url, 1000, []).code).toBe("TLS");
    expect(classify(new Error("unable to verify the first certificate"), url, 1000, []).code).toBe("TLS");
  });

  it("anything else is NETWORK with the host, and no secret in it", () => {
    const e = classify(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), url, 1000, ["sekrit-token"]);
    expect(e.code).toBe("NETWORK");
    expect(e.message).toContain("Could not reach api.example.com: ECONNREFUSED");
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain("sekrit-token");
  });
});

describe("classify: a GitHub host that cannot be reached points at a mirror", () => {
  const refused = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  const rows: [url: string, names: boolean][] = [
    ["https://api.github.com/repos/o/r/releases/latest", true],
    ["https://github.com/o/r/releases/download/v1/a.sh", true],
    ["https://objects.githubusercontent.com/x", true],
    ["http://127.0.0.1:9/repos/o/r/releases?per_page=100", true],
    ["https://ghe.example/api/v3/repos/o/r/releases/latest", true],
    ["https://mirror.example/axolotlsay/releases.json", false],
    ["https://notgithub.com/o/r/releases", false],
  ];
  for (const [url, names] of rows) {
    it(`${url}: ${names ? "names" : "does not name"} --source / UPKEEP_SOURCE`, () => {
      const e = classify(refused(), url, 1000, []);
      expect(e.code).toBe("NETWORK");
      expect(e.hint).toMatch(/HTTPS_PROXY/);
      if (names) expect(e.hint).toContain("--source URL, or set <APP>_UPKEEP_SOURCE or UPKEEP_SOURCE");
      else expect(e.hint).not.toMatch(/--source|UPKEEP_SOURCE/);
    });
  }
});

describe("proxySecrets", () => {
  it("the passwords of both proxies, as written and decoded; nothing for other values", () => {
    expect(proxySecrets({ http: "http://u:p%40ss@proxy:3128", https: "http://v:other@proxy:3128", noProxy: "" })).toEqual(["p%40ss", "p@ss", "other", "other"]);
    expect(proxySecrets({ http: "", https: "not a url", noProxy: "" })).toEqual([]);
  });
});

describe("refuse and interrupted", () => {
  it("are final: never retried", () => {
    expect(refuse("file:///etc/passwd", "it uses the file: scheme")).toMatchObject({
      code: "DOWNLOAD_FAILED",
      details: { url: "file:///etc/passwd", final: true },
    });
    const e = interrupted(url, ["sekrit-token"]);
    expect(e).toMatchObject({ code: "INTERRUPTED", details: { final: true } });
    expect(e.message).not.toContain("sekrit-token");
  });
});
