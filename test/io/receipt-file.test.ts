import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readFirstReceipt } from "../../src/io/receipt-file.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("readFirstReceipt", () => {
  it("skips an XDG dir that does not exist and reads the first file found", async () => {
    const root = tmpDir();
    mkdirSync(path.join(root, "home"));
    writeFileSync(path.join(root, "home", "a-receipt.json"), "{}");
    const found = await readFirstReceipt(
      [
        { dir: path.join(root, "xdg"), onlyIfDirExists: true, standard: true },
        { dir: path.join(root, "home"), onlyIfDirExists: false, standard: true },
      ],
      "a-receipt.json",
    );
    expect(found?.path).toBe(path.join(root, "home", "a-receipt.json"));
    expect(found?.text).toBe("{}");
  });

  it("an existing XDG dir without the file falls through to the next candidate", async () => {
    const root = tmpDir();
    mkdirSync(path.join(root, "xdg"));
    mkdirSync(path.join(root, "home"));
    writeFileSync(path.join(root, "home", "a-receipt.json"), "{}");
    const found = await readFirstReceipt(
      [
        { dir: path.join(root, "xdg"), onlyIfDirExists: true, standard: true },
        { dir: path.join(root, "home"), onlyIfDirExists: false, standard: true },
      ],
      "a-receipt.json",
    );
    expect(found?.candidate.dir).toBe(path.join(root, "home"));
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
