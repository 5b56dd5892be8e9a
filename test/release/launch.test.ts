import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as launch from "../../src/release/launch.js";
import { ROOT } from "../../src/release/checkout.js";

describe("the launchers' entry point", () => {
  it("exports one main per launcher, and every launcher calls one it exports", () => {
    for (const main of Object.values(launch)) expect(typeof main).toBe("function");
    const called = readdirSync(path.join(ROOT, "scripts"))
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => [f, /\btooling\.(\w+)\(/.exec(readFileSync(path.join(ROOT, "scripts", f), "utf8"))?.[1]] as const);
    expect(called.map(([, name]) => name).sort()).toEqual(Object.keys(launch).sort());
  });
});
