import { describe, expect, it } from "vitest";
import { checksumFromText, checksumLine, checksumSourcesFor, parseDigest, sha256Hex } from "../../src/core/checksum.js";
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

describe("checksumSourcesFor (every published SHA-256)", () => {
  const asset = (name: string, digest?: string) => ({ name, downloadUrl: `https://d/${name}`, ...(digest ? { digest } : {}) });
  const release = (...assets: ReturnType<typeof asset>[]): Release => ({ tag: "v1", version: "1.0.0", name: null, prerelease: false, draft: false, assets });
  it("GitHub's digest first (no request), then <asset>.sha256, then sha256.sum: all of them", () => {
    const all = checksumSourcesFor(release(asset("i.sh", `sha256:${H}`), asset("i.sh.sha256"), asset("sha256.sum")), "i.sh");
    expect(all.map((s) => s.kind)).toEqual(["digest", "file", "sum"]);
    expect(all[0]).toEqual({ kind: "digest", expected: H });
  });
  it("only what is published", () => {
    expect(checksumSourcesFor(release(asset("i.sh"), asset("sha256.sum")), "i.sh").map((s) => s.kind)).toEqual(["sum"]);
    expect(checksumSourcesFor(release(asset("i.sh")), "i.sh")).toEqual([]);
  });
});

describe("checksumFromText", () => {
  // [label, text, file name, single-file?, expected]
  const found = (hex: string) => ({ kind: "found", hex });
  const cases: [string, string, string, boolean, unknown][] = [
    ["cargo-dist .sha256 (binary marker, blank line)", `${H} *app-installer.sh\n\n`, "app-installer.sh", true, found(H)],
    ["sha256sum text mode", `${H}  app-installer.sh\n`, "app-installer.sh", true, found(H)],
    ["bare hex", `${H}\n`, "app-installer.sh", true, found(H)],
    ["single entry naming another file", `${H} *other\n`, "app-installer.sh", true, found(H)],
    ["sha256.sum picks the named line", `${G} *app.tar.xz\n${H} *app-installer.sh\n`, "app-installer.sh", false, found(H)],
    ["sha256.sum without the file: not a source for it", `${G} *app.tar.xz\n`, "app-installer.sh", false, { kind: "absent" }],
    ["./ prefix and CRLF", `${H} *./app-installer.sh\r\n`, "app-installer.sh", false, found(H)],
    ["garbage: not a checksum file", "not a checksum", "app-installer.sh", true, { kind: "not-checksums" }],
    ["an HTML page: not a checksum file", "<!DOCTYPE html><html><body>Not Found</body></html>\n", "app-installer.sh", false, { kind: "not-checksums" }],
  ];
  for (const [label, text, name, single, want] of cases) it(label, () => expect(checksumFromText(text, name, single)).toEqual(want));
});

describe("writing checksum files (the release tooling's side)", () => {
  it("sha256Hex is lower-case hex", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(Buffer.from("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
  it("checksumLine writes what checksumFromText reads, as a .sha256 and in a sha256.sum", () => {
    expect(checksumLine(H, "app-installer.sh")).toBe(`${H} *app-installer.sh`);
    expect(checksumFromText(`${checksumLine(H, "app-installer.sh")}\n`, "app-installer.sh", true)).toEqual({ kind: "found", hex: H });
    const sum = `${[checksumLine(G, "app.tar.xz"), checksumLine(H, "app-installer.sh")].join("\n")}\n`;
    expect(checksumFromText(sum, "app-installer.sh", false)).toEqual({ kind: "found", hex: H });
  });
});
