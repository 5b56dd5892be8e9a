// BLAKE2b (RFC 7693), unkeyed, any digest length from 1 to 64 bytes. node:crypto only offers the
// 64-byte form (blake2b512), and a minisign secret key's checksum is BLAKE2b-256, which is not a
// prefix of BLAKE2b-512 (the length is hashed into the parameter block). Ours keeps the signing path
// free of dependencies; test/release/blake2b.test.ts holds it against RFC 7693's vector, node's
// blake2b512 and minisign's own key files. 64-bit words are kept as two 32-bit halves (lo, hi).

// The initialization vector: SHA-512's, as [lo, hi] pairs of each 64-bit word.
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a, 0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b,
  0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// The message schedule of each of the 12 rounds (rounds 10 and 11 repeat 0 and 1).
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

const BLOCK = 128;

// Word i of a state or block (noUncheckedIndexedAccess: every index here is in range).
const at = (v: ArrayLike<number>, i: number): number => v[i] ?? 0;

// v[a] += v[b] + m[x], 64-bit, modulo 2^64 (word indexes; the halves sit at 2i and 2i + 1).
function add(v: Uint32Array, a: number, b: number, m: Uint32Array, x: number): void {
  const lo = at(v, 2 * a) + at(v, 2 * b) + at(m, 2 * x);
  v[2 * a + 1] = at(v, 2 * a + 1) + at(v, 2 * b + 1) + at(m, 2 * x + 1) + Math.floor(lo / 0x100000000);
  v[2 * a] = lo;
}

// v[a] += v[b], 64-bit.
function addWord(v: Uint32Array, a: number, b: number): void {
  const lo = at(v, 2 * a) + at(v, 2 * b);
  v[2 * a + 1] = at(v, 2 * a + 1) + at(v, 2 * b + 1) + (lo >= 0x100000000 ? 1 : 0);
  v[2 * a] = lo;
}

// v[a] = (v[a] ^ v[b]) rotated right by n bits (0 < n < 64).
function xorRotate(v: Uint32Array, a: number, b: number, n: number): void {
  let lo = at(v, 2 * a) ^ at(v, 2 * b);
  let hi = at(v, 2 * a + 1) ^ at(v, 2 * b + 1);
  if (n >= 32) [lo, hi, n] = [hi, lo, n - 32];
  if (n > 0) [lo, hi] = [(lo >>> n) | (hi << (32 - n)), (hi >>> n) | (lo << (32 - n))];
  v[2 * a] = lo;
  v[2 * a + 1] = hi;
}

// The mixing function G over words a, b, c, d with message words x and y.
function mix(v: Uint32Array, m: Uint32Array, a: number, b: number, c: number, d: number, x: number, y: number): void {
  add(v, a, b, m, x);
  xorRotate(v, d, a, 32);
  addWord(v, c, d);
  xorRotate(v, b, c, 24);
  add(v, a, b, m, y);
  xorRotate(v, d, a, 16);
  addWord(v, c, d);
  xorRotate(v, b, c, 63);
}

// Compresses one 128-byte block into the state h; `count` is the number of bytes hashed so far.
function compress(h: Uint32Array, block: Uint8Array, count: number, last: boolean): void {
  const m = new Uint32Array(32);
  const view = new DataView(block.buffer, block.byteOffset, BLOCK);
  for (let i = 0; i < 32; i++) m[i] = view.getUint32(4 * i, true);
  const v = new Uint32Array(32);
  v.set(h);
  v.set(IV, 16);
  // The byte counter is 128 bits; counts stay below 2^53, so its high 64 bits stay zero.
  v[24] = at(v, 24) ^ count;
  v[25] = at(v, 25) ^ Math.floor(count / 0x100000000);
  if (last) {
    v[28] = ~at(v, 28);
    v[29] = ~at(v, 29);
  }
  for (const s of SIGMA) {
    mix(v, m, 0, 4, 8, 12, at(s, 0), at(s, 1));
    mix(v, m, 1, 5, 9, 13, at(s, 2), at(s, 3));
    mix(v, m, 2, 6, 10, 14, at(s, 4), at(s, 5));
    mix(v, m, 3, 7, 11, 15, at(s, 6), at(s, 7));
    mix(v, m, 0, 5, 10, 15, at(s, 8), at(s, 9));
    mix(v, m, 1, 6, 11, 12, at(s, 10), at(s, 11));
    mix(v, m, 2, 7, 8, 13, at(s, 12), at(s, 13));
    mix(v, m, 3, 4, 9, 14, at(s, 14), at(s, 15));
  }
  for (let i = 0; i < 16; i++) h[i] = at(h, i) ^ at(v, i) ^ at(v, i + 16);
}

/** The unkeyed BLAKE2b digest of `data`, `outLength` bytes long (1 to 64), as RFC 7693 defines it. */
export function blake2b(data: Uint8Array, outLength: number): Buffer {
  if (!Number.isInteger(outLength) || outLength < 1 || outLength > 64) {
    throw new RangeError(`blake2b: the digest length must be a whole number of bytes from 1 to 64, not ${outLength}`);
  }
  const h = new Uint32Array(IV);
  // The parameter block: digest length, no key, fanout 1, depth 1.
  h[0] = at(h, 0) ^ 0x01010000 ^ outLength;
  // Every block but the last is compressed as it is; the last (empty input: one zero block) is padded.
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK));
  for (let i = 0; i < blocks - 1; i++) compress(h, data.subarray(i * BLOCK, (i + 1) * BLOCK), (i + 1) * BLOCK, false);
  const last = new Uint8Array(BLOCK);
  last.set(data.subarray((blocks - 1) * BLOCK));
  compress(h, last, data.length, true);
  const out = Buffer.alloc(64);
  for (let i = 0; i < 16; i++) out.writeUInt32LE(at(h, i), 4 * i);
  return out.subarray(0, outLength);
}
