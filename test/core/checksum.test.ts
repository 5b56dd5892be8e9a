import { describe, expect, it } from "vitest";
import { checksumFromText, checksumSourceFor, parseDigest } from "../../src/core/checksum.js";
import type { Release } from "../../src/types.js";

const H = "a".repeat(64);
const G = "b".repeat(64);

describe("parseDigest", () => {
  it("reads sha256 digests only", () => {
    expect(parseDigest(`sha256:${H.toUpperCase()}`)).toBe(H);
    expect(parseDigest("sha512:abcd")).toBeUndefined();
    expect(parseDigest(undefined)).toBeUndefined();
  });
});

describe("checksumSourceFor (cheapest first)", () => {
  const asset = (name: string, digest?: string) => ({ name, downloadUrl: `https://d/${name}`, ...(digest ? { digest } : {}) });
  const release = (...assets: ReturnType<typeof asset>[]): Release => ({ tag: "v1", version: "1.0.0", name: null, prerelease: false, draft: false, assets });
  it("GitHub's digest needs no request", () => {
    expect(checksumSourceFor(release(asset("i.sh", `sha256:${H}`), asset("i.sh.sha256")), "i.sh")).toEqual({ kind: "digest", expected: H });
  });
  it("then <asset>.sha256, then sha256.sum", () => {
    expect(checksumSourceFor(release(asset("i.sh"), asset("i.sh.sha256"), asset("sha256.sum")), "i.sh").kind).toBe("file");
    expect(checksumSourceFor(release(asset("i.sh"), asset("sha256.sum")), "i.sh").kind).toBe("sum");
    expect(checksumSourceFor(release(asset("i.sh")), "i.sh").kind).toBe("none");
  });
});

describe("checksumFromText", () => {
  // [label, text, file name, single-file?, expected]
  const cases: [string, string, string, boolean, string | undefined][] = [
    ["cargo-dist .sha256 (binary marker, blank line)", `${H} *app-installer.sh\n\n`, "app-installer.sh", true, H],
    ["sha256sum text mode", `${H}  app-installer.sh\n`, "app-installer.sh", true, H],
    ["bare hex", `${H}\n`, "app-installer.sh", true, H],
    ["single entry naming another file", `${H} *other\n`, "app-installer.sh", true, H],
    ["sha256.sum picks the named line", `${G} *app.tar.xz\n${H} *app-installer.sh\n`, "app-installer.sh", false, H],
    ["sha256.sum without the file", `${G} *app.tar.xz\n`, "app-installer.sh", false, undefined],
    ["./ prefix and CRLF", `${H} *./app-installer.sh\r\n`, "app-installer.sh", false, H],
    ["garbage", "not a checksum", "app-installer.sh", true, undefined],
  ];
  for (const [label, text, name, single, want] of cases) it(label, () => expect(checksumFromText(text, name, single)).toBe(want));
});
