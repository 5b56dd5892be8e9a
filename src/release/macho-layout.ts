// The header and load commands of a thin 64-bit Mach-O, as far as the ad-hoc signer (macho-sign.ts)
// and the build's check of a Node binary (sea.ts) need them. Layout: <mach-o/loader.h>; both Mac CPUs
// are little-endian, so is every field here.
const MH_MAGIC_64 = 0xfeedfacf;
// Universal files start with these, read big-endian: FAT_MAGIC, FAT_MAGIC_64 (and their byte swaps).
const FAT_MAGICS = [0xcafebabe, 0xcafebabf, 0xbebafeca, 0xbfbafeca];
const LC_SEGMENT_64 = 0x19;
export const LC_CODE_SIGNATURE = 0x1d;
/** sizeof(struct mach_header_64): load commands start here. */
export const HEADER_SIZE = 32;

/** CPU types of the two Mac targets (CPU_TYPE_X86_64, CPU_TYPE_ARM64). */
export const CPU_X86_64 = 0x01000007;
export const CPU_ARM64 = 0x0100000c;

/** A segment's load command: where it is and the fields the signer reads or grows. */
export interface Segment {
  name: string;
  at: number;
  vmsize: bigint;
  fileoff: bigint;
  filesize: bigint;
}

/** What the signer needs from a thin Mach-O's header and load commands. */
export interface MachOLayout {
  cputype: number;
  ncmds: number;
  sizeofcmds: number;
  segments: Segment[];
  /** The load command LC_CODE_SIGNATURE, if the file has one. */
  signature: { at: number; dataoff: number; datasize: number } | undefined;
  /** The first file offset after the load commands that holds content (section or segment data). */
  firstContent: number;
}

/** Reads a thin 64-bit Mach-O's layout; throws, naming `what`, on a universal file or anything else. */
export function readLayout(file: Buffer, what: string): MachOLayout {
  if (file.length < HEADER_SIZE) throw new Error(`${what} is ${file.length} bytes, too short for a Mach-O header`);
  const be = file.readUInt32BE(0);
  if (FAT_MAGICS.includes(be)) throw new Error(`${what} is a universal (fat) Mach-O; only thin files are signed (the npm packages hold thin ones)`);
  if (file.readUInt32LE(0) !== MH_MAGIC_64) throw new Error(`${what} is not a 64-bit little-endian Mach-O (magic 0x${be.toString(16)})`);
  const ncmds = file.readUInt32LE(16);
  const sizeofcmds = file.readUInt32LE(20);
  if (HEADER_SIZE + sizeofcmds > file.length) throw new Error(`${what}: load commands (${sizeofcmds} bytes) run past the file`);
  const segments: Segment[] = [];
  let signature: MachOLayout["signature"];
  let firstContent = file.length;
  for (let i = 0, at = HEADER_SIZE; i < ncmds; i++) {
    const cmd = file.readUInt32LE(at);
    const size = file.readUInt32LE(at + 4);
    if (size < 8 || at + size > HEADER_SIZE + sizeofcmds) throw new Error(`${what}: load command ${i} at offset ${at} runs past sizeofcmds`);
    if (cmd === LC_SEGMENT_64) {
      const seg = readSegment(file, at);
      segments.push(seg);
      // __TEXT starts at 0 (it maps the header); any other segment's data, and every section, is content.
      if (seg.filesize > 0n && seg.fileoff > 0n) firstContent = Math.min(firstContent, Number(seg.fileoff));
      firstContent = Math.min(firstContent, firstSection(file, at));
    } else if (cmd === LC_CODE_SIGNATURE) {
      signature = { at, dataoff: file.readUInt32LE(at + 8), datasize: file.readUInt32LE(at + 12) };
    }
    at += size;
  }
  return { cputype: file.readUInt32LE(4), ncmds, sizeofcmds, segments, signature, firstContent };
}

function readSegment(file: Buffer, at: number): Segment {
  const raw = file.subarray(at + 8, at + 24);
  const nul = raw.indexOf(0);
  return {
    name: raw.toString("latin1", 0, nul === -1 ? 16 : nul),
    at,
    vmsize: file.readBigUInt64LE(at + 32),
    fileoff: file.readBigUInt64LE(at + 40),
    filesize: file.readBigUInt64LE(at + 48),
  };
}

// The smallest file offset of a section with bytes in the file (zerofill sections have none).
function firstSection(file: Buffer, at: number): number {
  let first = Number.POSITIVE_INFINITY;
  const nsects = file.readUInt32LE(at + 64);
  for (let s = 0; s < nsects; s++) {
    const sect = at + 72 + s * 80;
    const offset = file.readUInt32LE(sect + 48);
    const type = file.readUInt32LE(sect + 64) & 0xff;
    if (offset > 0 && type !== 0x1 && type !== 0xc && type !== 0x12) first = Math.min(first, offset);
  }
  return first;
}
