import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** A remembered response with its validators. */
export interface CachedResponse {
  url: string;
  etag?: string;
  lastModified?: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Remembered API responses, one file per URL (and token, so answers for one token are never served
 * to another), in upkeep's cache directory. Every failure — unreadable, corrupted, unwritable — is
 * treated as "not cached": the cache can make a run cheaper, never make it fail.
 */
export function httpCache(dir: string, token: string | undefined) {
  const scope = token ? createHash("sha256").update(token).digest("hex").slice(0, 16) : "anonymous";
  const file = (url: string): string => path.join(dir, `${createHash("sha256").update(`${scope}\n${url}`).digest("hex")}.json`);
  return {
    async get(url: string): Promise<CachedResponse | undefined> {
      try {
        const entry = JSON.parse(await readFile(file(url), "utf8")) as CachedResponse;
        if (entry.url !== url || typeof entry.body !== "string" || (!entry.etag && !entry.lastModified)) return undefined;
        return entry;
      } catch {
        return undefined;
      }
    },
    async put(entry: CachedResponse): Promise<void> {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const target = file(entry.url);
        const tmp = `${target}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
        await rename(tmp, target);
      } catch {
        // An unwritable cache only costs a request next time.
      }
    },
  };
}
