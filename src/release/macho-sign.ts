// An ad-hoc code signer for thin 64-bit Mach-O executables: what `codesign --sign - --identifier <id>`
// writes, minus everything an ad-hoc signature does not need. macOS on arm64 runs no binary without a
// valid signature, and postject's injection (LIEF's remove_signature) strips the one Node ships with;
// no tool here (and no npm package) writes a new one. Blob layouts: the kernel's cs_blobs.h (every
// signing blob is big-endian; the Mach-O side, little-endian, is macho-layout.ts).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { CPU_ARM64, HEADER_SIZE, LC_CODE_SIGNATURE, type MachOLayout, readLayout, type Segment } from "./macho-layout.js";

const LC_CODE_SIGNATURE_SIZE = 16;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSSLOT_REQUIREMENTS = 2;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1n;
const CS_HASHTYPE_SHA256 = 2;
const HASH_SIZE = 32;
const PAGE_LOG2 = 12;
const PAGE = 1 << PAGE_LOG2;
// The CodeDirectory version that has the execSeg fields, and the size of its fixed part.
const CD_VERSION = 0x20400;
const CD_HEADER_SIZE = 88;
// Special slots -1 (Info.plist: none, all zeros) and -2 (the requirements).
const SPECIAL_SLOTS = 2;
// An empty requirements set: magic, length 12, count 0.
const EMPTY_REQUIREMENTS = Buffer.alloc(12);
EMPTY_REQUIREMENTS.writeUInt32BE(CSMAGIC_REQUIREMENTS, 0);
EMPTY_REQUIREMENTS.writeUInt32BE(12, 4);

const align = (n: number, to: number): number => Math.ceil(n / to) * to;
const alignBig = (n: bigint, to: bigint): bigint => ((n + to - 1n) / to) * to;

/** The size of the SuperBlob {@link adhocSign} writes for a file whose signature starts at `codeLimit`. */
export function signatureSize(codeLimit: number, identifier: string): number {
  return 12 + 2 * 8 + codeDirectorySize(codeLimit, identifier) + EMPTY_REQUIREMENTS.length;
}

function codeDirectorySize(codeLimit: number, identifier: string): number {
  return CD_HEADER_SIZE + Buffer.byteLength(identifier) + 1 + (SPECIAL_SLOTS + Math.ceil(codeLimit / PAGE)) * HASH_SIZE;
}

/** Where the signature goes and how big its space is, and the load-command edits that make it so. */
interface Placement {
  dataoff: number;
  datasize: number;
  /** Append LC_CODE_SIGNATURE after the last load command (the file has none). */
  append: boolean;
}

// Reuse the LC_CODE_SIGNATURE there is (its dataoff; its datasize when the new blob fits, zero-padded,
// as codesign does), else place a new one at the end of __LINKEDIT, 16-byte aligned.
function place(file: Buffer, layout: MachOLayout, linkedit: Segment, identifier: string, what: string): Placement {
  const linkeditEnd = Number(linkedit.fileoff + linkedit.filesize);
  const old = layout.signature;
  if (old) {
    if (old.dataoff < Number(linkedit.fileoff) || old.dataoff % 16 !== 0) {
      throw new Error(`${what}: LC_CODE_SIGNATURE's dataoff ${old.dataoff} is not a 16-byte aligned offset inside __LINKEDIT (from ${linkedit.fileoff})`);
    }
    const end = old.dataoff + old.datasize;
    if (linkeditEnd > end) throw new Error(`${what}: __LINKEDIT continues ${linkeditEnd - end} bytes after the code signature; the signature must be last`);
    if (file.length > end) throw new Error(`${what}: ${file.length - end} bytes after the code signature; refusing to drop them`);
    const size = signatureSize(old.dataoff, identifier);
    return { dataoff: old.dataoff, datasize: size <= old.datasize ? old.datasize : align(size, 16), append: false };
  }
  if (file.length !== linkeditEnd)
    throw new Error(`${what}: __LINKEDIT ends at ${linkeditEnd}, but the file is ${file.length} bytes; the signature must be last`);
  const free = layout.firstContent - (HEADER_SIZE + layout.sizeofcmds);
  if (free < LC_CODE_SIGNATURE_SIZE) {
    throw new Error(`${what}: no room for LC_CODE_SIGNATURE: ${free} bytes free after the load commands, 16 needed (relink with -headerpad)`);
  }
  const tail = file.subarray(HEADER_SIZE + layout.sizeofcmds, HEADER_SIZE + layout.sizeofcmds + LC_CODE_SIGNATURE_SIZE);
  if (tail.some((b) => b !== 0)) throw new Error(`${what}: the bytes after the load commands are not free (not zero)`);
  const dataoff = align(linkeditEnd, 16);
  return { dataoff, datasize: align(signatureSize(dataoff, identifier), 16), append: true };
}

/**
 * Returns `file` (a thin 64-bit Mach-O executable) with a fresh ad-hoc signature: a SuperBlob holding a
 * SHA-256 CodeDirectory over every 4096-byte page before the signature (flags CS_ADHOC only, the
 * execSeg fields from __TEXT) and an empty requirements set. `what` names the file in errors.
 */
