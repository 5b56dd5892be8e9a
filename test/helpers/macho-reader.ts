// An independent reader of thin 64-bit Mach-O files and their embedded code signatures, written from
// Apple's <mach-o/loader.h> and the kernel's cs_blobs.h. It imports nothing from src/ (above all not
// the signer), so a test that signs with src/release/macho-sign.ts and checks with this reader checks
// one reading of the format against another. Header and load commands are little-endian (arm64 and
// x86-64 Macs); every code-signing blob is big-endian. It also makes tiny synthetic Mach-O files, for
// the signer's edge cases.
import { createHash } from "node:crypto";

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const SUPERBLOB = 0xfade0cc0;
const CODEDIRECTORY = 0xfade0c02;
const REQUIREMENTS = 0xfade0c01;
const SLOT_CODEDIRECTORY = 0;
const SLOT_REQUIREMENTS = 2;
const SLOT_CMS = 0x10000;

/** One segment's load command, as it is in the file. */
export interface Segment {
  name: string;
  /** Where the load command starts in the file. */
  at: number;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: bigint;
  filesize: bigint;
  /** The smallest file offset of a section with content (bounds the free space after the load commands). */
  firstSectionOffset: number | undefined;
}

/** The header fields, segments and code-signature command of a thin 64-bit Mach-O. */
export interface MachO {
  cputype: number;
  cpusubtype: number;
  filetype: number;
  ncmds: number;
  sizeofcmds: number;
  segments: Segment[];
  codeSignature: { at: number; dataoff: number; datasize: number } | undefined;
}

/** Parses the header and load commands; throws on anything but a thin little-endian 64-bit Mach-O. */
export function readMachO(file: Buffer): MachO {
  if (file.length < 32 || file.readUInt32LE(0) !== MH_MAGIC_64) throw new Error(`not a 64-bit Mach-O (magic 0x${file.readUInt32BE(0).toString(16)})`);
  const ncmds = file.readUInt32LE(16);
  const sizeofcmds = file.readUInt32LE(20);
  const segments: Segment[] = [];
  let codeSignature: MachO["codeSignature"];
  let at = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = file.readUInt32LE(at);
    const cmdsize = file.readUInt32LE(at + 4);
    if (cmdsize < 8 || at + cmdsize > 32 + sizeofcmds) throw new Error(`load command ${i} at ${at} runs past sizeofcmds`);
    if (cmd === LC_SEGMENT_64) segments.push(segment(file, at));
    if (cmd === LC_CODE_SIGNATURE) codeSignature = { at, dataoff: file.readUInt32LE(at + 8), datasize: file.readUInt32LE(at + 12) };
    at += cmdsize;
  }
  return { cputype: file.readUInt32LE(4), cpusubtype: file.readUInt32LE(8), filetype: file.readUInt32LE(12), ncmds, sizeofcmds, segments, codeSignature };
}

function segment(file: Buffer, at: number): Segment {
  const nsects = file.readUInt32LE(at + 64);
  let firstSectionOffset: number | undefined;
  for (let s = 0; s < nsects; s++) {
    const sect = at + 72 + s * 80;
    const offset = file.readUInt32LE(sect + 48);
    const type = file.readUInt32LE(sect + 64) & 0xff;
    // zerofill sections (S_ZEROFILL 1, S_GB_ZEROFILL 0xc, S_THREAD_LOCAL_ZEROFILL 0x12) have no bytes in the file
    if (offset !== 0 && ![0x1, 0xc, 0x12].includes(type)) firstSectionOffset = Math.min(firstSectionOffset ?? offset, offset);
  }
  return {
    name: cString(file, at + 8, 16),
    at,
    vmaddr: file.readBigUInt64LE(at + 24),
    vmsize: file.readBigUInt64LE(at + 32),
    fileoff: file.readBigUInt64LE(at + 40),
    filesize: file.readBigUInt64LE(at + 48),
    firstSectionOffset,
  };
}

function cString(b: Buffer, at: number, max: number): string {
  const end = b.indexOf(0, at);
  return b.toString("latin1", at, end === -1 || end > at + max ? at + max : end);
}

/** One entry of the SuperBlob's index, with the blob it points at. */
export interface Blob {
  type: number;
  offset: number;
  magic: number;
  length: number;
  bytes: Buffer;
}

