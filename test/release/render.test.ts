import { describe, expect, it } from "vitest";
import { renderInstaller, type RenderData } from "../../src/release/render.js";

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
    { kind: "updater", target: "x86_64-unknown-linux-gnu", file: "a-linux-update", sha256: "2".repeat(64), binaries: [] },
    { kind: "archive", target: "x86_64-pc-windows-msvc", file: "a-win.zip", sha256: "3".repeat(64), binaries: ["akaikatana.exe"] },
  ],
  ...o,
});

describe("renderInstaller", () => {
  it("fills every placeholder, the environment prefix by cargo-dist's rule (core/env-name.ts)", () => {
    const text = renderInstaller("APP='@@APP@@' P='@@ENV_PREFIX@@' V='@@VERSION@@' T='@@TAG@@' U='@@UPKEEP_VERSION@@'", "sh", data());
    expect(text).toBe("APP='akaikatana-repack' P='AKAIKATANA_REPACK' V='1.2.3' T='v1.2.3' U='0.1.0'");
  });

  it("lists only its own platform's artifacts; on Windows aliases get .exe", () => {
    const template = "A='@@ARTIFACTS@@'\nL='@@ALIASES@@'";
    expect(renderInstaller(template, "sh", data())).toBe(
      `A='archive x86_64-unknown-linux-gnu a-linux.tar.xz ${"1".repeat(64)} akaikatana\nupdater x86_64-unknown-linux-gnu a-linux-update ${"2".repeat(64)}'\nL='akaikatana ak'`,
    );
    expect(renderInstaller(template, "ps1", data())).toBe(
      `A='archive x86_64-pc-windows-msvc a-win.zip ${"3".repeat(64)} akaikatana.exe'\nL='akaikatana.exe ak.exe'`,
    );
  });

  it("refuses a value that would break out of its quotes, and a placeholder it does not know", () => {
    expect(() => renderInstaller("'@@OWNER@@'", "sh", data({ owner: "o'; rm -rf ~; '" }))).toThrow("cannot render OWNER");
    expect(() => renderInstaller("'@@REPO@@'", "sh", data({ repo: "r\nx" }))).toThrow("holds a quote or newline");
    expect(() => renderInstaller("@@NOPE@@ @@CONSTRUCTOR@@", "sh", data())).toThrow("unknown placeholder @@NOPE@@");
  });
});
