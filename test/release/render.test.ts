import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { machineHelp } from "../../src/cli/help.js";
import { testKeyPair } from "../helpers/minisign.js";
import { isUpkeep, renderInstaller, UPKEEP_MARKER, type RenderData } from "../../src/release/render.js";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist");

const data = (o: Partial<RenderData> = {}): RenderData => ({
  app: "akaikatana-repack",
  version: "1.2.3",
  tag: "v1.2.3",
  owner: "o",
  repo: "r",
  baseUrl: "https://github.com/o/r/releases/download/v1.2.3",
  installPath: "CARGO_HOME",
  upkeepVersion: "0.1.0",
  aliases: [["akaikatana", "ak"]],
  artifacts: [
    { kind: "archive", target: "x86_64-unknown-linux-gnu", file: "a-linux.tar.xz", sha256: "1".repeat(64), binaries: ["akaikatana"] },
    { kind: "updater", target: "x86_64-unknown-linux-gnu", file: "a-linux-update", sha256: "2".repeat(64), binaries: [], upkeep: true },
    { kind: "updater-xz", target: "x86_64-unknown-linux-gnu", file: "a-linux-update.xz", sha256: "4".repeat(64), binaries: [] },
    { kind: "archive", target: "x86_64-pc-windows-msvc", file: "a-win.zip", sha256: "3".repeat(64), binaries: ["akaikatana.exe"] },
    { kind: "updater", target: "x86_64-pc-windows-msvc", file: "a-win-update", sha256: "5".repeat(64), binaries: [] },
    { kind: "updater-zip", target: "x86_64-pc-windows-msvc", file: "a-win-update.zip", sha256: "6".repeat(64), binaries: [] },
  ],
  ...o,
});

