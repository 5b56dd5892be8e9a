// The ad-hoc signer, checked by a reader that shares no code with it (test/helpers/macho-reader.ts):
// on tiny synthetic files for the edge cases, and on Node's own Mac binaries, whose signatures Apple's
// codesign made: re-signing them ad hoc must give exactly Apple's page hashes. The controls at the end
// prove the reader's verifier fails where it should.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/release/checkout.js";
import { CPU_ARM64, CPU_X86_64 } from "../../src/release/macho-layout.js";
import { adhocSign, adhocSignFile, signatureSize } from "../../src/release/macho-sign.js";
import { TARGETS } from "../../src/release/targets.js";
import { tmpDir } from "../helpers/fake-app.js";
import { adhocProblems, badPages, readMachO, readSignature, sha256CodeDirectory, syntheticMachO } from "../helpers/macho-reader.js";

const linkeditOf = (file: Buffer) => readMachO(file).segments.find((s) => s.name === "__LINKEDIT")!;

describe("adhocSign on a synthetic Mach-O", () => {
  for (const [cpu, page] of [
    [CPU_ARM64, 0x4000n],
    [CPU_X86_64, 0x1000n],
  ] as const) {
    it(`CPU 0x${cpu.toString(16)}: appends LC_CODE_SIGNATURE, the reader verifies it, __LINKEDIT grows in pages of ${page}`, () => {
      const file = syntheticMachO({ cputype: cpu, linkedit: 10_001 });
      const before = readMachO(file);
      const out = adhocSign(file, "upkeep");
      expect(adhocProblems(out, "upkeep")).toEqual([]);
      const after = readMachO(out);
      expect([after.ncmds, after.sizeofcmds]).toEqual([before.ncmds + 1, before.sizeofcmds + 16]);
      // The old end (0x4000 + 10001) rounded up to 16.
      expect(after.codeSignature!.dataoff).toBe(26_400);
      expect(after.codeSignature!.datasize).toBe(Math.ceil(signatureSize(26_400, "upkeep") / 16) * 16);
      const linkedit = linkeditOf(out);
      expect(linkedit.fileoff + linkedit.filesize).toBe(BigInt(out.length));
      expect(linkedit.vmsize % page).toBe(0n);
      expect(linkedit.vmsize >= linkedit.filesize).toBe(true);
      // Past the new load command every byte of the original is kept.
      const cmdsEnd = 32 + after.sizeofcmds;
      expect(out.subarray(cmdsEnd, file.length).equals(file.subarray(cmdsEnd))).toBe(true);
      expect(out.subarray(file.length, after.codeSignature!.dataoff).every((b) => b === 0)).toBe(true);
    });
  }

  it("re-signing a file it signed keeps dataoff and datasize and gives the same bytes", () => {
    const once = adhocSign(syntheticMachO({ cputype: CPU_ARM64 }), "upkeep");
    expect(adhocSign(once, "upkeep").equals(once)).toBe(true);
  });

  it("reuses an old LC_CODE_SIGNATURE with room to spare: dataoff, datasize and __LINKEDIT kept, the old blob zeroed", () => {
    const file = syntheticMachO({ cputype: CPU_ARM64, signatureSpace: 65_536 });
    const old = readMachO(file);
    const out = adhocSign(file, "upkeep");
    expect(adhocProblems(out, "upkeep")).toEqual([]);
    expect(out.length).toBe(file.length);
    expect(readMachO(out).codeSignature).toEqual(old.codeSignature);
    expect(linkeditOf(out)).toEqual(linkeditOf(file));
    const sigEnd = old.codeSignature!.dataoff + readSignature(out).length;
    expect(out.subarray(sigEnd).every((b) => b === 0)).toBe(true);
    // Nothing before the signature changed, so the first page (the load commands) is as it was.
    expect(out.subarray(0, old.codeSignature!.dataoff).equals(file.subarray(0, old.codeSignature!.dataoff))).toBe(true);
  });

  it("grows an old LC_CODE_SIGNATURE too small for the new blob, and __LINKEDIT with it", () => {
    const file = syntheticMachO({ cputype: CPU_X86_64, signatureSpace: 16 });
    const out = adhocSign(file, "upkeep");
    expect(adhocProblems(out, "upkeep")).toEqual([]);
    const cs = readMachO(out).codeSignature!;
    expect(cs.dataoff).toBe(readMachO(file).codeSignature!.dataoff);
    expect(cs.datasize).toBe(Math.ceil(signatureSize(cs.dataoff, "upkeep") / 16) * 16);
    expect(linkeditOf(out).filesize).toBe(linkeditOf(file).filesize - 16n + BigInt(cs.datasize));
    expect(linkeditOf(out).vmsize % 0x1000n).toBe(0n);
  });

  it("hashes the file's own pages: one changed byte before signing changes exactly that page's slot", () => {
    const file = syntheticMachO({ cputype: CPU_ARM64, linkedit: 20_000 });
    const a = sha256CodeDirectory(readSignature(adhocSign(file, "upkeep")));
    file[5 * 4096 + 7]! ^= 0xff;
    const b = sha256CodeDirectory(readSignature(adhocSign(file, "upkeep")));
    const differ = a.codeHashes.flatMap((h, i) => (h.equals(b.codeHashes[i]!) ? [] : [i]));
    expect(differ).toEqual([5]);
  });

  it("writes the identifier it is given", () => {
    const out = adhocSign(syntheticMachO({ cputype: CPU_ARM64 }), "com.example.tool");
    expect(adhocProblems(out, "com.example.tool")).toEqual([]);
    expect(sha256CodeDirectory(readSignature(out)).identifier).toBe("com.example.tool");
  });

  it("adhocSignFile signs a file in place", () => {
    const file = path.join(tmpDir(), "tool");
    writeFileSync(file, syntheticMachO({ cputype: CPU_ARM64 }));
    adhocSignFile(file, "upkeep");
    expect(adhocProblems(readFileSync(file), "upkeep")).toEqual([]);
  });

  const full = () => {
    const f = syntheticMachO({ cputype: CPU_ARM64 });
    f.fill(7, 32 + f.readUInt32LE(20), 0x1000);
    return f;
  };
  const linkeditNotLast = () => {
    const f = syntheticMachO({ cputype: CPU_ARM64 });
    f.writeBigUInt64LE(1n << 40n, 32 + 40); // __TEXT's fileoff, now past __LINKEDIT's
    return f;
  };
  const outsideLinkedit = () => {
    const f = syntheticMachO({ cputype: CPU_ARM64, signatureSpace: 64 });
    f.writeUInt32LE(0x100, 32 + 232);
    return f;
  };
  // [what, file, identifier, the error]
  const refused: [string, () => Buffer, string, string][] = [
    ["a universal file", () => Buffer.from(`cafebabe${"00".repeat(60)}`, "hex"), "upkeep", "is a universal (fat) Mach-O"],
    [
      "no room for LC_CODE_SIGNATURE",
      () => syntheticMachO({ cputype: CPU_ARM64, sectionOffset: 32 + 224 + 8 }),
      "upkeep",
      "8 bytes free after the load commands, 16 needed",
    ],
    ["bytes in use after the load commands", full, "upkeep", "the bytes after the load commands are not free"],
    [
      "bytes after __LINKEDIT",
      () => syntheticMachO({ cputype: CPU_ARM64, trailing: 5 }),
      "upkeep",
      "tool: __LINKEDIT ends at 26384, but the file is 26389 bytes; the signature must be last",
    ],
    [
      "bytes after an old signature",
      () => syntheticMachO({ cputype: CPU_ARM64, signatureSpace: 64, trailing: 3 }),
      "upkeep",
      "3 bytes after the code signature",
    ],
    ["an old signature outside __LINKEDIT", outsideLinkedit, "upkeep", "LC_CODE_SIGNATURE's dataoff 256 is not a 16-byte aligned offset inside __LINKEDIT"],
    ["__LINKEDIT that is not the last segment", linkeditNotLast, "upkeep", "__LINKEDIT is not the last segment"],
    ["an empty identifier", () => syntheticMachO({ cputype: CPU_ARM64 }), "", "the signing identifier must be a non-empty string"],
  ];
  for (const [what, make, identifier, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => adhocSign(make(), identifier, "tool")).toThrow(message);
    });
  }
});

