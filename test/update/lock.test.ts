// The lock step: one update per app at a time, and what an interrupted run left behind.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { createBackup } from "../../src/io/backup.js";
import type { Warning } from "../../src/types.js";
import { locate, readReceipt } from "../../src/update/locate.js";
import { afterLock, takeLock } from "../../src/update/lock.js";
import { journalTrust } from "../../src/update/transaction.js";
import { installedApp, tmpDir } from "../helpers/fake-app.js";

describe("takeLock", () => {
  it("takes <cache>/locks/<app>.lock, none for a dry run", async () => {
    const app = installedApp();
    const cacheDir = tmpDir();
    const lock = await takeLock(resolveConfig({ app: "axolotlsay", env: app.env, cacheDir }));
    expect(lock?.path).toBe(path.join(cacheDir, "locks", "axolotlsay.lock"));
    await lock?.release();
    expect(readdirSync(path.join(cacheDir, "locks"))).toEqual([]);
    expect(await takeLock(resolveConfig({ app: "axolotlsay", env: app.env, cacheDir, dryRun: true }))).toBeUndefined();
  });
});

// An installed app, its config (with a cache of its own), its receipt and where it is.
async function located(o: { dryRun?: boolean } = {}) {
  const app = installedApp();
  const config = resolveConfig({ app: "axolotlsay", env: app.env, cacheDir: tmpDir(), ...o });
  const loaded = await readReceipt(config);
  return { config, loaded, where: await locate(config, loaded) };
}

describe("afterLock", () => {
  it("warns when there is no lock, and restores what an interrupted run of ours left", async () => {
    const { config, loaded, where } = await located();
    const binary = path.join(where.binDir, "axolotlsay");
    // A run killed after its backup, with the binary half-replaced.
    await createBackup([binary], where.binDir, "axolotlsay", journalTrust(config));
    writeFileSync(binary, "garbage");
    const warnings: Warning[] = [];
    const now = await afterLock(config, where, loaded, undefined, warnings);
    expect(now.receipt.version).toBe("1.0.0");
    expect(warnings.map((w) => w.code)).toEqual(["LOCK_UNAVAILABLE", "RECOVERED"]);
    expect(readFileSync(binary, "utf8")).toBe('#!/bin/sh\necho "axolotlsay 1.0.0"\n');
    expect(readdirSync(where.binDir).filter((n) => n.includes("upkeep-backup"))).toEqual([]);
  });

  it("names the files an interrupted installer wrote over in place through a hard-linked backup", async () => {
    const { config, loaded, where } = await located();
    const binary = path.join(where.binDir, "axolotlsay");
    const alias = path.join(where.binDir, "axolotlsay-update");
    writeFileSync(alias, "#!/bin/sh\necho upkeep 0.1.0\n", { mode: 0o755 });
    // Killed after a hard-link backup, while its installer rewrote one file in place and replaced the other.
    await createBackup([binary, alias], where.binDir, "axolotlsay", journalTrust(config), { hardLink: new Set([binary]) });
    writeFileSync(binary, "garbage written in place");
    rmSync(alias);
    writeFileSync(alias, "new");
    const warnings: Warning[] = [];
    await afterLock(config, where, loaded, undefined, warnings);
    const recovered = warnings.find((w) => w.code === "RECOVERED");
    expect(recovered?.message).toContain("restored 1 files");
    expect(recovered?.message).toContain(`Could not restore ${binary}: the interrupted installer wrote over them in place`);
    expect(readFileSync(alias, "utf8")).toBe("#!/bin/sh\necho upkeep 0.1.0\n");
  });

  it("leaves a backup that is not provably ours alone, with a warning", async () => {
    const { config, loaded, where } = await located();
    const planted = path.join(where.binDir, ".axolotlsay-upkeep-backup-planted");
    mkdirSync(planted, { mode: 0o700 });
    writeFileSync(path.join(planted, "journal.json"), JSON.stringify({ version: 1, state: "installing", pid: 1, nonce: "x", entries: [] }), { mode: 0o600 });
    const lock = await takeLock(config);
    const warnings: Warning[] = [];
    try {
      await afterLock(config, where, loaded, lock, warnings);
    } finally {
      await lock?.release();
    }
    expect(warnings.map((w) => w.code)).toEqual(["JOURNAL_IGNORED"]);
    expect(readdirSync(where.binDir)).toContain(".axolotlsay-upkeep-backup-planted");
  });

  it("a dry run re-reads nothing and cleans nothing", async () => {
    const { config, loaded, where } = await located({ dryRun: true });
    const warnings: Warning[] = [];
    expect(await afterLock(config, where, loaded, undefined, warnings)).toBe(loaded);
    expect(warnings).toEqual([]);
  });
});
