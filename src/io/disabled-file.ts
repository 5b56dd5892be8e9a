import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";

/**
 * Reads the first `limit` bytes of a `<app>-update.disabled` file as UTF-8: undefined when there is no
 * such file, `problem` (an error code, or "not a regular file") when it is there but cannot be read.
 * Its existence alone switches updates off, so a caller treats a problem as switched off too.
 */
export async function readDisabledFile(file: string, limit: number): Promise<{ text: string } | { problem: string } | undefined> {
  let kind: "file" | "other";
  try {
    kind = (await stat(file)).isFile() ? "file" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file, or a dangling link to none: nothing switches updates off.
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return { problem: code ?? String(error) };
  }
  // A FIFO or device would block or never end: it switches off, unread.
  if (kind === "other") return { problem: "not a regular file" };
  try {
    const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const buffer = Buffer.alloc(limit);
      const { bytesRead } = await handle.read(buffer, 0, limit, 0);
      return { text: buffer.subarray(0, bytesRead).toString("utf8") };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { problem: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}
