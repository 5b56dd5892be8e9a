import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/release/checkout.js";
import { CPU_ARM64, CPU_X86_64, readLayout } from "../../src/release/macho-layout.js";
import { TARGETS } from "../../src/release/targets.js";
import { readMachO, syntheticMachO } from "../helpers/macho-reader.js";

describe("readLayout", () => {
  it("reads the CPU, the segments, the free space after the load commands and LC_CODE_SIGNATURE", () => {
    const file = syntheticMachO({ cputype: CPU_ARM64, sectionOffset: 0x800, signatureSpace: 64 });
    const layout = readLayout(file, "synthetic");
    const reader = readMachO(file);
    expect(layout.cputype).toBe(CPU_ARM64);
    expect(layout.ncmds).toBe(3);
    expect(layout.sizeofcmds).toBe(240);
    expect(layout.segments.map((s) => [s.name, s.at, s.fileoff, s.filesize, s.vmsize])).toEqual(
      reader.segments.map((s) => [s.name, s.at, s.fileoff, s.filesize, s.vmsize]),
    );
    expect(layout.signature).toEqual(reader.codeSignature);
    expect(layout.firstContent).toBe(0x800);
    expect(readLayout(syntheticMachO({ cputype: CPU_X86_64 }), "x").signature).toBeUndefined();
  });

  // [what, file, the error]
  const refused: [string, Buffer, string][] = [
    ["a universal file", Buffer.from(`cafebabe00000002${"00".repeat(40)}`, "hex"), "x is a universal (fat) Mach-O; only thin files are signed"],
    ["a universal file, 64-bit", Buffer.from(`cafebabf00000002${"00".repeat(40)}`, "hex"), "universal (fat)"],
    ["an ELF file", Buffer.from(`7f454c46${"00".repeat(60)}`, "hex"), "x is not a 64-bit little-endian Mach-O (magic 0x7f454c46)"],
    ["a 32-bit Mach-O", Buffer.from(`cefaedfe${"00".repeat(60)}`, "hex"), "not a 64-bit little-endian Mach-O"],
    ["a stub shorter than a header", Buffer.from("cffaedfe", "hex"), "x is 4 bytes, too short for a Mach-O header"],
  ];
  for (const [what, file, message] of refused) {
    it(`refuses ${what}, naming the file`, () => {
      expect(() => readLayout(file, "x")).toThrow(message);
    });
  }

  it("refuses load commands that run past sizeofcmds or past the file", () => {
    const long = syntheticMachO({ cputype: CPU_ARM64 });
    long.writeUInt32LE(100, 20);
    expect(() => readLayout(long, "x")).toThrow("x: load command 0 at offset 32 runs past sizeofcmds");
    const past = syntheticMachO({ cputype: CPU_ARM64 });
    past.writeUInt32LE(past.length, 20);
    expect(() => readLayout(past, "x")).toThrow("run past the file");
  });

  for (const [target, cpu] of [
    ["aarch64-apple-darwin", CPU_ARM64],
    ["x86_64-apple-darwin", CPU_X86_64],
  ] as const) {
    const t = TARGETS[target]!;
    const bin = path.join(ROOT, ".cache", "node", `${t.pkg}-${t.version}`, "package", t.file);
    const missing = existsSync(bin) ? "" : ` (skipped: ${path.relative(ROOT, bin)} is missing; npm run setup puts it there)`;
    it.skipIf(missing !== "")(`reads ${t.pkg}@${t.version}: CPU 0x${cpu.toString(16)}, Apple's LC_CODE_SIGNATURE at the end of __LINKEDIT${missing}`, () => {
      const file = readFileSync(bin);
      const layout = readLayout(file, bin);
      expect(layout.cputype).toBe(cpu);
      expect(layout.segments.map((s) => s.name)).toEqual(["__PAGEZERO", "__TEXT", "__DATA_CONST", "__DATA", "__LINKEDIT"]);
      const linkedit = layout.segments.at(-1)!;
      expect(layout.signature!.dataoff + layout.signature!.datasize).toBe(Number(linkedit.fileoff + linkedit.filesize));
      expect(layout.signature!.dataoff + layout.signature!.datasize).toBe(file.length);
    });
  }
});