describe("Node's own Mac binaries, signed by Apple", () => {
  for (const target of ["aarch64-apple-darwin", "x86_64-apple-darwin"]) {
    const t = TARGETS[target]!;
    const bin = path.join(ROOT, ".cache", "node", `${t.pkg}-${t.version}`, "package", t.file);
    const missing = existsSync(bin) ? "" : ` (skipped: ${path.relative(ROOT, bin)} is missing; npm run setup puts it there)`;
    let memo: { file: Buffer; signed: Buffer } | undefined;
    const files = () => {
      const file = readFileSync(bin);
      memo ??= { file, signed: adhocSign(file, "upkeep", bin) };
      return memo;
    };

    it.skipIf(missing !== "")(`${t.pkg}@${t.version}: the reader reads Apple's CodeDirectory and verifies it page by page${missing}`, () => {
      const { file } = files();
      const macho = readMachO(file);
      const sig = readSignature(file, macho);
      const cd = sha256CodeDirectory(sig);
      const text = macho.segments.find((s) => s.name === "__TEXT")!;
      expect(cd).toMatchObject({ identifier: "node", hashType: 2, hashSize: 32, pageSize: 12, codeLimit: macho.codeSignature!.dataoff });
      expect(cd.nCodeSlots).toBe(Math.ceil(cd.codeLimit / 4096));
      expect([cd.execSegBase, cd.execSegLimit, cd.execSegFlags]).toEqual([text.fileoff, text.filesize, 1n]);
      // A Developer ID signature: hardened runtime, a CMS blob, entitlements.
      expect(cd.flags & 0x10000).toBe(0x10000);
      expect(sig.blobs.map((b) => b.type)).toContain(0x10000);
      expect(badPages(file, cd)).toEqual([]);
    });

    it.skipIf(missing !== "")(`${t.pkg}@${t.version}: re-signed ad hoc, a copy has exactly Apple's page hashes, slot for slot${missing}`, () => {
      const { file, signed } = files();
      const apple = sha256CodeDirectory(readSignature(file));
      const ours = sha256CodeDirectory(readSignature(signed));
      expect(ours.nCodeSlots).toBe(apple.nCodeSlots);
      const differ = apple.codeHashes.flatMap((h, i) => (h.equals(ours.codeHashes[i]!) ? [] : [i]));
      expect(differ).toEqual([]);
      // Apple's space is big enough: same dataoff, datasize, file size; no byte before the signature changed.
      expect(readMachO(signed).codeSignature).toEqual(readMachO(file).codeSignature);
      expect(signed.length).toBe(file.length);
      expect(adhocProblems(signed, "upkeep")).toEqual([]);
    });

    // Each control changes bytes of the re-signed copy, checks the reader names the change, and undoes it.
    type Change = { at: (signed: Buffer) => number; to: (old: Buffer) => Buffer; problem: (signed: Buffer) => string | RegExp };
    const control = (what: string, { at, to, problem }: Change) =>
      it.skipIf(missing !== "")(`control, ${t.pkg}: ${what} → the reader reports it${missing}`, () => {
        const { signed } = files();
        const offset = at(signed);
        const expected = problem(signed);
        const saved = Buffer.from(signed.subarray(offset, offset + 8));
        const changed = to(saved);
        changed.copy(signed, offset);
        try {
          const problems = adhocProblems(signed, "upkeep");
          expect(
            problems.some((p) => (typeof expected === "string" ? p === expected : expected.test(p))),
            problems.join("\n"),
          ).toBe(true);
        } finally {
          saved.copy(signed, offset);
        }
        expect(adhocProblems(signed, "upkeep")).toEqual([]);
      });
    const flip = (old: Buffer) => Buffer.from([old[0]! ^ 0xff]);
    const dataoff = (s: Buffer) => readMachO(s).codeSignature!.dataoff;
    const cdAt = (s: Buffer) => dataoff(s) + 28;
    control("one byte flipped inside page 1000", { at: () => 1000 * 4096 + 123, to: flip, problem: () => "page 1000: hash mismatch" });
    control("one byte flipped in the last, partial page", {
      at: (s) => dataoff(s) - 1,
      to: flip,
      problem: (s) => `page ${Math.ceil(dataoff(s) / 4096) - 1}: hash mismatch`,
    });
    control("the CodeDirectory's flags set to runtime|adhoc", {
      at: (s) => cdAt(s) + 12,
      to: () => Buffer.from([0, 1, 0, 2]),
      problem: () => "flags is 65538, expected 2",
    });
    control("execSegLimit zeroed", {
      at: (s) => cdAt(s) + 72,
      to: () => Buffer.alloc(8),
      problem: (s) => `execSegLimit is 0, expected ${readMachO(s).segments[1]!.filesize}`,
    });
    control("the identifier changed", { at: (s) => cdAt(s) + 88, to: () => Buffer.from("X"), problem: () => "identifier is Xpkeep, expected upkeep" });
    control("the requirements blob given a count of 1", {
      at: (s) => dataoff(s) + readSignature(s).blobs[1]!.offset + 8,
      to: () => Buffer.from([0, 0, 0, 1]),
      problem: () => "the requirements blob is not an empty requirements set",
    });
    control("the requirements slot retyped as a CMS blob", {
      at: (s) => dataoff(s) + 20,
      to: () => Buffer.from([0, 1, 0, 0]),
      problem: () => "a CMS blob (slot 0x10000) is present",
    });
    control("__LINKEDIT's filesize cut to 0", {
      at: (s) => linkeditOf(s).at + 48,
      to: () => Buffer.alloc(8),
      problem: (s) => `__LINKEDIT ends at ${linkeditOf(s).fileoff}, before the signature's end ${s.length}`,
    });
  }
});
