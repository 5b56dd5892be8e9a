import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, upkeepVersion } from "../../src/release/checkout.js";
import { VERSION } from "../../src/version.js";

describe("the checkout", () => {
  it("is the directory holding upkeep's package.json and the installer templates", () => {
    expect((JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string }).name).toBe("upkeep");
    expect(existsSync(path.join(ROOT, "installers", "installer.sh"))).toBe(true);
    expect(ROOT.endsWith(path.sep)).toBe(false);
  });

  it("knows upkeep's version", () => {
    expect(upkeepVersion()).toBe(VERSION);
  });
});
