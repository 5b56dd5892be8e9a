// The library API as a Node app uses it: `import { checkForUpdate, update, loadReceipt } from "upkeep"`.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkForUpdate, loadReceipt, update, UpdaterError } from "../../src/index.js";
import { tmpDir } from "../helpers/fake-app.js";
import { makeWorld } from "../helpers/world.js";

const world = () => makeWorld({ secrets: false, alias: false });

describe("library API", () => {
  it("loadReceipt returns the parsed receipt and where it was", async () => {
    const { app, env } = await world();
    const loaded = await loadReceipt({ app: "axolotlsay", env });
    expect(loaded.path).toBe(app.receiptPath);
    expect(loaded.receipt).toMatchObject({ version: "1.0.0", installPrefix: app.prefix, source: { owner: "axodotdev" } });
  });

  it("checkForUpdate reports without changing anything", async () => {
    const { env, gh } = await world();
    const r = await checkForUpdate({ app: "axolotlsay", env });
    expect(r).toMatchObject({ app: "axolotlsay", currentVersion: "1.0.0", updateAvailable: true, release: { version: "2.0.0", tag: "v2.0.0" } });
    expect(gh.log.filter((l) => l.server === "download")).toEqual([]);
  });

  it("update installs and reports through hooks", async () => {
    const { app, env } = await world();
    const verbose: string[] = [];
    let output = "";
    const r = await update({ app: "axolotlsay", env, hooks: { verbose: (l) => verbose.push(l), installerOutput: (t) => (output += t) } });
    expect(r).toMatchObject({ result: "updated", oldVersion: "1.0.0", newVersion: "2.0.0", tag: "v2.0.0", installPrefix: app.prefix });
    expect(execFileSync(path.join(app.bin, "axolotlsay"), { encoding: "utf8" })).toBe("axolotlsay 2.0.0\n");
    expect(output).toContain("everything's installed!");
    expect(verbose.some((l) => l.startsWith("Receipt "))).toBe(true);
  });

  it("dryRun and up-to-date runs download nothing", async () => {
    const { env, gh } = await world();
    expect((await update({ app: "axolotlsay", env, dryRun: true })).result).toBe("would_update");
    expect((await update({ app: "axolotlsay", env, request: { kind: "version", version: "1.0.0" } })).result).toBe("up_to_date");
    expect(gh.log.filter((l) => l.server === "download")).toEqual([]);
  });

  it("with executablePath, refuses a copy outside the receipt's prefix", async () => {
    const { env } = await world();
    const elsewhere = path.join(tmpDir(), "axolotlsay-update");
    await expect(update({ app: "axolotlsay", env, executablePath: elsewhere })).rejects.toSatisfy(
      (e: unknown) => UpdaterError.is(e) && e.code === "RECEIPT_MISMATCH" && e.message.includes(path.dirname(elsewhere)),
    );
  });

  it("errors are UpdaterErrors with stable codes", async () => {
    await expect(loadReceipt({ app: "axolotlsay", env: { HOME: tmpDir() } })).rejects.toMatchObject({ code: "RECEIPT_NOT_FOUND", name: "UpdaterError" });
  });
});