/** A CodeDirectory's fields (version 0x20400 layout; later fields are not read). */
export interface CodeDirectory {
  type: number;
  length: number;
  version: number;
  flags: number;
  hashOffset: number;
  identOffset: number;
  nSpecialSlots: number;
  nCodeSlots: number;
  codeLimit: number;
  hashSize: number;
  hashType: number;
  platform: number;
  pageSize: number;
  scatterOffset: number;
  teamOffset: number;
  codeLimit64: bigint;
  execSegBase: bigint;
  execSegLimit: bigint;
  execSegFlags: bigint;
  identifier: string;
  /** Code slots 0..nCodeSlots-1. */
  codeHashes: Buffer[];
  /** Special slot -n is `specialHashes[n - 1]`. */
  specialHashes: Buffer[];
}

/** The embedded signature: the SuperBlob's index and every CodeDirectory in it. */
export interface Signature {
  magic: number;
  length: number;
  blobs: Blob[];
  codeDirectories: CodeDirectory[];
}

/** Reads the SuperBlob LC_CODE_SIGNATURE points at; throws when there is none or it is malformed. */
export function readSignature(file: Buffer, macho: MachO = readMachO(file)): Signature {
  const cs = macho.codeSignature;
  if (!cs) throw new Error("no LC_CODE_SIGNATURE");
  if (cs.dataoff + cs.datasize > file.length) throw new Error(`LC_CODE_SIGNATURE ${cs.dataoff}+${cs.datasize} runs past the file (${file.length} bytes)`);
  const sig = file.subarray(cs.dataoff, cs.dataoff + cs.datasize);
  const magic = sig.readUInt32BE(0);
  const length = sig.readUInt32BE(4);
  if (magic !== SUPERBLOB) throw new Error(`signature magic 0x${magic.toString(16)}, not a SuperBlob`);
  if (length > cs.datasize) throw new Error(`SuperBlob length ${length} exceeds datasize ${cs.datasize}`);
  const count = sig.readUInt32BE(8);
  const blobs: Blob[] = [];
  for (let i = 0; i < count; i++) {
    const type = sig.readUInt32BE(12 + i * 8);
    const offset = sig.readUInt32BE(16 + i * 8);
    const blobLength = sig.readUInt32BE(offset + 4);
    if (offset + blobLength > length) throw new Error(`blob ${i} (type 0x${type.toString(16)}) runs past the SuperBlob`);
    blobs.push({ type, offset, magic: sig.readUInt32BE(offset), length: blobLength, bytes: sig.subarray(offset, offset + blobLength) });
  }
  const codeDirectories = blobs.filter((b) => b.magic === CODEDIRECTORY).map((b) => codeDirectory(b));
  return { magic, length, blobs, codeDirectories };
}

function codeDirectory(blob: Blob): CodeDirectory {
  const b = blob.bytes;
  const version = b.readUInt32BE(8);
  const hashOffset = b.readUInt32BE(16);
  const nSpecialSlots = b.readUInt32BE(24);
  const nCodeSlots = b.readUInt32BE(28);
  const hashSize = b[36]!;
  const since = (v: number, read: () => bigint | number, none: bigint | number) => (version >= v ? read() : none);
  return {
    type: blob.type,
    length: b.readUInt32BE(4),
    version,
    flags: b.readUInt32BE(12),
    hashOffset,
    identOffset: b.readUInt32BE(20),
    nSpecialSlots,
    nCodeSlots,
    codeLimit: b.readUInt32BE(32),
    hashSize,
    hashType: b[37]!,
    platform: b[38]!,
    pageSize: b[39]!,
    scatterOffset: since(0x20100, () => b.readUInt32BE(44), 0) as number,
    teamOffset: since(0x20200, () => b.readUInt32BE(48), 0) as number,
    codeLimit64: since(0x20300, () => b.readBigUInt64BE(56), 0n) as bigint,
    execSegBase: since(0x20400, () => b.readBigUInt64BE(64), 0n) as bigint,
    execSegLimit: since(0x20400, () => b.readBigUInt64BE(72), 0n) as bigint,
    execSegFlags: since(0x20400, () => b.readBigUInt64BE(80), 0n) as bigint,
    identifier: cString(b, b.readUInt32BE(20), b.length),
    codeHashes: Array.from({ length: nCodeSlots }, (_, i) => b.subarray(hashOffset + i * hashSize, hashOffset + (i + 1) * hashSize)),
    specialHashes: Array.from({ length: nSpecialSlots }, (_, i) => b.subarray(hashOffset - (i + 1) * hashSize, hashOffset - i * hashSize)),
  };
}

/** The SHA-256 CodeDirectory (hashType 2): the one macOS on arm64 checks. */
export function sha256CodeDirectory(sig: Signature): CodeDirectory {
  const cd = sig.codeDirectories.find((c) => c.hashType === 2);
  if (!cd) throw new Error(`no SHA-256 CodeDirectory (hash types: ${sig.codeDirectories.map((c) => c.hashType).join(", ") || "none"})`);
  return cd;
}

