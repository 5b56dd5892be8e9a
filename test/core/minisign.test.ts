// minisign's formats: keys and signatures made by test/helpers/minisign.ts (node:crypto, not our
// signer) and by minisign 0.11 itself (the fixed files below), parsed and verified, and every way a
// signature file or key can be wrong, damaged or someone else's.
import { describe, expect, it } from "vitest";
import {
  commentFields,
  keyIdOf,
  makePublicKey,
  parsePublicKey,
  parsePublicKeys,
  parseSignature,
  publicKeyText,
  type PublicKey,
  type Signature,
  verifySignature,
} from "../../src/core/minisign.js";
import { testKeyPair } from "../helpers/minisign.js";

const A = testKeyPair();
const B = testKeyPair();
const DATA = Buffer.from("0123abcd  axolotlsay-installer.sh\n");
const COMMENT = "version:1.2.3 file:sha256.sum";

// The value of a parse that must succeed (the problem as the failure message otherwise).
function value<T>(parsed: { ok: true; value: T } | { ok: false; problem: string }): T {
  if (!parsed.ok) throw new Error(`expected a value, got the problem: ${parsed.problem}`);
  return parsed.value;
}
const keyOf = (pair: typeof A): PublicKey => value(parsePublicKey(pair.publicKeyLine));
const sigOf = (text: string): Signature => value(parseSignature(text));
const problemOf = (parsed: { ok: boolean; problem?: string }): string | undefined => (parsed.ok ? undefined : parsed.problem);

// Line i (0-based) of a signature file replaced.
const withLine = (text: string, i: number, line: string): string => text.split("\n").with(i, line).join("\n");
// A base64 line with one bit of byte `at` flipped.
const flip = (line: string, at: number): string => {
  const bytes = Buffer.from(line, "base64");
  bytes[at] = (bytes[at] ?? 0) ^ 1;
  return bytes.toString("base64");
};
const b64 = (...parts: (string | Buffer)[]): string =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p))).toString("base64");

// Made by `minisign -G -W` and `minisign -S` (and `-S -l`, the legacy form) from Debian's minisign 0.11.
const REAL = {
  pub: "untrusted comment: minisign public key 9784259617453CF5\nRWT1PEUXliWElwCEZ6GjoFj9qDXgG1a6Zp1WTdVReO6JgldKBomjJZPl\n",
  data: Buffer.from("hello\n"),
  hashed: [
    "untrusted comment: signature from minisign secret key",
    "RUT1PEUXliWElxM2XR7QRBwQl3emhc5swwOsY/cz97VkLm2A2SbED727NMqGDBm8LA9bBzDdAMUjAOD93spvRGfM4pxVts3y2QI=",
    "trusted comment: timestamp:1796202216\tfile:f\thashed",
    "9tHV+LyoHu3aho5AAQuDx8hCVEFVehF9B8dc5tGtC3g3oY7vsWyrDVHp7DMV/f2+fBBuzT1nzVBCoUCzAusMCg==",
    "",
  ].join("\n"),
  legacy: [
    "untrusted comment: signature from minisign secret key",
    "RWT1PEUXliWEl9jB31YOxNyy4JET3hkwXuzJ6tvKUaQnzYwGKosOZjvtXrcIUeDL5nPxUAZ70oQam6a40SZMsimcefy2bNkkMA4=",
    "trusted comment: timestamp:1796202216\tfile:f",
    "V1+ByB0hTB76vtEF/fsCTKlcm1L/7dS1BaHU1U3CnhY/Zmg4M/G1y7Gwf596wI7qndSn9HZOVjrAyfmweGDQAA==",
    "",
  ].join("\n"),
};

