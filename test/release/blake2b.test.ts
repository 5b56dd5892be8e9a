// Our BLAKE2b against the references: RFC 7693's own vector, node:crypto's blake2b512 (OpenSSL) over
// inputs around every block boundary, and published BLAKE2b-256 digests (the length minisign uses for
// a secret key's checksum; test/release/minisign-keys.test.ts checks that against minisign's files).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blake2b } from "../../src/release/blake2b.js";

// An input of n bytes that differs from every other length's (not only zero bytes).
const input = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n * 7 + 1) & 0xff));

describe("blake2b", () => {
  it('gives RFC 7693 Appendix A\'s BLAKE2b-512 of "abc"', () => {
    expect(blake2b(Buffer.from("abc"), 64).toString("hex")).toBe(
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    );
  });

  // [input, length in bytes, digest]: published BLAKE2b digests of other lengths.
  const vectors: [string, number, string][] = [
    ["", 32, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"],
    ["abc", 32, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"],
    ["", 64, "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"],
  ];
  for (const [text, length, hex] of vectors) {
    it(`gives BLAKE2b-${8 * length} of ${JSON.stringify(text)}`, () => {
      expect(blake2b(Buffer.from(text), length).toString("hex")).toBe(hex);
    });
  }

  it("equals node:crypto's blake2b512 for every input length from 0 to 300 bytes", () => {
    const differ: number[] = [];
    for (let n = 0; n <= 300; n++) {
      const data = input(n);
      if (!blake2b(data, 64).equals(createHash("blake2b512").update(data).digest())) differ.push(n);
    }
    expect(differ).toEqual([]);
  });

  // Exactly one and two blocks (no padding block after them), one byte either side, and a long input.
  for (const n of [127, 128, 129, 255, 256, 257, 100_000]) {
    it(`equals node:crypto's blake2b512 for ${n} bytes`, () => {
      const data = input(n);
      expect(blake2b(data, 64).toString("hex")).toBe(createHash("blake2b512").update(data).digest("hex"));
    });
  }

  it("reads a view at its own offset (a subarray of a larger buffer)", () => {
    const whole = input(400);
    const part = whole.subarray(37, 37 + 200);
    expect(blake2b(part, 64).equals(createHash("blake2b512").update(Buffer.from(part)).digest())).toBe(true);
  });

  it("hashes the length in: a shorter digest is not a prefix of a longer one", () => {
    const data = input(50);
    expect(blake2b(data, 32).equals(blake2b(data, 64).subarray(0, 32))).toBe(false);
    for (const length of [1, 16, 20, 32, 48, 63, 64]) expect(blake2b(data, length)).toHaveLength(length);
  });

  for (const length of [0, 65, 1.5, Number.NaN]) {
    it(`refuses a digest length of ${length}`, () => {
      expect(() => blake2b(input(3), length)).toThrow(/from 1 to 64/);
    });
  }
});
