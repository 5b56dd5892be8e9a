import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { UpdaterError } from "../../src/errors.js";
import { readFileUrl } from "../../src/io/http-file.js";

// A directory mirror in a throw-away directory, with a secret beside it.
function mirror() {
  const root = mkdtempSync(path.join(tmpdir(), "upkeep-http-file-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, "mirror");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "ok.sh"), "#!/bin/sh\n");
  writeFileSync(path.join(root, "secret"), "outside");
  symlinkSync(path.join(root, "secret"), path.join(dir, "escape"));
  const url = (name: string) => pathToFileURL(path.join(dir, name)).href;
  return { root, dir, url, fileRoot: pathToFileURL(`${dir}/`).href };
}

const failure = (p: Promise<unknown>): Promise<UpdaterError> =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => {
      if (!UpdaterError.is(e)) throw e;
      return e;
    },
  );

describe("readFileUrl (a directory mirror's file: URLs)", () => {
  it("reads a file inside the mirror, reporting its size as progress", async () => {
    const m = mirror();
    const seen: [number, number | undefined][] = [];
    const res = await readFileUrl(m.url("ok.sh"), m.fileRoot, 1000, (n, total) => seen.push([n, total]));
    expect(res).toMatchObject({ status: 200, url: m.url("ok.sh") });
    expect(res.body.toString()).toBe("#!/bin/sh\n");
    expect(seen).toEqual([[10, 10]]);
  });

  it("a missing file is a 404, not an error", async () => {
    const m = mirror();
    expect((await readFileUrl(m.url("gone.sh"), m.fileRoot, 1000)).status).toBe(404);
    expect((await readFileUrl(m.url("ok.sh/below"), m.fileRoot, 1000)).status).toBe(404);
  });

  it("refuses a symlink that resolves outside the mirror", async () => {
    const m = mirror();
    const e = await failure(readFileUrl(m.url("escape"), m.fileRoot, 1000));
    expect(e).toMatchObject({ code: "DOWNLOAD_FAILED", details: { final: true } });
    expect(e.message).toMatch(/outside the mirror directory/);
  });

  it("refuses what is not a regular file (a FIFO, a device) at once", async () => {
    const m = mirror();
    spawnSync("mkfifo", [path.join(m.dir, "fifo")]);
    expect((await failure(readFileUrl(m.url("fifo"), m.fileRoot, 1000))).message).toMatch(/not a regular file/);
    expect((await failure(readFileUrl("file:///dev/zero", "file:///dev/", 1000))).message).toMatch(/not a regular file/);
  });

  it("refuses a file over the limit", async () => {
    const m = mirror();
    const e = await failure(readFileUrl(m.url("ok.sh"), m.fileRoot, 5));
    expect(e.code).toBe("DOWNLOAD_FAILED");
    expect(e.message).toContain("5-byte limit");
  });
});
