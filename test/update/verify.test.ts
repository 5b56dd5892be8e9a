import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { parseReceipt } from "../../src/core/receipt.js";
import { fileIdentity, type FileIdentity } from "../../src/io/probe.js";
import type { Release, Warning } from "../../src/types.js";
import { verifyInstall } from "../../src/update/verify.js";
import { makeReceipt, tmpDir } from "../helpers/fake-app.js";

const release: Release = { tag: "v2.0.0", version: "2.0.0", name: null, prerelease: false, draft: false, assets: [] };

// An install as the installer left it: a receipt of `version`, and these files in bin/.
function installed(o: { version?: string; files?: Record<string, [string, number]>; receiptText?: string } = {}) {
  const home = tmpDir();
  const bin = path.join(home, ".cargo", "bin");
  mkdirSync(bin, { recursive: true });
  const files = o.files ?? {
    axolotlsay: ['#!/bin/sh\necho "axolotlsay 2.0.0"\n', 0o755],
    "axolotlsay-update": ['#!/bin/sh\necho "upkeep 0.2.0"\n', 0o755],
  };
  for (const [name, [body, mode]] of Object.entries(files)) writeFileSync(path.join(bin, name), body, { mode });
  const receiptPath = path.join(home, ".config", "axolotlsay", "axolotlsay-receipt.json");
  mkdirSync(path.dirname(receiptPath), { recursive: true });
  writeFileSync(receiptPath, o.receiptText ?? JSON.stringify(makeReceipt({ version: o.version ?? "2.0.0", install_prefix: path.join(home, ".cargo") })));
  const env = { HOME: home, PATH: "/usr/bin:/bin" };
  const verbose: string[] = [];
  const config = resolveConfig({ app: "axolotlsay", env, hooks: { verbose: (line) => verbose.push(line) } });
  const loaded = {
    path: receiptPath,
    receipt: parseReceipt(JSON.stringify(makeReceipt()), { file: receiptPath, app: "axolotlsay" }).receipt,
    repairs: [],
    standardLocation: true,
  };
  const warnings: Warning[] = [];
  const updaterPath = path.join(bin, "axolotlsay-update");
  const verify = (expectUpdater = true, runningUpdater?: FileIdentity) =>
    verifyInstall({ config, loaded, release, binDir: bin, updaterPath, expectUpdater, env, runningUpdater }, warnings);
  return { verify, warnings, home, bin, updaterPath, verbose };
}