describe("parsePublicKey", () => {
  it("reads the key id, key number and key of a .pub line", () => {
    const key = keyOf(A);
    expect(key.id).toBe(A.keyId);
    expect(key.id).toMatch(/^[1-9A-F][0-9A-F]{0,15}$/);
    expect(key.keyNum.equals(A.keyNum)).toBe(true);
    expect(key.key).toHaveLength(32);
    expect(key.line).toBe(A.publicKeyLine);
  });

  it("gives the key id minisign printed for its own key", () => {
    expect(value(parsePublicKey("RWT1PEUXliWElwCEZ6GjoFj9qDXgG1a6Zp1WTdVReO6JgldKBomjJZPl")).id).toBe("9784259617453CF5");
    expect(keyIdOf(Buffer.from("f53c451796258497", "hex"))).toBe("9784259617453CF5");
  });

  it("prints a key id without leading zeros, as minisign's .pub files do (Debian minisign 0.11 wrote 4AF8C4479163E42)", () => {
    expect(keyIdOf(Buffer.from("423e1679448caf04", "hex"))).toBe("4AF8C4479163E42");
    expect(value(parsePublicKey("RWRCPhZ5RIyvBGk0Kw5lLYCj488vwqi1cwGN49TzrX5ckYLXvoqGLCrf")).id).toBe("4AF8C4479163E42");
    expect(keyIdOf(Buffer.alloc(8))).toBe("0");
  });

  it("ignores surrounding whitespace", () => {
    expect(value(parsePublicKey(` \t${A.publicKeyLine}\r\n`)).id).toBe(A.keyId);
  });

  const line = A.publicKeyLine;
  // [what, the line, the problem]
  const bad: [string, string, string][] = [
    ["an empty line", "", "is not base64"],
    ["garbage", "not a key!", "is not base64"],
    ["a truncated line", line.slice(0, -1), "is not base64"],
    ["a line cut at a 4-character boundary", line.slice(0, -4), "is 39 bytes, not 42"],
    ["a space inside", `${line.slice(0, 20)} ${line.slice(20)}`, "is not base64"],
    ["base64url instead of base64", b64("Ed", Buffer.alloc(40, 0xfb)).replaceAll("+", "-").replaceAll("/", "_"), "is not base64"],
    ["non-zero padding bits", `${b64("Ed", Buffer.alloc(39)).slice(0, -2)}R=`, "is not base64"],
    ["40 bytes", b64("Ed", Buffer.alloc(38)), "is 40 bytes, not 42"],
    ["a signature line", REAL.hashed.split("\n")[1] ?? "", "is 74 bytes, not 42"],
    ["the algorithm of a signature", b64("ED", Buffer.alloc(40)), 'uses the algorithm "ED", not "Ed"'],
    ["an unknown algorithm", b64("Xy", Buffer.alloc(40)), 'uses the algorithm "Xy", not "Ed"'],
    ["unprintable algorithm bytes", b64(Buffer.from([0, 1]), Buffer.alloc(40)), 'uses the algorithm 0x0001, not "Ed"'],
  ];
  for (const [what, text, problem] of bad) {
    it(`refuses ${what}: ${problem}`, () => {
      expect(problemOf(parsePublicKey(text))).toBe(problem);
    });
  }
});

describe("parsePublicKeys", () => {
  it("reads a .pub file as minisign writes it, LF or CRLF", () => {
    for (const text of [A.publicKeyFile, A.publicKeyFile.replaceAll("\n", "\r\n"), REAL.pub]) {
      expect(value(parsePublicKeys(text))).toHaveLength(1);
    }
    expect(value(parsePublicKeys(REAL.pub))[0]?.id).toBe("9784259617453CF5");
  });

  it("reads a list split by commas, spaces and lines, in order, the same key once", () => {
    const C = testKeyPair();
    const text = `${A.publicKeyLine}, ${B.publicKeyLine}\n\n${B.publicKeyFile}${C.publicKeyLine},,${A.publicKeyLine}\t`;
    expect(value(parsePublicKeys(text)).map((k) => k.id)).toEqual([A.keyId, B.keyId, C.keyId]);
  });

  it("keeps two different keys that claim one key id", () => {
    const twin = makePublicKey(A.keyNum, keyOf(B).key);
    expect(value(parsePublicKeys(`${A.publicKeyLine} ${twin.line}`)).map((k) => k.id)).toEqual([A.keyId, A.keyId]);
  });

  // [what, the text, the problem]
  const bad: [string, string, string][] = [
    ["an empty text", "", "holds no public key"],
    ["blank lines and a comment only", "untrusted comment: minisign public key 0\n \n\r\n", "holds no public key"],
    ["one bad key among good ones", `${A.publicKeyLine},abc`, 'has "abc", which is not base64'],
    ["a comment without its prefix", `minisign public key ${A.keyId}\n${A.publicKeyLine}\n`, 'has "minisign", which is 6 bytes, not 42'],
    ["a secret key file", A.secretKeyFile, "which is 158 bytes, not 42"],
  ];
  for (const [what, text, problem] of bad) {
    it(`refuses ${what}`, () => {
      expect(problemOf(parsePublicKeys(text))).toContain(problem);
    });
  }

  it("quotes a long bad part shortened", () => {
    expect(problemOf(parsePublicKeys("x!".repeat(250)))).toBe(`has "${"x!".repeat(28)}x...", which is not base64`);
  });
});

