import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { ReceiptCandidate } from "../core/receipt-paths.js";
import { UpdaterError } from "../errors.js";

/** A receipt file's text and where it was found. */
export interface ReceiptFile {
  path: string;
  text: string;
  candidate: ReceiptCandidate;
}

/**
 * Reads the first candidate directory that holds `fileName`. As in axoupdater only existence decides:
 * a broken file there is reported, later candidates are not tried.
 */
export async function readFirstReceipt(candidates: readonly ReceiptCandidate[], fileName: string): Promise<ReceiptFile | undefined> {
  for (const candidate of candidates) {
    if (candidate.onlyIfDirExists && !(await isDir(candidate.dir))) continue;
    const file = path.join(candidate.dir, fileName);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw new UpdaterError("RECEIPT_INVALID", `Cannot read install receipt ${file} (${code ?? String(error)}).`, {
        cause: error,
        hint: "Check the file's permissions; it must be readable by the user running the update.",
        details: { path: file },
      });
    }
    return { path: file, text, candidate };
  }
  return undefined;
}

async function isDir(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
