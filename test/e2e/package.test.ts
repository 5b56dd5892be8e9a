// The library as a Node app sees it: `import { … } from "upkeep"` through package.json "exports".
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the npm package", () => {
  it("exports checkForUpdate, update, loadReceipt and UpdaterError with types", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import * as u from "upkeep"; const e = new u.UpdaterError("USAGE", "m"); console.log([typeof u.checkForUpdate, typeof u.update, typeof u.loadReceipt, e.code, u.UpdaterError.is(e)].join(" "))',
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(out.trim()).toBe("function function function USAGE true");
    const dts = readFileSync(path.join(root, "dist/lib/index.d.ts"), "utf8");
    for (const name of ["checkForUpdate", "update", "loadReceipt", "UpdaterError", "UpdaterOptions", "UpdateResult", "CheckResult"])
      expect(dts).toContain(name);
  });

  it("loadReceipt works from the built library with an explicit env", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { loadReceipt } from "upkeep"; loadReceipt({ app: "nothing", env: { HOME: "/nonexistent" } }).catch((e) => console.log(e.code))',
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(out.trim()).toBe("RECEIPT_NOT_FOUND");
  });
});
