import { constants } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UpdaterError } from "../errors.js";
import { refuse } from "./http-errors.js";
import type { GetOptions, HttpResponse } from "./http-types.js";

/**
 * A mirror may be a plain directory: its file: URLs are read from disk (404 when missing), only inside
 * `fileRoot` (a file: URL) once symlinks are resolved, only regular files (a FIFO or device would hang or
 * never end), and never more than `limit` bytes.
 */
export async function readFileUrl(url: string, fileRoot: string, limit: number, onProgress?: GetOptions["onProgress"]): Promise<HttpResponse> {
  let file: string;
  try {
    file = await realpath(fileURLToPath(url));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { url, status: 404, headers: {}, body: Buffer.alloc(0) };
    throw new UpdaterError("NETWORK", `Cannot read ${url} (${code ?? String(error)}).`, { hint: "Check the mirror directory's permissions." });
  }
  const rootPath = fileURLToPath(fileRoot);
  const root = await realpath(rootPath).catch(() => path.resolve(rootPath));
  if (file !== root && !file.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`)) {
    throw refuse(url, `it resolves to ${file}, outside the mirror directory ${root}`);
  }
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    throw new UpdaterError("NETWORK", `Cannot read ${url} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
      hint: "Check the mirror directory's permissions.",
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse(url, "it is not a regular file (a FIFO, device or directory)");
    if (info.size > limit) throw new UpdaterError("DOWNLOAD_FAILED", `${url} is larger than the ${limit}-byte limit for this download.`);
    const body = Buffer.alloc(Math.min(info.size, limit) + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(body, size, body.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > limit) throw new UpdaterError("DOWNLOAD_FAILED", `${url} is larger than the ${limit}-byte limit for this download.`);
      if (size === body.length) break;
    }
    onProgress?.(size, size);
    return { url, status: 200, headers: {}, body: body.subarray(0, size) };
  } finally {
    await handle.close();
  }
}
