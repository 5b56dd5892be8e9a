import { describe, expect, it } from "vitest";
import { parseReceipt } from "../../src/core/receipt.js";
import type { Http } from "../../src/io/http.js";
import { sourceFor } from "../../src/sources/index.js";
import type { Warning } from "../../src/types.js";
import { makeReceipt } from "../helpers/fake-app.js";

const noHttp: Http = {
  get: () => Promise.reject(new Error("no network in this test")),
  close: async () => {},
};
const loaded = (source: Record<string, string>) => ({
  path: "/r.json",
  receipt: parseReceipt(JSON.stringify(makeReceipt({ source })), { file: "/r.json", app: "axolotlsay" }).receipt,
  repairs: [],
  standardLocation: true,
});
const ctx = (warnings: Warning[]) => ({ app: "axolotlsay", http: noHttp, apiBase: "http://127.0.0.1:1/api/v3", tokenFrom: undefined, warnings, cwd: "/" });

describe("sourceFor", () => {
  it("github receipts get the GitHub source", () => {
    const w: Warning[] = [];
    expect(sourceFor(loaded({ release_type: "github", owner: "o", name: "n" }), ctx(w)).description).toBe("GitHub repository o/n");
    expect(w).toEqual([]);
  });
  it("Axo Releases receipts fall back to GitHub with a warning", () => {
    for (const t of ["axo", "axodotdev"]) {
      const w: Warning[] = [];
      expect(sourceFor(loaded({ release_type: t, owner: "o", name: "n" }), ctx(w)).description).toContain("o/n");
      expect(w.map((x) => x.code)).toEqual(["AXO_RELEASES_GONE"]);
    }
  });
  it("an unknown release type is SOURCE_UNSUPPORTED naming the receipt", () => {
    expect(() => sourceFor(loaded({ release_type: "gitlab", owner: "o", name: "n" }), ctx([]))).toThrow(
      expect.objectContaining({ code: "SOURCE_UNSUPPORTED", message: expect.stringContaining("/r.json") }),
    );
  });
  it("a GitHub receipt without owner is RECEIPT_INVALID", () => {
    expect(() => sourceFor(loaded({ release_type: "github", name: "n" }), ctx([]))).toThrow(expect.objectContaining({ code: "RECEIPT_INVALID" }));
  });
});
