import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock } from "../../src/io/lock.js";
import { uninstall } from "../../src/update/uninstall.js";
import { installedApp, tmpDir } from "../helpers/fake-app.js";

// axolotlsay installed with its alias and updater, its receipt recording an rc line in .profile and an
// env file in the prefix (what installer.sh writes for a prefix of its own); optionally a second app.
function world(o: { second?: boolean; changes?: unknown[] } = {}) {
  const home = tmpDir();
  const prefixDir = path.join(home, "opt", "tools");
  const line = '. "$HOME/opt/tools/env"';
  const profile = path.join(home, ".profile");
  const envFile = path.join(prefixDir, "env");
  const changes = o.changes ?? [
    { type: "rc_line", file: profile, line },
    { type: "env_file", file: envFile },
  ];
  const a = installedApp({
    home,
    receipt: { install_prefix: prefixDir, binary_aliases: { axolotlsay: ["axo"] }, upkeep_path_changes: changes },
  });
  // installedApp puts cargo-home apps in ~/.cargo: move ours by giving the prefix ourselves.
  const bin = path.join(prefixDir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "axolotlsay"), "#!/bin/sh\n", { mode: 0o755 });
  symlinkSync("axolotlsay", path.join(bin, "axo"));
  writeFileSync(path.join(bin, "axolotlsay-update"), "#!/bin/sh\n", { mode: 0o755 });
  writeFileSync(path.join(bin, "not-ours"), "keep me\n");
  writeFileSync(envFile, "#!/bin/sh\nexport PATH=...\n");
  writeFileSync(profile, `# mine\n\n${line}\n`);
  if (o.second) installedApp({ app: "otherapp", home, receipt: { install_prefix: prefixDir } });
  const cacheDir = path.join(home, ".cache", "upkeep");
  const run = (extra: Record<string, unknown> = {}) => uninstall({ app: "axolotlsay", env: a.env, cwd: home, cacheDir, ...extra });
  return { home, bin, profile, envFile, line, receiptPath: a.receiptPath, cacheDir, run };
}