describe("verifyInstall", () => {
  it("passes a good install and returns the new receipt", async () => {
    const w = installed();
    expect((await w.verify()).version).toBe("2.0.0");
    expect(w.warnings).toEqual([]);
  });

  // [label, install, message substring]
  const failures: [string, Parameters<typeof installed>[0], string][] = [
    ["the receipt still names the old version", { version: "1.0.0" }, "still says version 1.0.0, not 2.0.0"],
    ["the receipt is garbage", { receiptText: "{garbage" }, "unreadable receipt"],
    ["a listed binary is missing", { files: { "axolotlsay-update": ["#!/bin/sh\necho upkeep 1\n", 0o755] } }, "axolotlsay is missing or not executable"],
    [
      "a binary is not executable",
      { files: { axolotlsay: ["#!/bin/sh\n", 0o644], "axolotlsay-update": ["#!/bin/sh\necho upkeep 1\n", 0o755] } },
      "missing or not executable",
    ],
    [
      "a binary cannot execute",
      { files: { axolotlsay: ["\u007fELF garbage", 0o755], "axolotlsay-update": ["#!/bin/sh\necho upkeep 1\n", 0o755] } },
      "cannot be executed",
    ],
    ["the updater is gone", { files: { axolotlsay: ['#!/bin/sh\necho "axolotlsay 2.0.0"\n', 0o755] } }, "axolotlsay-update is gone"],
    [
      "the updater does not run",
      { files: { axolotlsay: ['#!/bin/sh\necho "axolotlsay 2.0.0"\n', 0o755], "axolotlsay-update": ["#!/bin/sh\nexit 3\n", 0o755] } },
      "does not run",
    ],
  ];
  for (const [label, setup, message] of failures) {
    it(`VERIFY_FAILED when ${label}`, async () => {
      await expect(installed(setup).verify()).rejects.toMatchObject({ code: "VERIFY_FAILED", message: expect.stringContaining(message) });
    });
  }

  it("accepts another updater (axoupdater has no -V, but answers --help)", async () => {
    const axo = '#!/bin/sh\nif [ "$1" = --help ]; then echo "Usage: axolotlsay-update [OPTIONS]"; exit 0; fi\necho "error: unexpected argument" >&2; exit 2\n';
    const w = installed({ files: { axolotlsay: ['#!/bin/sh\necho "axolotlsay 2.0.0"\n', 0o755], "axolotlsay-update": [axo, 0o755] } });
    await expect(w.verify()).resolves.toBeDefined();
  });

  it("warns, without failing, when a binary has no --version", async () => {
    const w = installed({
      files: { axolotlsay: ["#!/bin/sh\necho 'no such flag' >&2; exit 2\n", 0o755], "axolotlsay-update": ["#!/bin/sh\necho upkeep 1\n", 0o755] },
    });
    await w.verify();
    expect(w.warnings.map((x) => x.code)).toEqual(["VERSION_UNCONFIRMED"]);
  });

  it("does not look for an updater that was not there before", async () => {
    const w = installed({ files: { axolotlsay: ['#!/bin/sh\necho "axolotlsay 2.0.0"\n', 0o755] } });
    await expect(w.verify(false)).resolves.toBeDefined();
  });

  // An updater stand-in that records each run in $HOME/updater-runs and answers -V as upkeep does.
  const recording = '#!/bin/sh\necho "$*" >> "$HOME/updater-runs"\necho "upkeep 0.2.0"\n';
  const runs = (home: string): string[] =>
    existsSync(path.join(home, "updater-runs")) ? readFileSync(path.join(home, "updater-runs"), "utf8").trim().split("\n") : [];
  const bin: [string, number] = ['#!/bin/sh\necho "axolotlsay 2.0.0"\n', 0o755];

  // [label, what happens to the updater after its identity is taken, runs expected]
  const identity: [string, (w: ReturnType<typeof installed>) => void, number][] = [
    ["the very file running this update, untouched: not run again", () => {}, 0],
    [
      "the same path with a new file renamed over it (same bytes): run",
      (w) => {
        writeFileSync(`${w.updaterPath}.new`, recording, { mode: 0o755 });
        renameSync(`${w.updaterPath}.new`, w.updaterPath);
      },
      1,
    ],
    ["the same file written over in place (longer): run", (w) => writeFileSync(w.updaterPath, `${recording}# more\n`), 1],
  ];
  for (const [label, change, expected] of identity) {
    it(`the new updater is ${label}`, async () => {
      const w = installed({ files: { axolotlsay: bin, "axolotlsay-update": [recording, 0o755] } });
      const running = await fileIdentity(w.updaterPath);
      change(w);
      await w.verify(true, running);
      expect(runs(w.home)).toHaveLength(expected);
      expect(w.verbose.some((l) => l.startsWith(`Not running ${w.updaterPath} again`))).toBe(expected === 0);
    });
  }

  it("runs the new updater when the running one is another file", async () => {
    const w = installed({ files: { axolotlsay: bin, "axolotlsay-update": [recording, 0o755] } });
    const elsewhere = path.join(w.home, "running-upkeep");
    writeFileSync(elsewhere, recording, { mode: 0o755 });
    await w.verify(true, await fileIdentity(elsewhere));
    expect(runs(w.home)).toEqual(["-V"]);
  });

  it("runs the binaries' probes and the updater's at the same time", async () => {
    // Each program marks that it started and waits (up to 4 s) for the other's mark: run one after the
    // other, the first never sees the second's, and says so in what it prints.
    const meet = (me: string, other: string, says: string) =>
      `#!/bin/sh\n: > "$HOME/${me}"\ni=0\nwhile [ ! -e "$HOME/${other}" ] && [ $i -lt 80 ]; do sleep 0.05; i=$((i+1)); done\n` +
      `if [ -e "$HOME/${other}" ]; then echo "${says}"; else echo "${me} alone"; exit 1; fi\n`;
    const w = installed({
      files: {
        axolotlsay: [meet("bin-started", "updater-started", "axolotlsay 2.0.0"), 0o755],
        "axolotlsay-update": [meet("updater-started", "bin-started", "upkeep 0.2.0"), 0o755],
      },
    });
    await w.verify();
    expect(w.warnings).toEqual([]); // the binary printed its version: it met the updater
  });
});
