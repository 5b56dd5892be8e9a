import { constants } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { UpdaterError } from "../errors.js";

/** The most of a trust file that is read: a key is two lines, so this is room for hundreds. */
export const MAX_TRUST_FILE_BYTES = 64 * 1024;

/**
 * The text of an app's trust file of pinned keys, or undefined when there is none. It is there to pin a
 * key, so anything but a readable regular file of at most {@link MAX_TRUST_FILE_BYTES} is SIGNATURE_INVALID
 * (a FIFO does not hang the run: it is opened without waiting for a writer).
 */
export async function readTrustFile(file: string): Promise<string | undefined> {
  const refuse = (why: string, cause?: unknown): UpdaterError =>
    new UpdaterError("SIGNATURE_INVALID", `Cannot read the trusted keys file ${file}: ${why}. Nothing was run.`, {
      ...(cause ? { cause } : {}),
      hint: "It pins the key the app's releases must be signed with: make it a readable file holding the app's minisign public key.",
      details: { path: file },
    });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw refuse(code ?? String(error), error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse("it is not a regular file");
    if (info.size > MAX_TRUST_FILE_BYTES) throw refuse(`it is ${info.size} bytes, over the ${MAX_TRUST_FILE_BYTES}-byte limit`);
    const buffer = Buffer.alloc(MAX_TRUST_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_TRUST_FILE_BYTES) throw refuse(`it grew over the ${MAX_TRUST_FILE_BYTES}-byte limit`);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } catch (error) {
    if (UpdaterError.is(error)) throw error;
    throw refuse((error as NodeJS.ErrnoException).code ?? String(error), error);
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * Writes the trust file as `text` (by a rename, so a reader never sees half of it), unless it already
 * says exactly that. Returns whether it wrote. NOT_WRITABLE when it cannot: the pin must be kept before
 * an installer that may drop it from the receipt runs.
 */
export async function writeTrustFile(file: string, text: string): Promise<boolean> {
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === text) return false;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
    return true;
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UpdaterError("NOT_WRITABLE", `Could not record the app's signing keys in ${file} (${code}); nothing was run.`, {
      cause: error,
      hint: "Make that directory writable by this user (the keys pinned by the receipt are kept there, so an installer that rewrites the receipt cannot drop them).",
      details: { path: file },
    });
  }
}
