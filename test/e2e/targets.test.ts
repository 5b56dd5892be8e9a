// The executables built for other targets (npm run build -- --target all, which npm run setup runs):
// right file format and CPU, built on the right Node, the single-executable blob injected, the two Mac
// ones signed ad hoc (checked page by page by test/helpers/macho-reader.ts, which shares no code with
// the signer), and the Linux arm64 one actually run under qemu-user against the fake GitHub.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, openSync, readFileSync, readSync, closeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TARGETS, NOT_BUILDABLE } from "../../src/release/targets.js";
import { which } from "../helpers/installers.js";
import { adhocProblems, readMachO, readSignature } from "../helpers/macho-reader.js";
import { makeWorld } from "../helpers/world.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const exeOf = (target: string) => path.join(root, "dist", "targets", target, (TARGETS as Record<string, { exe: string }>)[target]!.exe);

// [target, what its header must say]
const FORMATS: Record<string, (h: Buffer) => string> = {
  "x86_64-unknown-linux-gnu": (h) => (h.readUInt32BE(0) === 0x7f454c46 && h.readUInt16LE(18) === 62 ? "ok" : "not an x86-64 ELF"),
  "aarch64-unknown-linux-gnu": (h) => (h.readUInt32BE(0) === 0x7f454c46 && h.readUInt16LE(18) === 183 ? "ok" : "not an AArch64 ELF"),
  "x86_64-apple-darwin": (h) => (h.readUInt32LE(0) === 0xfeedfacf && h.readUInt32LE(4) === 0x01000007 ? "ok" : "not an x86-64 Mach-O"),
  "aarch64-apple-darwin": (h) => (h.readUInt32LE(0) === 0xfeedfacf && h.readUInt32LE(4) === 0x0100000c ? "ok" : "not an arm64 Mach-O"),
  "x86_64-pc-windows-msvc": (h) => pe(h, 0x8664),
  "aarch64-pc-windows-msvc": (h) => pe(h, 0xaa64),
};
function pe(h: Buffer, machine: number): string {
  if (h.toString("latin1", 0, 2) !== "MZ") return "not a PE file";
  const at = h.readUInt32LE(0x3c);
  return h.toString("latin1", at, at + 4) === "PE\0\0" && h.readUInt16LE(at + 4) === machine ? "ok" : `not PE machine ${machine.toString(16)}`;
}
const head = (file: string) => {
  const fd = openSync(file, "r");
  const b = Buffer.alloc(4096);
  readSync(fd, b, 0, 4096, 0);
  closeSync(fd);
  return b;
};

describe("executables for other targets", () => {
  it("the table covers every release target: built here, or a reason why not", () => {
    for (const t of [
      "x86_64-unknown-linux-gnu",
      "aarch64-unknown-linux-gnu",
      "x86_64-unknown-linux-musl",
      "aarch64-unknown-linux-musl",
      "x86_64-apple-darwin",
      "aarch64-apple-darwin",
      "x86_64-pc-windows-msvc",
      "aarch64-pc-windows-msvc",
    ]) {
      expect(t in TARGETS || t in NOT_BUILDABLE, t).toBe(true);
    }
  });

  for (const target of Object.keys(TARGETS)) {
    const file = exeOf(target);
    const reason = existsSync(file) ? "" : ` (skipped: not built; run npm run build -- --target all, as npm run setup does)`;
    const version = TARGETS[target]!.version;
    it.skipIf(!existsSync(file))(`${target}: right format, Node ${version}, blob injected${reason}`, () => {
      expect(FORMATS[target]!(head(file))).toBe("ok");
      const bytes = readFileSync(file);
      expect(bytes.includes("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1")).toBe(true);
      expect(bytes.includes(`v${version}\0`)).toBe(true);
    });
  }

  for (const target of Object.keys(TARGETS).filter((t) => t.endsWith("-apple-darwin"))) {
    const file = exeOf(target);
    const reason = existsSync(file) ? "" : ` (skipped: not built; run npm run build -- --target all, as npm run setup does)`;
    it.skipIf(!existsSync(file))(`${target}: signed ad hoc, every page's hash verifies, identifier upkeep, no CMS blob${reason}`, () => {
      const bytes = readFileSync(file);
      expect(adhocProblems(bytes, "upkeep")).toEqual([]);
      // The same facts, spelled out: what a reader of this test looks for.
      const macho = readMachO(bytes);
      const sig = readSignature(bytes, macho);
      const cd = sig.codeDirectories[0]!;
      expect(macho.segments.map((s) => s.name)).toContain("NODE_SEA");
      expect(sig.blobs.map((b) => b.type)).toEqual([0, 2]);
      expect(sig.blobs[1]!.bytes.toString("hex")).toBe("fade0c010000000c00000000");
      expect(cd).toMatchObject({ flags: 0x2, identifier: "upkeep", hashType: 2, pageSize: 12, codeLimit: macho.codeSignature!.dataoff, execSegFlags: 1n });
      expect(cd.version).toBeGreaterThanOrEqual(0x20400);
      expect(cd.nCodeSlots).toBe(Math.ceil(macho.codeSignature!.dataoff / 4096));
    });
  }

  const arm = exeOf("aarch64-unknown-linux-gnu");
  const qemu = which("qemu-aarch64");
  const sysroot = "/usr/aarch64-linux-gnu";
  const missing = !existsSync(arm)
    ? "not built"
    : !qemu
      ? "qemu-user is not installed"
      : !existsSync(`${sysroot}/lib/ld-linux-aarch64.so.1`)
        ? "libc6-arm64-cross is not installed"
        : "";
  it.skipIf(missing !== "")(
    `aarch64-unknown-linux-gnu runs under qemu-user: name from its file, a real check against the fake GitHub${missing ? ` (skipped: ${missing}; npm run setup installs it)` : ""}`,
    async () => {
      const { updater, env } = await makeWorld({ updater: "none", alias: false, secrets: false });
      copyFileSync(arm, updater);
      const help = spawnSync(qemu, ["-L", sysroot, updater, "--help"], { encoding: "utf8" });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("Usage: axolotlsay-update");
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(qemu, ["-L", sysroot, updater, "--check", "--json"], { env, stdio: ["ignore", "pipe", "ignore"] });
        let stdout = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.on("close", (code) => resolve({ code, stdout }));
      });
      expect(r.code).toBe(100);
      expect(JSON.parse(r.stdout)).toMatchObject({ app: "axolotlsay", result: "update_available", new_version: "2.0.0" });
    },
  );
});
