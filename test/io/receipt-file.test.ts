import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appsWithReceipts, MAX_RECEIPT_BYTES, readFirstReceipt, readReceiptFile } from "../../src/io/receipt-file.js";
import { tmpDir } from "../helpers/fake-app.js";

// `<root>/home/a-receipt.json` exists; the XDG candidate `<root>/xdg` (only if it exists) comes first.
async function xdgThenHome(xdgExists: boolean) {
  const root = tmpDir();
  if (xdgExists) mkdirSync(path.join(root, "xdg"));
  mkdirSync(path.join(root, "home"));
  writeFileSync(path.join(root, "home", "a-receipt.json"), "{}");
  const candidates = [
    { dir: path.join(root, "xdg"), onlyIfDirExists: true, standard: true },
    { dir: path.join(root, "home"), onlyIfDirExists: false, standard: true },
  ];
  return { root, found: await readFirstReceipt(candidates, "a-receipt.json") };
}

describe("readFirstReceipt", () => {
  it("skips an XDG dir that does not exist and reads the first file found", async () => {
    const { root, found } = await xdgThenHome(false);
    expect(found?.path).toBe(path.join(root, "home", "a-receipt.json"));
    expect(found?.text).toBe("{}");
  });

  it("an existing XDG dir without the file falls through to the next candidate", async () => {
    const { root, found } = await xdgThenHome(true);
    expect(found?.candidate.dir).toBe(path.join(root, "home"));
  });

  it("case-insensitive (Windows): AXOLOTLSAY finds axolotlsay/axolotlsay-receipt.json, spelt as on disk", async () => {
    const local = tmpDir();
    mkdirSync(path.join(local, "axolotlsay"));
    writeFileSync(path.join(local, "axolotlsay", "axolotlsay-receipt.json"), "{}");
    const candidates = [{ dir: path.join(local, "AXOLOTLSAY"), onlyIfDirExists: true, standard: true }];
    expect(await readFirstReceipt(candidates, "AXOLOTLSAY-receipt.json")).toBeUndefined();
    const found = await readFirstReceipt(candidates, "AXOLOTLSAY-receipt.json", { caseInsensitive: true });
    expect(found?.path).toBe(path.join(local, "axolotlsay", "axolotlsay-receipt.json"));
    expect(found?.text).toBe("{}");
  });

  it("case-insensitive lookups prefer the exact spelling when both exist", async () => {
    const local = tmpDir();
    for (const d of ["Axo", "axo"]) {
      mkdirSync(path.join(local, d));
      writeFileSync(path.join(local, d, "axo-receipt.json"), d);
    }
    const found = await readFirstReceipt([{ dir: path.join(local, "axo"), onlyIfDirExists: false, standard: true }], "axo-receipt.json", {
      caseInsensitive: true,
    });
    expect(found?.text).toBe("axo");
  });

  it("nothing found → undefined", async () => {
    expect(await readFirstReceipt([{ dir: tmpDir(), onlyIfDirExists: false, standard: true }], "a-receipt.json")).toBeUndefined();
  });

  it("a directory where the file should be is RECEIPT_INVALID", async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, "a-receipt.json"));
    await expect(readFirstReceipt([{ dir, onlyIfDirExists: false, standard: true }], "a-receipt.json")).rejects.toMatchObject({
      code: "RECEIPT_INVALID",
      message: expect.stringContaining("a-receipt.json"),
    });
  });
});

describe("readReceiptFile: bounded", () => {
  const at = (name = "a-receipt.json"): string => path.join(tmpDir(), name);

  it("follows a symlink to a regular file (dotfile managers link receipts)", async () => {
    const file = at();
    writeFileSync(`${file}.real`, '{"a":1}');
    symlinkSync(`${file}.real`, file);
    expect(await readReceiptFile(file)).toBe('{"a":1}');
  });

  it("a missing file or a dangling symlink is no receipt", async () => {
    const file = at();
    expect(await readReceiptFile(file)).toBeUndefined();
    symlinkSync(`${file}.gone`, file);
    expect(await readReceiptFile(file)).toBeUndefined();
  });

  // [label, make it, message]
  const refused: [string, (file: string) => void, string][] = [
    ["a FIFO (never waited on)", (f) => void spawnSync("mkfifo", [f]), "it is a FIFO, not a regular file"],
    ["a symlink to a device", (f) => symlinkSync("/dev/zero", f), "it is a device, not a regular file"],
    ["a directory", (f) => mkdirSync(f), "it is a directory, not a regular file"],
    ["a 200 MB file (not read)", (f) => (writeFileSync(f, "{}"), truncateSync(f, 200 * 1024 * 1024)), "it is too large (209715200 bytes"],
    ["one byte over the limit", (f) => writeFileSync(f, Buffer.alloc(MAX_RECEIPT_BYTES + 1, 32)), `it is too large (${MAX_RECEIPT_BYTES + 1} bytes`],
  ];
  for (const [label, make, message] of refused) {
    it(`${label} is RECEIPT_INVALID at once`, async () => {
      const file = at();
      make(file);
      await expect(readReceiptFile(file)).rejects.toMatchObject({
        code: "RECEIPT_INVALID",
        message: expect.stringContaining(`Cannot read install receipt ${file}: ${message}`),
        details: { path: file },
      });
    });
  }

  it("exactly the limit is read", async () => {
    const file = at();
    writeFileSync(file, Buffer.alloc(MAX_RECEIPT_BYTES, 32));
    expect((await readReceiptFile(file))?.length).toBe(MAX_RECEIPT_BYTES);
  });
});

describe("appsWithReceipts", () => {
  it("every <root>/<app>/<app>-receipt.json that is a file, sorted and once each", async () => {
    const a = tmpDir();
    const b = tmpDir();
    for (const [root, app] of [
      [a, "zeta"],
      [a, "alpha"],
      [b, "alpha"],
      [b, "beta"],
    ] as const) {
      mkdirSync(path.join(root, app), { recursive: true });
      writeFileSync(path.join(root, app, `${app}-receipt.json`), "{}");
    }
    mkdirSync(path.join(a, "empty"));
    mkdirSync(path.join(a, "dir", "dir-receipt.json"), { recursive: true });
    writeFileSync(path.join(a, "stray-file"), "");
    expect(await appsWithReceipts([a, b, path.join(a, "missing")])).toEqual(["alpha", "beta", "zeta"]);
    expect(await appsWithReceipts([])).toEqual([]);
  });
});
