// Minimal, dependency-free archive writers for release directories: ustar (then xz via the `xz`
// command) and zip (deflate, CRC-32 from node:zlib), and the updater compressed for its installer.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/** One file in an archive: its path inside it (`/`-separated), its bytes and its Unix mode. */
export interface ArchiveEntry {
  name: string;
  data: Buffer;
  mode: number;
}

/** A POSIX ustar archive of the entries (directories are implied by file names); `mtime` in seconds. */
export function tar(entries: readonly ArchiveEntry[], mtime: number): Buffer {
  const blocks: Buffer[] = [];
  const dirs = new Set<string>();
  for (const e of entries) {
    const parts = e.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join("/")}/`;
      if (!dirs.has(dir)) {
        dirs.add(dir);
        blocks.push(header(dir, 0, 0o755, mtime, "5"));
      }
    }
    blocks.push(header(e.name, e.data.length, e.mode, mtime, "0"), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function header(name: string, size: number, mode: number, mtime: number, type: "0" | "5"): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long for ustar: ${name}`);
  const h = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number): number => h.write(text, offset, length, "utf8");
  const octal = (n: number, length: number): string => `${n.toString(8).padStart(length - 1, "0")}\0`;
  put(name, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(mtime, 12), 136, 12);
  put("        ", 148, 8);
  put(type, 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  put("root", 265, 32);
  put("root", 297, 32);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

/** xz-compresses with the system `xz` (liblzma is not part of Node). */
export function xz(data: Buffer): Buffer {
  return execFileSync("xz", ["-6", "-T0", "-c"], { input: data, maxBuffer: 1024 * 1024 * 1024 });
}

/** A zip archive (deflated entries, UTF-8 names, Unix modes in the external attributes); `mtime` in seconds. */
export function zip(entries: readonly ArchiveEntry[], mtime: number): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const d = new Date(mtime * 1000);
  const dosTime = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2);
  const dosDate = (Math.max(0, d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const packed = zlib.deflateRawSync(e.data, { level: 9 });
    // The fields both headers share, from "version needed" on: the local header has them at 4, the
    // central one at 6 (after "made by").
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed: 2.0
    common.writeUInt16LE(0x0800, 2); // UTF-8 names
    common.writeUInt16LE(8, 4); // deflate
    common.writeUInt16LE(dosTime, 6);
    common.writeUInt16LE(dosDate, 8);
    common.writeUInt32LE(zlib.crc32(e.data), 10);
    common.writeUInt32LE(packed.length, 14);
    common.writeUInt32LE(e.data.length, 18);
    common.writeUInt16LE(name.length, 22);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    common.copy(lh, 4);
    local.push(lh, name, packed);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    common.copy(ch, 6);
    ch.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += lh.length + name.length + packed.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

// The last few compressed updaters, by what they were made from.
const packed = new Map<string, Buffer>();

/**
 * An updater compressed for its installer: xz for the sh one, or a zip holding just `zipEntry` (for
 * the ps1 one's Expand-Archive). Releases often ship the same 100 MB build (a CI job releasing several
 * apps, the test suite), which xz takes ~30 s over: each is compressed once per process and, given
 * `cacheDir`, once per checkout (kept there by what it was made from; written by rename, so a reader
 * never sees half a file).
 */
export function packUpdater(data: Buffer, zipEntry?: { name: string; mtime: number }, cacheDir?: string): Buffer {
  const digest = createHash("sha256").update(data).digest("hex");
  const key = `${digest} ${zipEntry ? `zip ${zipEntry.name} ${zipEntry.mtime}` : "xz"}`;
  // Only the slow xz form is kept on disk, and a kept file is used only if it unpacks to `data`.
  const file = cacheDir && !zipEntry ? path.join(cacheDir, `${digest}.xz`) : undefined;
  let made = packed.get(key) ?? (file ? unpacksTo(file, digest) : undefined);
  if (!made) {
    made = zipEntry ? zip([{ name: zipEntry.name, data, mode: 0o755 }], zipEntry.mtime) : xz(data);
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, made);
      renameSync(tmp, file);
      pruneKept(path.dirname(file), 4);
    }
  }
  packed.delete(key);
  packed.set(key, made);
  for (const oldest of packed.keys()) if (packed.size > 4) packed.delete(oldest);
  return made;
}

// A kept .xz whose content unpacks to the build with SHA-256 `digest` (~1 s for 100 MB), else undefined.
function unpacksTo(file: string, digest: string): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  const kept = readFileSync(file);
  try {
    const plain = execFileSync("xz", ["-dc"], { input: kept, maxBuffer: 1024 * 1024 * 1024 });
    return createHash("sha256").update(plain).digest("hex") === digest ? kept : undefined;
  } catch {
    return undefined;
  }
}

// Keeps the `keep` most recently written .xz files of `dir` (one per build: a checkout rebuilt often
// would otherwise collect one 25 MB file per build).
function pruneKept(dir: string, keep: number): void {
  const kept = readdirSync(dir)
    .filter((f) => f.endsWith(".xz"))
    .map((f) => ({ f, at: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of kept.slice(keep)) rmSync(path.join(dir, f), { force: true });
}