export function adhocSign(file: Buffer, identifier: string, what = "the executable"): Buffer {
  if (identifier === "" || identifier.includes("\0"))
    throw new Error(`the signing identifier must be a non-empty string without NUL, not ${JSON.stringify(identifier)}`);
  const layout = readLayout(file, what);
  const text = layout.segments.find((s) => s.name === "__TEXT");
  const linkedit = layout.segments.find((s) => s.name === "__LINKEDIT");
  if (!text || !linkedit) throw new Error(`${what} has no ${text ? "__LINKEDIT" : "__TEXT"} segment`);
  if (layout.segments.some((s) => s.fileoff > linkedit.fileoff)) throw new Error(`${what}: __LINKEDIT is not the last segment in the file`);
  const { dataoff, datasize, append } = place(file, layout, linkedit, identifier, what);
  if (dataoff + datasize > 0xffffffff) throw new Error(`${what} is too big to sign (${dataoff} bytes; 32-bit offsets)`);

  // The old signature's bytes are not copied: its space is reused zero-padded.
  const out = Buffer.alloc(dataoff + datasize);
  file.copy(out, 0, 0, Math.min(file.length, layout.signature?.dataoff ?? file.length));
  const cmdAt = layout.signature?.at ?? HEADER_SIZE + layout.sizeofcmds;
  if (append) {
    out.writeUInt32LE(layout.ncmds + 1, 16);
    out.writeUInt32LE(layout.sizeofcmds + LC_CODE_SIGNATURE_SIZE, 20);
    out.writeUInt32LE(LC_CODE_SIGNATURE, cmdAt);
    out.writeUInt32LE(LC_CODE_SIGNATURE_SIZE, cmdAt + 4);
  }
  out.writeUInt32LE(dataoff, cmdAt + 8);
  out.writeUInt32LE(datasize, cmdAt + 12);
  // __LINKEDIT must cover the signature, in the file and in memory (vmsize in whole pages).
  const filesize = BigInt(dataoff + datasize) - linkedit.fileoff;
  if (filesize !== linkedit.filesize) {
    const page = layout.cputype === CPU_ARM64 ? 0x4000n : 0x1000n;
    out.writeBigUInt64LE(filesize, linkedit.at + 48);
    out.writeBigUInt64LE(linkedit.vmsize >= filesize ? linkedit.vmsize : alignBig(filesize, page), linkedit.at + 32);
  }
  superBlob(out, dataoff, identifier, text);
  return out;
}

// Writes the SuperBlob at `dataoff`: index, CodeDirectory (hashing every page before it), requirements.
function superBlob(out: Buffer, dataoff: number, identifier: string, text: Segment): void {
  const cdSize = codeDirectorySize(dataoff, identifier);
  const size = signatureSize(dataoff, identifier);
  const sb = out.subarray(dataoff, dataoff + size);
  sb.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  sb.writeUInt32BE(size, 4);
  sb.writeUInt32BE(2, 8);
  sb.writeUInt32BE(0, 12); // CSSLOT_CODEDIRECTORY
  sb.writeUInt32BE(28, 16);
  sb.writeUInt32BE(CSSLOT_REQUIREMENTS, 20);
  sb.writeUInt32BE(28 + cdSize, 24);
  EMPTY_REQUIREMENTS.copy(sb, 28 + cdSize);
  codeDirectory(sb.subarray(28, 28 + cdSize), out, dataoff, identifier, text);
}

function codeDirectory(cd: Buffer, out: Buffer, codeLimit: number, identifier: string, text: Segment): void {
  const nCodeSlots = Math.ceil(codeLimit / PAGE);
  const identOffset = CD_HEADER_SIZE;
  const hashOffset = identOffset + Buffer.byteLength(identifier) + 1 + SPECIAL_SLOTS * HASH_SIZE;
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(identOffset, 20);
  cd.writeUInt32BE(SPECIAL_SLOTS, 24);
  cd.writeUInt32BE(nCodeSlots, 28);
  cd.writeUInt32BE(codeLimit, 32);
  cd[36] = HASH_SIZE;
  cd[37] = CS_HASHTYPE_SHA256;
  cd[38] = 0; // platform: not an OS binary
  cd[39] = PAGE_LOG2;
  // spare2, scatterOffset, teamOffset, spare3, codeLimit64 stay zero (Buffer.alloc)
  cd.writeBigUInt64BE(text.fileoff, 64);
  cd.writeBigUInt64BE(text.filesize, 72);
  cd.writeBigUInt64BE(CS_EXECSEG_MAIN_BINARY, 80);
  cd.write(identifier, identOffset, "utf8");
  createHash("sha256")
    .update(EMPTY_REQUIREMENTS)
    .digest()
    .copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  for (let i = 0; i < nCodeSlots; i++) {
    const page = out.subarray(i * PAGE, Math.min((i + 1) * PAGE, codeLimit));
    createHash("sha256")
      .update(page)
      .digest()
      .copy(cd, hashOffset + i * HASH_SIZE);
  }
}

/** Signs the Mach-O executable at `file` in place (ad hoc, identifier `identifier`). */
export function adhocSignFile(file: string, identifier: string): void {
  writeFileSync(file, adhocSign(readFileSync(file), identifier, file));
}
