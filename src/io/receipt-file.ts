import { constants } from "node:fs";
import { open, readdir, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { receiptFileName, type ReceiptCandidate } from "../core/receipt-paths.js";
import { UpdaterError } from "../errors.js";

/** A receipt file's text and where it was found. */
export interface ReceiptFile {
  path: string;
  text: string;
  candidate: ReceiptCandidate;
}

/** The most of a receipt that is read: real ones are a few hundred bytes. */
export const MAX_RECEIPT_BYTES = 1024 * 1024;

/** Options of {@link readFirstReceipt}. */
export interface ReadReceiptOptions {
  /**
   * Windows: the app's directory and the receipt match in any case (`AXOLOTLSAY-UPDATE.EXE` finds
   * `axolotlsay\axolotlsay-receipt.json`), and the path returned is spelt as on disk.
   */
  caseInsensitive?: boolean;
}

/**
 * Reads the first candidate directory that holds `fileName`. As in axoupdater only existence decides:
 * a broken file there is reported, later candidates are not tried.
 */
export async function readFirstReceipt(
  candidates: readonly ReceiptCandidate[],
  fileName: string,
  options: ReadReceiptOptions = {},
): Promise<ReceiptFile | undefined> {
  for (const candidate of candidates) {
    const dir = options.caseInsensitive
      ? path.join(path.dirname(candidate.dir), await onDisk(path.dirname(candidate.dir), path.basename(candidate.dir)))
      : candidate.dir;
    if (candidate.onlyIfDirExists && !(await isDir(dir))) continue;
    const file = path.join(dir, options.caseInsensitive ? await onDisk(dir, fileName) : fileName);
    const text = await readReceiptFile(file);
    if (text === undefined) continue;
    return { path: file, text, candidate };
  }
  return undefined;
}

/**
 * A receipt's text, or undefined when there is no file. Bounded: a symlink is followed (dotfile managers
 * link receipts), but only a regular file of at most {@link MAX_RECEIPT_BYTES} is read — a FIFO, device
 * or directory is RECEIPT_INVALID at once instead of hanging or filling memory.
 */
export async function readReceiptFile(file: string): Promise<string | undefined> {
  const invalid = (why: string, hint: string, cause?: unknown): UpdaterError =>
    new UpdaterError("RECEIPT_INVALID", `Cannot read install receipt ${file}: ${why}.`, { ...(cause ? { cause } : {}), hint, details: { path: file } });
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it).
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw invalid(`${code ?? String(error)}`, "Check the file's permissions; it must be readable by the user running the update.", error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = info.isDirectory()
        ? "a directory"
        : info.isFIFO()
          ? "a FIFO"
          : info.isSocket()
            ? "a socket"
            : info.isCharacterDevice() || info.isBlockDevice()
              ? "a device"
              : "not a file";
      throw invalid(`it is ${kind}, not a regular file`, "Remove it and reinstall the app with its installer, which writes the receipt.");
    }
    const tooLarge = (size: number): UpdaterError =>
      invalid(
        `it is too large (${size} bytes; a receipt is a few hundred bytes and at most ${MAX_RECEIPT_BYTES} are read)`,
        "Reinstall the app with its installer to rewrite the receipt.",
      );
    if (info.size > MAX_RECEIPT_BYTES) throw tooLarge(info.size);
    // Read one byte more than allowed: a file that grows, or lies about its size, is still bounded.
    const buffer = Buffer.alloc(MAX_RECEIPT_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_RECEIPT_BYTES) throw tooLarge(length);
    }
    return buffer.subarray(0, length).toString("utf8");
  } catch (error) {
    if (UpdaterError.is(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(`${code ?? String(error)}`, "Check the file's permissions; it must be readable by the user running the update.", error);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** The apps with a receipt file (`<root>/<app>/<app>-receipt.json`) in any of `roots`, sorted. */
export async function appsWithReceipts(roots: readonly string[]): Promise<string[]> {
  const apps = new Set<string>();
  for (const root of roots) {
    for (const name of await readdir(root).catch(() => [] as string[])) {
      if (
        await stat(path.join(root, name, receiptFileName(name))).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        apps.add(name);
    }
  }
  return [...apps].sort();
}

/** The apps with a receipt file directly in `dir` (`<dir>/<app>-receipt.json`, the AXOUPDATER_CONFIG_* layout), sorted. */
export async function appsWithReceiptFiles(dir: string): Promise<string[]> {
  const apps: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const app = name.endsWith("-receipt.json") ? name.slice(0, -"-receipt.json".length) : "";
    if (
      app &&
      (await stat(path.join(dir, name)).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      apps.push(app);
  }
  return apps.sort();
}

async function isDir(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

// `name` as it is spelt in `dir`, matched ignoring case when not exactly there (or `name` itself).
async function onDisk(dir: string, name: string): Promise<string> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  if (entries.includes(name)) return name;
  return entries.find((e) => e.toLowerCase() === name.toLowerCase()) ?? name;
}

/** Replaces a receipt's text by writing a temporary file beside it and renaming it over (never half-written). */
export async function rewriteReceipt(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