describe("parseSignature", () => {
  it("reads the four lines of a .minisig", () => {
    const sig = sigOf(A.sign(DATA, COMMENT));
    expect(sig.algorithm).toBe("ED");
    expect(sig.keyId).toBe(A.keyId);
    expect(sig.keyNum.equals(A.keyNum)).toBe(true);
    expect(sig.signature).toHaveLength(64);
    expect(sig.globalSignature).toHaveLength(64);
    expect(sig.trustedComment).toBe(COMMENT);
    expect(sig.untrustedComment).toBe("signature from a test key");
    expect(sigOf(A.sign(DATA, COMMENT, { legacy: true })).algorithm).toBe("Ed");
  });

  it("reads minisign's own files, the comment's tabs kept", () => {
    expect(sigOf(REAL.hashed).trustedComment).toBe("timestamp:1796202216\tfile:f\thashed");
    expect(sigOf(REAL.legacy).algorithm).toBe("Ed");
  });

  it("takes a file without its last newline, or with CRLF line ends (the comment without the CR)", () => {
    const text = A.sign(DATA, COMMENT);
    expect(sigOf(text.slice(0, -1)).trustedComment).toBe(COMMENT);
    expect(sigOf(text.replaceAll("\n", "\r\n")).trustedComment).toBe(COMMENT);
  });

  it("keeps a trusted comment's own spaces (they are signed)", () => {
    expect(sigOf(A.sign(DATA, ` ${COMMENT}  `)).trustedComment).toBe(` ${COMMENT}  `);
    expect(sigOf(A.sign(DATA, "")).trustedComment).toBe("");
  });

  const good = A.sign(DATA, COMMENT);
  const sigLine = good.split("\n")[1] ?? "";
  const raw = Buffer.from(sigLine, "base64");
  // [what, the text, what the problem says]
  const bad: [string, string, string][] = [
    ["an empty file", "", "is empty"],
    ["one line", "untrusted comment: x", "has 1 line, not the 4"],
    ["a newline only", "\n", "has 1 line, not the 4"],
    ["three lines", good.split("\n").slice(0, 3).join("\n"), "has 3 lines, not the 4"],
    ["a fifth line", `${good}extra\n`, "has 5 lines, not the 4"],
    ["a blank line at the end", `${good}\n`, "has 5 lines, not the 4"],
    ["line 1 without its prefix", withLine(good, 0, "signature from a test key"), 'does not start with "untrusted comment: " (line 1)'],
    ["line 1 with another case", withLine(good, 0, "Untrusted comment: x"), "(line 1)"],
    ["line 3 without its prefix", withLine(good, 2, COMMENT), 'has no "trusted comment: " at the start of line 3'],
    ["lines 3 and 1 swapped", withLine(withLine(good, 0, `trusted comment: ${COMMENT}`), 2, "untrusted comment: x"), "(line 1)"],
    ["a signature that is not base64", withLine(good, 1, "%%%"), "has a signature (line 2) that is not base64"],
    ["a truncated signature", withLine(good, 1, sigLine.slice(0, -3)), "has a signature (line 2) that is not base64"],
    ["a signature with trailing spaces", withLine(good, 1, `${sigLine} `), "has a signature (line 2) that is not base64"],
    ["a signature cut short", withLine(good, 1, raw.subarray(0, 72).toString("base64")), "has a signature (line 2) that is 72 bytes, not 74"],
    ["a public key instead", withLine(good, 1, A.publicKeyLine), "has a signature (line 2) that is 42 bytes, not 74"],
    ["an unknown algorithm", withLine(good, 1, b64("Xy", raw.subarray(2))), 'uses the algorithm "Xy", not "ED" (or the legacy "Ed")'],
    ["a global signature that is not base64", withLine(good, 3, "!!"), "has a comment signature (line 4) that is not base64"],
    ["a global signature of 63 bytes", withLine(good, 3, Buffer.alloc(63).toString("base64")), "has a comment signature (line 4) that is 63 bytes, not 64"],
    ["an oversized file", good + " ".repeat(16 * 1024), "more than a signature file has (16 KiB)"],
    ["a trusted comment over 8 KiB", withLine(good, 2, `trusted comment: ${"v".repeat(8193)}`), "trusted comment of 8193 bytes, more than minisign allows"],
  ];
  for (const [what, text, problem] of bad) {
    it(`refuses ${what}`, () => {
      expect(problemOf(parseSignature(text))).toContain(problem);
    });
  }

  it("takes a trusted comment of exactly 8 KiB", () => {
    expect(sigOf(withLine(good, 2, `trusted comment: ${"v".repeat(8192)}`)).trustedComment).toHaveLength(8192);
  });
});