describe("uninstall (library)", () => {
  it("removes the binaries, alias, updater, recorded PATH changes and the receipt; never a file it does not name", async () => {
    const w = world();
    const r = await w.run();
    expect(r.result).toBe("uninstalled");
    expect(r.removed.map((i) => [i.kind, i.path])).toEqual([
      ["binary", path.join(w.bin, "axolotlsay")],
      ["alias", path.join(w.bin, "axo")],
      ["updater", path.join(w.bin, "axolotlsay-update")],
      ["rc_line", w.profile],
      ["env_file", w.envFile],
      ["receipt", w.receiptPath],
    ]);
    expect(r.left).toEqual([]);
    expect(readFileSync(w.profile, "utf8")).toBe("# mine\n");
    expect(readFileSync(path.join(w.bin, "not-ours"), "utf8")).toBe("keep me\n");
    for (const f of ["axolotlsay", "axo", "axolotlsay-update"]) expect(existsSync(path.join(w.bin, f))).toBe(false);
    expect(existsSync(w.envFile) || existsSync(w.receiptPath)).toBe(false);
  });

  it("--dry-run lists the same and changes nothing", async () => {
    const w = world();
    const dry = await w.run({ dryRun: true });
    expect(dry.result).toBe("would_uninstall");
    expect(existsSync(w.receiptPath) && existsSync(w.envFile) && existsSync(path.join(w.bin, "axo"))).toBe(true);
    expect(readFileSync(w.profile, "utf8")).toBe(`# mine\n\n${w.line}\n`);
    const real = await w.run();
    expect(real.removed).toEqual(dry.removed);
    expect(real.left).toEqual(dry.left);
  });

  it("another receipt naming the same prefix keeps every PATH change, each with its reason", async () => {
    const w = world({ second: true });
    const r = await w.run();
    expect(r.left).toEqual([
      { kind: "rc_line", path: w.profile, line: w.line, reason: "otherapp is installed in the same prefix and needs it" },
      { kind: "env_file", path: w.envFile, reason: "otherapp is installed in the same prefix and needs it" },
    ]);
    expect(readFileSync(w.profile, "utf8")).toBe(`# mine\n\n${w.line}\n`);
    expect(existsSync(w.envFile)).toBe(true);
  });

  it("never ~/.cargo/env nor a line sourcing it; a line no longer there is reported as left", async () => {
    const home = tmpDir();
    const cargoEnv = path.join(home, ".cargo", "env");
    const w = world({
      changes: [
        { type: "env_file", file: cargoEnv },
        { type: "rc_line", file: path.join(home, ".bashrc"), line: '. "$HOME/.cargo/env"' },
        { type: "rc_line", file: path.join(home, "x", ".zshrc"), line: "gone" },
      ],
    });
    // The receipt's paths were made before the world's HOME existed: rewrite them for this HOME.
    const text = readFileSync(w.receiptPath, "utf8").replaceAll(home, w.home);
    writeFileSync(w.receiptPath, text);
    mkdirSync(path.join(w.home, ".cargo"), { recursive: true });
    writeFileSync(path.join(w.home, ".cargo", "env"), "rustup's\n");
    writeFileSync(path.join(w.home, ".bashrc"), '. "$HOME/.cargo/env"\n');
    const r = await w.run();
    expect(r.left.map((l) => l.reason)).toEqual([
      "it is ~/.cargo/env, which rustup and other tools share",
      "it sources ~/.cargo/env, which rustup and other tools share",
      "the file is not there",
    ]);
    expect(readFileSync(path.join(w.home, ".cargo", "env"), "utf8")).toBe("rustup's\n");
    expect(readFileSync(path.join(w.home, ".bashrc"), "utf8")).toBe('. "$HOME/.cargo/env"\n');
  });

  it("a Windows user Path entry in the receipt is left on another system, saying where to remove it", async () => {
    const w = world({ changes: [{ type: "user_path", entry: "C:\\Users\\u\\.axolotlsay\\bin" }] });
    const r = await w.run();
    expect(r.left).toEqual([
      { kind: "user_path", path: "C:\\Users\\u\\.axolotlsay\\bin", reason: "it is an entry of the Windows user Path; uninstall on Windows to remove it" },
    ]);
  });

  it("refuses an updater the receipt does not describe (RECEIPT_MISMATCH), removing nothing", async () => {
    const w = world();
    const elsewhere = path.join(tmpDir(), "axolotlsay-update");
    writeFileSync(elsewhere, "#!/bin/sh\n", { mode: 0o755 });
    await expect(w.run({ executablePath: elsewhere })).rejects.toMatchObject({ code: "RECEIPT_MISMATCH" });
    expect(existsSync(w.receiptPath) && existsSync(path.join(w.bin, "axolotlsay"))).toBe(true);
  });

  it("waits for a running update's lock (LOCKED), removing nothing", async () => {
    const w = world();
    const lock = await acquireLock({ dir: path.join(w.cacheDir, "locks"), app: "axolotlsay", version: "0", waitMs: 0 });
    try {
      await expect(w.run({ env: { ...installedEnv(w.home), UPKEEP_LOCK_WAIT: "0" } })).rejects.toMatchObject({ code: "LOCKED" });
    } finally {
      await lock?.release();
    }
    expect(existsSync(path.join(w.bin, "axolotlsay"))).toBe(true);
  });

  it("a file that cannot be changed: NOT_WRITABLE naming it and what was already removed", async () => {
    const home = tmpDir();
    // A directory where a startup file should be: reading it fails (EISDIR) also for root.
    const dir = path.join(home, ".zshrc");
    const w = world({ changes: [{ type: "rc_line", file: dir, line: "x" }] });
    writeFileSync(w.receiptPath, readFileSync(w.receiptPath, "utf8").replaceAll(home, w.home));
    mkdirSync(path.join(w.home, ".zshrc"));
    const bins = ["axolotlsay", "axo", "axolotlsay-update"].map((f) => path.join(w.bin, f));
    await expect(w.run()).rejects.toMatchObject({
      code: "NOT_WRITABLE",
      message: `Could not remove ${path.join(w.home, ".zshrc")} while uninstalling axolotlsay (EISDIR). Already removed: ${bins.join(", ")}.`,
      details: { path: path.join(w.home, ".zshrc") },
    });
    // The receipt is removed last, so it is still there for a second run once the problem is fixed.
    expect(existsSync(w.receiptPath)).toBe(true);
  });
});

// The environment installedApp gives a HOME.
function installedEnv(home: string): Record<string, string> {
  return { HOME: home, PATH: "/usr/bin:/bin", TMPDIR: path.join(home, "tmp"), LANG: "C.UTF-8" };
}