/** The pages whose hash in `cd` is not the SHA-256 of the file's bytes (0-based page numbers). */
export function badPages(file: Buffer, cd: CodeDirectory): number[] {
  const page = 2 ** cd.pageSize;
  const bad: number[] = [];
  for (let i = 0; i < cd.nCodeSlots; i++) {
    const bytes = file.subarray(i * page, Math.min((i + 1) * page, cd.codeLimit));
    if (!createHash("sha256").update(bytes).digest().equals(cd.codeHashes[i]!)) bad.push(i);
  }
  return bad;
}

/**
 * Everything wrong with `file` as an ad-hoc signed executable with identifier `identifier`, as this
 * project signs them; [] when nothing is. Each problem is one line naming the field or page.
 */
export function adhocProblems(file: Buffer, identifier: string): string[] {
  const problems: string[] = [];
  const macho = readMachO(file);
  const cs = macho.codeSignature;
  if (!cs) return ["no LC_CODE_SIGNATURE"];
  if (cs.dataoff % 16 !== 0) problems.push(`signature offset ${cs.dataoff} is not 16-byte aligned`);
  problems.push(...linkeditProblems(file, macho, cs));
  let sig: Signature;
  try {
    sig = readSignature(file, macho);
  } catch (error) {
    return [...problems, (error as Error).message];
  }
  const types = sig.blobs.map((b) => b.type);
  if (types.includes(SLOT_CMS)) problems.push("a CMS blob (slot 0x10000) is present");
  if (types.join() !== [SLOT_CODEDIRECTORY, SLOT_REQUIREMENTS].join())
    problems.push(`blob slots ${types.map((t) => `0x${t.toString(16)}`).join(", ")}, expected 0x0, 0x2`);
  const cd = sig.blobs[0]?.magic === CODEDIRECTORY ? sig.codeDirectories[0]! : undefined;
  if (!cd) return [...problems, "slot 0 is not a CodeDirectory"];
  const requirements = sig.blobs.find((b) => b.type === SLOT_REQUIREMENTS);
  if (!requirements || requirements.magic !== REQUIREMENTS || requirements.length !== 12 || requirements.bytes.readUInt32BE(8) !== 0) {
    problems.push("the requirements blob is not an empty requirements set");
  }
  problems.push(...codeDirectoryProblems(macho, cd, identifier, cs.dataoff));
  if (requirements && cd.nSpecialSlots >= 2 && !createHash("sha256").update(requirements.bytes).digest().equals(cd.specialHashes[1]!)) {
    problems.push("special slot -2 is not the SHA-256 of the requirements blob");
  }
  for (const pageNumber of badPages(file, cd)) problems.push(`page ${pageNumber}: hash mismatch`);
  return problems;
}

function linkeditProblems(file: Buffer, macho: MachO, cs: NonNullable<MachO["codeSignature"]>): string[] {
  const linkedit = macho.segments.find((s) => s.name === "__LINKEDIT");
  if (!linkedit) return ["no __LINKEDIT segment"];
  const problems: string[] = [];
  const end = BigInt(cs.dataoff + cs.datasize);
  if (linkedit.fileoff + linkedit.filesize < end)
    problems.push(`__LINKEDIT ends at ${linkedit.fileoff + linkedit.filesize}, before the signature's end ${end}`);
  if (linkedit.vmsize < linkedit.filesize) problems.push(`__LINKEDIT vmsize ${linkedit.vmsize} < filesize ${linkedit.filesize}`);
  if (linkedit.vmsize % 4096n !== 0n) problems.push(`__LINKEDIT vmsize ${linkedit.vmsize} is not page-aligned`);
  if (BigInt(file.length) !== end) problems.push(`the file is ${file.length} bytes, the signature ends at ${end}`);
  return problems;
}

function codeDirectoryProblems(macho: MachO, cd: CodeDirectory, identifier: string, dataoff: number): string[] {
  const problems: string[] = [];
  const want = (what: string, got: unknown, expected: unknown) => {
    if (got !== expected) problems.push(`${what} is ${String(got)}, expected ${String(expected)}`);
  };
  const text = macho.segments.find((s) => s.name === "__TEXT");
  want("CodeDirectory version >= 0x20400", cd.version >= 0x20400, true);
  want("flags", cd.flags, 0x2);
  want("hashType", cd.hashType, 2);
  want("hashSize", cd.hashSize, 32);
  want("pageSize (log2)", cd.pageSize, 12);
  want("platform", cd.platform, 0);
  want("codeLimit", cd.codeLimit, dataoff);
  want("nCodeSlots", cd.nCodeSlots, Math.ceil(dataoff / 4096));
  want("nSpecialSlots", cd.nSpecialSlots, 2);
  want("identifier", cd.identifier, identifier);
  want("teamOffset", cd.teamOffset, 0);
  want("scatterOffset", cd.scatterOffset, 0);
  want("execSegBase", cd.execSegBase, text?.fileoff);
  want("execSegLimit", cd.execSegLimit, text?.filesize);
  want("execSegFlags", cd.execSegFlags, 1n);
  if (cd.nSpecialSlots >= 1 && !cd.specialHashes[0]!.equals(Buffer.alloc(32))) problems.push("special slot -1 (Info.plist) is not empty");
  if (cd.hashOffset + cd.nCodeSlots * cd.hashSize > cd.length) problems.push("the code slots run past the CodeDirectory");
  return problems;
}

