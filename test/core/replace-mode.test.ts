import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { backupMode, declaredProvider, replacesByRename, type Provider } from "../../src/core/replace-mode.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("replacesByRename", () => {
  // [provider source, version, replaces by rename?] — cargo-dist `cp`s in 0.9–0.12.0 and `mv`s from 0.12.1.
  const cases: [string, string | undefined, boolean][] = [
    ["upkeep", "0.1.0", true],
    ["upkeep", undefined, true],
    ["cargo-dist", "0.9.0", false],
    ["cargo-dist", "0.12.0", false],
    ["cargo-dist", "0.12.1-prerelease.1", false],
    ["cargo-dist", "0.12.1", true],
    ["cargo-dist", "0.13.0-prerelease.1", true],
    ["cargo-dist", "0.31.0", true],
    ["cargo-dist", "1.0.0-rc.1", true],
    ["cargo-dist", "0.0.0", false],
    ["cargo-dist", "not a version", false],
    ["cargo-dist", undefined, false],
    ["unknown", "9.9.9", false],
    ["homebrew", "1.0.0", false],
  ];
  for (const [source, version, expected] of cases) {
    it(`${source} ${version ?? "(no version)"} → ${expected}`, () => expect(replacesByRename({ source, version })).toBe(expected));
  }
});

describe("declaredProvider", () => {
  // [label, script text, provider it declares]
  const cases: [string, string, Provider | undefined][] = [
    [
      "cargo-dist's embedded receipt",
      'read -r RECEIPT <<EORECEIPT\n{"binaries":["CARGO_DIST_BINS"],"provider":{"source":"cargo-dist","version":"0.12.0"},"version":"1.0.0"}\nEORECEIPT\n',
      { source: "cargo-dist", version: "0.12.0" },
    ],
    [
      "a prerelease, spaced out",
      '"provider": { "source": "cargo-dist", "version": "0.15.0-prerelease.8" }',
      { source: "cargo-dist", version: "0.15.0-prerelease.8" },
    ],
    [
      "ours: escaped quotes, version computed",
      'receipt="{\\"provider\\":{\\"source\\":\\"upkeep\\",\\"version\\":$(json_str "$V")}}"',
      { source: "upkeep", version: undefined },
    ],
    [
      "the first one counts",
      '"provider":{"source":"cargo-dist","version":"0.11.0"} "provider":{"source":"upkeep"}',
      { source: "cargo-dist", version: "0.11.0" },
    ],
    ["a script that says nothing", "#!/bin/sh\ncp app ~/.cargo/bin/app\n", undefined],
    ["a source that is not a name", '"provider":{"source":"$(rm -rf ~)"}', undefined],
  ];
  for (const [label, script, expected] of cases) it(label, () => expect(declaredProvider(script)).toEqual(expected));

  it("reads our own installer as upkeep's", () => {
    expect(declaredProvider(readFileSync(path.join(root, "installers", "installer.sh"), "utf8"))).toEqual({ source: "upkeep", version: undefined });
  });
});

describe("backupMode", () => {
  const upkeep = { source: "upkeep", version: "0.1.0" };
  const dist = (version: string): Provider => ({ source: "cargo-dist", version });
  // [label, platform, receipt's provider, new installer's provider, mode]
  const cases: [string, NodeJS.Platform, Provider, Provider | undefined, "link" | "copy"][] = [
    ["ours", "linux", upkeep, undefined, "link"],
    ["cargo-dist 0.12.1 on macOS", "darwin", dist("0.12.1"), undefined, "link"],
    ["cargo-dist 0.12.0 (cp over binaries)", "linux", dist("0.12.0"), undefined, "copy"],
    ["an unknown provider", "linux", { source: "unknown", version: "0.0.0" }, undefined, "copy"],
    ["Windows always copies", "win32", upkeep, undefined, "copy"],
    ["Windows with cargo-dist 0.31.0", "win32", dist("0.31.0"), dist("0.31.0"), "copy"],
    ["a downgrade to an installer that copies", "linux", dist("0.31.0"), dist("0.11.0"), "copy"],
    ["a receipt that copies, whatever the new installer says", "linux", dist("0.10.0"), dist("0.31.0"), "copy"],
    ["a new installer that renames too", "linux", upkeep, dist("0.31.0"), "link"],
    ["a new installer of unknown kind", "linux", upkeep, { source: "mystery" }, "copy"],
  ];
  for (const [label, platform, receipt, installer, mode] of cases) {
    it(`${label} → ${mode}`, () => {
      const r = backupMode({ platform, receipt, installer });
      expect(r.mode).toBe(mode);
      expect(r.reason.startsWith(mode === "link" ? "hard links" : "copies")).toBe(true);
    });
  }
});