describe("renderInstaller", () => {
  it("fills every placeholder, the environment prefix by cargo-dist's rule (core/env-name.ts)", () => {
    const text = renderInstaller("APP='@@APP@@' P='@@ENV_PREFIX@@' V='@@VERSION@@' T='@@TAG@@' U='@@UPKEEP_VERSION@@'", "sh", data());
    expect(text).toBe("APP='akaikatana-repack' P='AKAIKATANA_REPACK' V='1.2.3' T='v1.2.3' U='0.1.0'");
  });

  it("lists only its own platform's artifacts, an updater that is upkeep marked so; on Windows aliases get .exe", () => {
    const template = "A='@@ARTIFACTS@@'\nL='@@ALIASES@@'";
    expect(renderInstaller(template, "sh", data()).split("\n")).toEqual([
      `A='archive x86_64-unknown-linux-gnu a-linux.tar.xz ${"1".repeat(64)} akaikatana`,
      `updater x86_64-unknown-linux-gnu a-linux-update ${"2".repeat(64)} upkeep`,
      `updater-xz x86_64-unknown-linux-gnu a-linux-update.xz ${"4".repeat(64)}'`,
      "L='akaikatana ak'",
    ]);
    expect(renderInstaller(template, "ps1", data()).split("\n")).toEqual([
      `A='archive x86_64-pc-windows-msvc a-win.zip ${"3".repeat(64)} akaikatana.exe`,
      `updater x86_64-pc-windows-msvc a-win-update ${"5".repeat(64)}`,
      `updater-zip x86_64-pc-windows-msvc a-win-update.zip ${"6".repeat(64)}'`,
      "L='akaikatana.exe ak.exe'",
    ]);
  });

  it("refuses a value that would break out of its quotes, and a placeholder it does not know", () => {
    expect(() => renderInstaller("'@@OWNER@@'", "sh", data({ owner: "o'; rm -rf ~; '" }))).toThrow("cannot render OWNER");
    expect(() => renderInstaller("'@@REPO@@'", "sh", data({ repo: "r\nx" }))).toThrow("holds a quote or newline");
    expect(() => renderInstaller("@@NOPE@@ @@CONSTRUCTOR@@", "sh", data())).toThrow("unknown placeholder @@NOPE@@");
  });

  it("fills PUBLIC_KEYS with the key lines in order, space-separated, for both installers; empty when there are none", () => {
    const [a, b] = [testKeyPair(), testKeyPair()];
    // [kind, publicKeys, expected]
    const rows: ["sh" | "ps1", string[] | undefined, string][] = [
      ["sh", [a.publicKeyLine, b.publicKeyLine], `K='${a.publicKeyLine} ${b.publicKeyLine}'`],
      ["ps1", [b.publicKeyLine, a.publicKeyLine], `K='${b.publicKeyLine} ${a.publicKeyLine}'`],
      ["sh", [a.publicKeyLine], `K='${a.publicKeyLine}'`],
      ["sh", [], "K=''"],
      ["ps1", undefined, "K=''"],
    ];
    for (const [kind, publicKeys, expected] of rows) {
      expect(renderInstaller("K='@@PUBLIC_KEYS@@'", kind, data({ publicKeys })), `${kind} ${publicKeys?.length}`).toBe(expected);
    }
  });

  it("fills MIRROR_URL with the mirror the receipt records, empty for GitHub, for both installers", () => {
    const rows: ["sh" | "ps1", string | undefined, string][] = [
      ["sh", "https://m.example/axo", "M='https://m.example/axo'"],
      ["ps1", "https://m.example/axo", "M='https://m.example/axo'"],
      ["sh", undefined, "M=''"],
      ["ps1", "", "M=''"],
    ];
    for (const [kind, mirrorUrl, expected] of rows)
      expect(renderInstaller("M='@@MIRROR_URL@@'", kind, data({ mirrorUrl })), `${kind} ${mirrorUrl}`).toBe(expected);
  });

  it("refuses a key that is not one base64 word: the installers split the list on spaces", () => {
    const good = testKeyPair().publicKeyLine;
    for (const bad of [`${good} x`, `${good}'`, "$(id)", "k'$(id)'", `"${good}"`, `${good}\n`, "a\nb", ""]) {
      for (const kind of ["sh", "ps1"] as const) {
        expect(() => renderInstaller("K='@@PUBLIC_KEYS@@'", kind, data({ publicKeys: [good, bad] })), JSON.stringify(bad)).toThrow(
          `cannot render PUBLIC_KEYS: ${JSON.stringify(bad)} is not a base64 key line`,
        );
      }
    }
  });
});

describe("isUpkeep", () => {
  it("recognises upkeep by a phrase of upkeep's own help, in every upkeep executable built here, and in no other", () => {
    expect(machineHelp("0.0.0").replace(/\s+/g, " ")).toContain(UPKEEP_MARKER);
    const built = [
      path.join(dist, "upkeep"),
      ...(existsSync(path.join(dist, "targets")) ? readdirSync(path.join(dist, "targets")) : []).map((t) => {
        const dir = path.join(dist, "targets", t);
        return path.join(dir, readdirSync(dir).find((f) => f.startsWith("upkeep")) ?? "upkeep");
      }),
    ];
    expect(existsSync(built[0]!), "dist/upkeep is built by npm test").toBe(true);
    for (const exe of built.filter(existsSync)) expect(isUpkeep(readFileSync(exe)), exe).toBe(true);
    // Node itself (all of upkeep's runtime, none of its script) and an axoupdater-like script are not upkeep.
    expect(isUpkeep(readFileSync(process.execPath))).toBe(false);
    expect(isUpkeep(Buffer.from("#!/bin/sh\necho axoupdater\n"))).toBe(false);
    // A V8 snapshot keeps a script holding non-Latin-1 characters as UTF-16.
    expect(isUpkeep(Buffer.concat([Buffer.alloc(9), Buffer.from(`list [APP…] ${UPKEEP_MARKER}`, "utf16le")]))).toBe(true);
  });
});