/** What {@link syntheticMachO} makes: a tiny executable-shaped Mach-O, for tests of edge cases. */
export interface SyntheticOptions {
  cputype: number;
  /** Bytes of __LINKEDIT content (before any signature). */
  linkedit?: number;
  /** Where the one section of __TEXT starts: how much room the load commands have. */
  sectionOffset?: number;
  /** An old LC_CODE_SIGNATURE with this much space, filled with junk, ending __LINKEDIT. */
  signatureSpace?: number;
  /** Bytes after everything __LINKEDIT covers. */
  trailing?: number;
}

/**
 * Header, __TEXT (0x4000 bytes, one section), __LINKEDIT, optionally LC_CODE_SIGNATURE; every byte of
 * content deterministic and non-zero, the space after the load commands zero, as a linker leaves it.
 */
export function syntheticMachO(o: SyntheticOptions): Buffer {
  const text = 0x4000;
  const linkeditContent = o.linkedit ?? 10_000;
  const dataoff = Math.ceil((text + linkeditContent) / 16) * 16;
  const linkeditEnd = o.signatureSpace === undefined ? text + linkeditContent : dataoff + o.signatureSpace;
  const file = Buffer.alloc(linkeditEnd + (o.trailing ?? 0));
  for (let i = 0; i < file.length; i++) file[i] = 1 + (((i * 2654435761) >>> 24) % 255);
  const ncmds = o.signatureSpace === undefined ? 2 : 3;
  const sizeofcmds = 152 + 72 + (ncmds === 3 ? 16 : 0);
  file.fill(0, 0, o.sectionOffset ?? 0x1000);
  file.writeUInt32LE(MH_MAGIC_64, 0);
  file.writeUInt32LE(o.cputype, 4);
  file.writeUInt32LE(2, 12); // MH_EXECUTE
  file.writeUInt32LE(ncmds, 16);
  file.writeUInt32LE(sizeofcmds, 20);
  writeSegment(file, 32, "__TEXT", 0x100000000n, text, 0, text, 1);
  const sect = 32 + 72;
  file.write("__text", sect, "latin1");
  file.write("__TEXT", sect + 16, "latin1");
  file.writeBigUInt64LE(0x100000000n + BigInt(o.sectionOffset ?? 0x1000), sect + 32);
  file.writeBigUInt64LE(0x200n, sect + 40);
  file.writeUInt32LE(o.sectionOffset ?? 0x1000, sect + 48);
  const page = o.cputype === 0x0100000c ? 0x4000 : 0x1000;
  const linkeditSize = linkeditEnd - text;
  writeSegment(file, 32 + 152, "__LINKEDIT", 0x100000000n + BigInt(text), Math.ceil(linkeditSize / page) * page, text, linkeditSize, 0);
  if (o.signatureSpace !== undefined) {
    file.writeUInt32LE(LC_CODE_SIGNATURE, 32 + 224);
    file.writeUInt32LE(16, 32 + 228);
    file.writeUInt32LE(dataoff, 32 + 232);
    file.writeUInt32LE(o.signatureSpace, 32 + 236);
    file.fill(0, text + linkeditContent, dataoff);
  }
  return file;
}

function writeSegment(file: Buffer, at: number, name: string, vmaddr: bigint, vmsize: number, fileoff: number, filesize: number, nsects: number): void {
  file.writeUInt32LE(LC_SEGMENT_64, at);
  file.writeUInt32LE(72 + nsects * 80, at + 4);
  file.write(name, at + 8, "latin1");
  file.writeBigUInt64LE(vmaddr, at + 24);
  file.writeBigUInt64LE(BigInt(vmsize), at + 32);
  file.writeBigUInt64LE(BigInt(fileoff), at + 40);
  file.writeBigUInt64LE(BigInt(filesize), at + 48);
  file.writeUInt32LE(nsects, at + 64);
}
