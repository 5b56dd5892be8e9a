import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { httpCache } from "../../src/io/http-cache.js";
import { tmpDir } from "../helpers/fake-app.js";

const entry = { url: "https://api/x", etag: '"abc"', headers: { link: "<n>; rel=next" }, body: Buffer.from("[1]").toString("base64") };

describe("httpCache", () => {
  it("remembers a response per URL", async () => {
    const c = httpCache(tmpDir(), undefined);
    expect(await c.get(entry.url)).toBeUndefined();
    await c.put(entry);
    expect(await c.get(entry.url)).toEqual(entry);
    expect(await c.get("https://api/y")).toBeUndefined();
  });
  it("keeps answers for one token away from another (and from no token)", async () => {
    const dir = tmpDir();
    await httpCache(dir, "tok-a").put(entry);
    expect(await httpCache(dir, "tok-b").get(entry.url)).toBeUndefined();
    expect(await httpCache(dir, undefined).get(entry.url)).toBeUndefined();
    expect(await httpCache(dir, "tok-a").get(entry.url)).toEqual(entry);
  });
  it("ignores a corrupted entry, and a later put rewrites it", async () => {
    const dir = tmpDir();
    const c = httpCache(dir, undefined);
    await c.put(entry);
    const [file] = readdirSync(dir);
    writeFileSync(path.join(dir, file!), "{not json");
    expect(await c.get(entry.url)).toBeUndefined();
    await c.put(entry);
    expect(await c.get(entry.url)).toEqual(entry);
  });
  it("never fails on an unwritable cache directory", async () => {
    const file = path.join(tmpDir(), "f");
    writeFileSync(file, "");
    const c = httpCache(path.join(file, "sub"), undefined);
    await expect(c.put(entry)).resolves.toBeUndefined();
    expect(await c.get(entry.url)).toBeUndefined();
  });
});
