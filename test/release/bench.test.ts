import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { benchEntry, main } from "../../src/release/bench.js";
import { ROOT } from "../../src/release/checkout.js";

describe("benchEntry", () => {
  it("runs the benchmarks, the fleet, or a named file in bench/, with the remaining arguments", () => {
    expect(benchEntry([])).toEqual({ entry: "bench.ts", args: [] });
    expect(benchEntry(["--quick"])).toEqual({ entry: "bench.ts", args: ["--quick"] });
    expect(benchEntry(["fleet", "--hosts=5"])).toEqual({ entry: "fleet.ts", args: ["--hosts=5"] });
    expect(benchEntry(["hello.ts", "x"])).toEqual({ entry: "hello.ts", args: ["x"] });
  });
});

describe("main --help", () => {
  it("bundles the benchmark (test helpers and all) and runs nothing", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["fleet", "--help"], { execPath: "/nonexistent/node" })).toBe(0);
      expect(String(out.mock.calls[0]?.[0])).toContain("npm run bench:fleet");
      expect(String(err.mock.calls[0]?.[0])).toContain("nothing run");
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(existsSync(path.join(ROOT, ".cache", "bench", "fleet.mjs"))).toBe(true);
  });

  it("bundles the benchmarks themselves (bench/bench.ts and the helpers it reuses) the same way", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["--help"], { execPath: "/nonexistent/node" })).toBe(0);
      expect(String(out.mock.calls[0]?.[0])).toContain("npm run bench [-- --quick]");
      expect(String(err.mock.calls[0]?.[0])).toMatch(/bundled bench\/bench\.ts into \.cache\/bench\/bench\.mjs; nothing run/);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