describe("verifySignature", () => {
  const key = keyOf(A);
  const good = A.sign(DATA, COMMENT);
  const lineOf = (i: number): string => good.split("\n")[i] ?? "";
  const tamperComment = (text: string) => withLine(text, 2, "trusted comment: version:9.9.9 file:sha256.sum");
  // [what, the .minisig text, the key, the data, options, the verdict]
  const cases: [string, string, PublicKey, Buffer, { allowLegacy?: boolean }, string][] = [
    ["a good prehashed ED signature", A.sign(DATA, COMMENT), key, DATA, {}, "ok"],
    ["a good signature of empty data", A.sign(Buffer.alloc(0), COMMENT), key, Buffer.alloc(0), {}, "ok"],
    ["a good legacy Ed signature, not allowed", A.sign(DATA, COMMENT, { legacy: true }), key, DATA, {}, "legacy"],
    ["a good legacy Ed signature, allowed", A.sign(DATA, COMMENT, { legacy: true }), key, DATA, { allowLegacy: true }, "ok"],
    ["a signature by another key", B.sign(DATA, COMMENT), key, DATA, {}, "other-key"],
    ["a legacy signature by another key (the key id comes first)", B.sign(DATA, COMMENT, { legacy: true }), key, DATA, {}, "other-key"],
    ["another key claiming this key's id", B.sign(DATA, COMMENT, { keyNum: A.keyNum }), key, DATA, {}, "bad-signature"],
    ["tampered data", A.sign(DATA, COMMENT), key, Buffer.from(DATA.toString().replace("0123", "4567")), {}, "bad-signature"],
    ["data with one byte more", A.sign(DATA, COMMENT), key, Buffer.concat([DATA, Buffer.from("\n")]), {}, "bad-signature"],
    ["tampered data, legacy allowed", A.sign(DATA, COMMENT, { legacy: true }), key, Buffer.from("other"), { allowLegacy: true }, "bad-signature"],
    ["a tampered trusted comment", tamperComment(A.sign(DATA, COMMENT)), key, DATA, {}, "bad-comment"],
    ["a trusted comment with a space added", withLine(A.sign(DATA, COMMENT), 2, `trusted comment: ${COMMENT} `), key, DATA, {}, "bad-comment"],
    ["a tampered signature byte", withLine(good, 1, flip(lineOf(1), 40)), key, DATA, {}, "bad-signature"],
    ["a tampered comment signature byte", withLine(good, 3, flip(lineOf(3), 5)), key, DATA, {}, "bad-comment"],
    ["an ED signature relabelled legacy", relabel(A.sign(DATA, COMMENT), "Ed"), key, DATA, { allowLegacy: true }, "bad-signature"],
    ["a legacy signature relabelled ED", relabel(A.sign(DATA, COMMENT, { legacy: true }), "ED"), key, DATA, {}, "bad-signature"],
    ["another signature's comment signature (line 4)", spliceGlobal(A.sign(Buffer.from("x"), COMMENT), A.sign(DATA, COMMENT)), key, DATA, {}, "bad-comment"],
    ["a CRLF file", A.sign(DATA, COMMENT).replaceAll("\n", "\r\n"), key, DATA, {}, "ok"],
    ["minisign's own ED signature", REAL.hashed, value(parsePublicKey(REAL.pub.split("\n")[1] ?? "")), REAL.data, {}, "ok"],
    ["minisign's own legacy signature, allowed", REAL.legacy, value(parsePublicKey(REAL.pub.split("\n")[1] ?? "")), REAL.data, { allowLegacy: true }, "ok"],
    ["minisign's own ED signature over other data", REAL.hashed, value(parsePublicKey(REAL.pub.split("\n")[1] ?? "")), DATA, {}, "bad-signature"],
  ];
  for (const [what, text, k, data, options, verdict] of cases) {
    it(`${what} → ${verdict}`, () => {
      const result = verifySignature(sigOf(text), k, data, options);
      expect(result.ok ? "ok" : result.reason).toBe(verdict);
    });
  }

  it("refuses a key whose bytes are no Ed25519 point without throwing", () => {
    const broken = makePublicKey(A.keyNum, Buffer.alloc(32, 0xff));
    expect(verifySignature(sigOf(A.sign(DATA, COMMENT)), broken, DATA)).toEqual({ ok: false, reason: "bad-signature" });
  });
});

