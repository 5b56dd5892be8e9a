import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, exitCodeFor, toUpdaterError, UpdaterError } from "../src/errors.js";
import { VERSION } from "../src/version.js";

describe("errors", () => {
  it("USAGE and APP_NAME exit 2, everything else 1", () => {
    for (const code of ERROR_CODES) expect(exitCodeFor(code)).toBe(code === "USAGE" || code === "APP_NAME" ? 2 : 1);
  });
  it("keeps code, hint, details and cause", () => {
    const cause = new Error("low");
    const e = new UpdaterError("NETWORK", "high", { hint: "do", details: { a: 1 }, cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.hint, e.details, e.cause]).toEqual(["UpdaterError", "NETWORK", "do", { a: 1 }, cause]);
    expect(UpdaterError.is(e)).toBe(true);
    expect(UpdaterError.is({ code: "NETWORK" })).toBe(false);
  });
  it("wraps foreign errors as INTERNAL and leaves ours alone", () => {
    const ours = new UpdaterError("USAGE", "x");
    expect(toUpdaterError(ours)).toBe(ours);
    expect(toUpdaterError(new TypeError("boom"))).toMatchObject({ code: "INTERNAL", message: "Unexpected error: boom" });
  });
  it("every code is documented in docs/reference.md with its exit status", () => {
    const readme = readFileSync(new URL("../docs/reference.md", import.meta.url), "utf8");
    for (const code of ERROR_CODES) expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${exitCodeFor(code)} \\|`));
  });
  it("VERSION matches package.json", () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
  });
});