// The signature file with its algorithm bytes replaced.
function relabel(text: string, algorithm: string): string {
  const line = Buffer.from(text.split("\n")[1] ?? "", "base64");
  return withLine(text, 1, b64(algorithm, line.subarray(2)));
}

// `into` with the comment signature (line 4) of `from`: it covers another signature than `into`'s.
function spliceGlobal(from: string, into: string): string {
  return withLine(into, 3, from.split("\n")[3] ?? "");
}

describe("commentFields", () => {
  // [trusted comment, fields]
  const cases: [string, Record<string, string[]>][] = [
    ["version:1.2.3 file:sha256.sum", { version: ["1.2.3"], file: ["sha256.sum"] }],
    ["timestamp:1796202216\tfile:f\thashed", { timestamp: ["1796202216"], file: ["f"] }],
    ["  version:1.2.3\t\tfile:a  ", { version: ["1.2.3"], file: ["a"] }],
    ["version:1.0.0 version:2.0.0", { version: ["1.0.0", "2.0.0"] }],
    ["url:https://example.com:8443/x", { url: ["https://example.com:8443/x"] }],
    ["version: 1.2.3", { version: [""] }],
    [":orphan plain words here", {}],
    ["", {}],
    ["Version:1 version:2", { Version: ["1"], version: ["2"] }],
  ];
  for (const [comment, fields] of cases) {
    it(JSON.stringify(comment), () => {
      expect(Object.fromEntries(commentFields(comment))).toEqual(fields);
    });
  }
});

describe("publicKeyText", () => {
  it("writes the .pub file minisign writes, which parses back to the key", () => {
    expect(publicKeyText(keyOf(A))).toBe(A.publicKeyFile);
    expect(publicKeyText(value(parsePublicKeys(REAL.pub))[0] ?? keyOf(A))).toBe(REAL.pub);
    expect(value(parsePublicKeys(publicKeyText(keyOf(B))))).toEqual([keyOf(B)]);
  });
});
