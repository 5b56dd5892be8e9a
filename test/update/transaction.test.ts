// The fault suite: ways an update can go wrong, and the recoveries around them. Real processes, real
// files, the fake GitHub on loopback; no mocks. Two kinds of case, counted separately at the end:
// - fault cases (every row of the table, the shared-upkeep rollback, the read-only prefix, SIGINT and
//   SIGTERM): they assert the exit status, the error code and message, and — through expectIntact —
//   that the previous version still runs with its receipt, alias and updater byte-for-byte as before,
//   with no backup, staging file or lock left behind; one more fault case, an installer that `cp`s over
//   files behind a receipt that claims it renames (its hard-linked backups change with them), cannot be
//   intact and asserts instead that the failure names the files it could not restore;
// - success-path cases (two concurrent updates, a stale lock, a backup left by a killed update): the
//   update completes, and expectUpdated checks the new version runs with nothing left behind. They do
//   not check a previous install (there is none to keep).
// The counts printed are of cases whose check actually ran to the end, not of cases started.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatLock } from "../../src/core/lock.js";
import { pidAlive } from "../../src/io/lock.js";
import { runCliWith, type CliRun } from "../helpers/cli.js";
import { tmpDir, type ReleaseOptions } from "../helpers/fake-app.js";
import { EXE as exe, makeWorld, OLD_UPDATER, type World } from "../helpers/world.js";

// Names of the tests whose expectIntact / expectUpdated ran to the end (a test counts once).
const intactChecked = new Set<string>();
const updatedChecked = new Set<string>();
const currentTest = (): string => expect.getState().currentTestName ?? "(unknown test)";

/**
 * A pid no process can have. Linux hands out pids below /proc/sys/kernel/pid_max only (allocation
 * wraps there; raising it needs root and still leaves it at most 2^22), so pid_max + 1 is dead now
 * and stays dead for the whole test. A child we spawned and reaped would not do: its pid is free
 * for reuse the moment it is reaped, and with the other test workers spawning processes in a
 * 32768-pid space it can be alive again by the time upkeep looks.
 */
function deadPid(): number {
  const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8").trim());
  expect(Number.isInteger(pidMax) && pidMax > 1, `pid_max ${pidMax}`).toBe(true);
  const pid = pidMax + 1;
  expect(pidAlive(pid), `pid ${pid} is alive`).toBe(false);
  return pid;
}

/**
 * Whether the process `pid` is still running as the process tagged `marker` (an environment variable
 * only that process was given). Gone means: no such pid, a zombie (exited, not yet reaped), or a pid
 * reused by a process that is not ours.
 */
function stillRunning(pid: number, marker: string): boolean {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  if (stat === "") return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  if (state === "Z" || state === "X") return false;
  return readOrEmpty(`/proc/${pid}/environ`).split("\0").includes(marker);
}
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Every file, directory and link under `dir`: type, mode, and contents or link target. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const file = path.join(d, name);
      const st = lstatSync(file);
      const key = path.relative(dir, file);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[key] = `link -> ${readlinkSync(file)}`;
      else if (st.isDirectory()) {
        out[key] = `dir ${mode}`;
        walk(file);
      } else out[key] = `file ${mode} ${readFileSync(file, "base64")}`;
    }
  };
  walk(dir);
  return out;
}

// axolotlsay 1.0.0 installed with an alias and an updater; the fake GitHub publishes 2.0.0 (built by `release`).
const world = (release: ReleaseOptions = {}) => makeWorld({ release, secrets: false });
// The previous install is intact, and nothing of the failed attempt is left.
const expectIntact = (w: World): void => {
  expect(w.intactFindings(), "the previous install is not intact").toEqual([]);
  intactChecked.add(currentTest());
};
// A success path: the new version runs (binary and alias) with its receipt, and nothing is left.
const expectUpdated = (w: World): void => {
  expect(w.updatedFindings("2.0.0"), "the update did not complete cleanly").toEqual([]);
  updatedChecked.add(currentTest());
};

type Row = {
  name: string;
  release?: ReleaseOptions;
  env?: Record<string, string>;
  setup?: (w: World) => void;
  code: string;
  message: string;
  restored: boolean;
};

const rows: Row[] = [
  {
    name: "installer exits 1",
    release: { prelude: "echo 'disk full' >&2; exit 1" },
    code: "INSTALLER_FAILED",
    message: "exited with status 1",
    restored: true,
  },
  {
    name: "installer exits 1 after deleting the binaries",
    release: { beforeReceipt: 'rm -f "$bindir/axolotlsay" "$bindir/axo" "$bindir/axolotlsay-update"; exit 1' },
    code: "INSTALLER_FAILED",
    message: "exited with status 1",
    restored: true,
  },
  {
    name: "installer killed by SIGKILL midway",
    release: { beforeReceipt: "kill -9 $$" },
    code: "INSTALLER_FAILED",
    message: "was killed by SIGKILL",
    restored: true,
  },
  {
    name: "installer exits 0 but installs nothing",
    release: { installerBody: "#!/bin/sh\nexit 0\n" },
    code: "VERIFY_FAILED",
    message: "still says version 1.0.0, not 2.0.0",
    restored: true,
  },
  {
    name: "installer exits 0 but writes a garbage receipt",
    release: { beforeReceipt: 'mkdir -p "$HOME/.config/axolotlsay"; echo "{garbage" > "$HOME/.config/axolotlsay/axolotlsay-receipt.json"; exit 0' },
    code: "VERIFY_FAILED",
    message: "unreadable receipt",
    restored: true,
  },
  {
    name: "installer exits 0 but removes the receipt",
    release: { beforeReceipt: 'rm -f "$HOME/.config/axolotlsay/axolotlsay-receipt.json"; exit 0' },
    code: "VERIFY_FAILED",
    message: "is gone",
    restored: true,
  },
  {
    name: "installer installs a binary that cannot execute",
    release: { beforeReceipt: 'printf \'\\177ELF garbage\' > "$bindir/axolotlsay"; chmod 755 "$bindir/axolotlsay"' },
    code: "VERIFY_FAILED",
    message: "cannot be executed",
    restored: true,
  },
  {
    name: "installer installs a binary without execute permission",
    release: { beforeReceipt: 'chmod 644 "$bindir/axolotlsay"' },
    code: "VERIFY_FAILED",
    message: "missing or not executable",
    restored: true,
  },
  {
    name: "installer puts a broken <app>-update in place",
    setup: (w) => {
      const broken = path.join(w.app.home, "broken-updater");
      writeFileSync(broken, "#!/bin/sh\nexit 3\n", { mode: 0o755 });
      w.env.FAKE_UPDATER = broken;
    },
    code: "VERIFY_FAILED",
    message: "the new axolotlsay-update does not run",
    restored: true,
  },
  {
    name: "the shell to run the installer is missing",
    env: { PATH: "/nonexistent" },
    code: "INSTALLER_FAILED",
    message: "could not be started (ENOENT)",
    restored: true,
  },
  {
    name: "prefix under a package-manager path",
    setup: (w) => {
      writeFileSync(w.app.receiptPath, readFileSync(w.app.receiptPath, "utf8").replace(w.app.prefix, "/opt/homebrew"));
    },
    code: "MANAGED_PREFIX",
    message: "belongs to Homebrew",
    restored: false,
  },
];

describe("fault suite", () => {
  afterAll(() => {
    console.info(
      `fault suite: ${intactChecked.size} fault cases asserted the previous install intact (expectIntact); ` +
        `${updatedChecked.size} success-path cases asserted the update completed with nothing left behind (expectUpdated)`,
    );
  });

  for (const row of rows) {
    it(row.name, async () => {
      const w = await world(row.release);
      row.setup?.(w);
      w.snapshot(); // a row's setup may edit the install on purpose (the receipt's prefix)
      if (row.code === "MANAGED_PREFIX") {
        // Run "from" the managed directory so the receipt matches. The install itself stays in the
        // temp HOME: nothing there may change (every file, mode and link), nothing be downloaded.
        const home = tree(w.app.home);
        const r = await runCliWith({ argv: ["--json"], env: w.env, invokedAs: "/opt/homebrew/bin/axolotlsay-update" });
        assertFailure(r, row);
        expect(r.json?.error.hint).toBe("Update it with brew upgrade axolotlsay.");
        expect(
          w.gh.log.filter((l) => l.server === "download"),
          "downloaded",
        ).toEqual([]);
        expect(tree(w.app.home), "the temp HOME changed").toEqual(home);
        expectIntact(w);
        return;
      }
      const r = await w.run(["--json"], row.env ?? {});
      assertFailure(r, row);
      expectIntact(w);
    });
  }

  // Backups by hard link or by copy (core/replace-mode.ts), against installers that replace files by
  // rename or `cp` over them in place. The installer records, before it touches anything, each file's
  // device:inode and link count, and those of the backup's entries: two names for one inode is a hard link.
  describe("backups by hard link or copy", () => {
    const placed = ["axolotlsay", "axolotlsay-update"];
    const recordLinks = [
      'd="$CARGO_DIST_FORCE_INSTALL_DIR/bin"',
      'for f in axolotlsay axolotlsay-update; do stat -c "$f %d:%i %h" "$d/$f"; for b in "$d"/.axolotlsay-upkeep-backup-*/[0-9]*-$f; do stat -c "backup-$f %d:%i %h" "$b"; done; done > "$HOME/links"',
    ].join("\n");
    // cargo-dist 0.9–0.12.0 placed binaries with `cp`, which rewrites the existing file in place.
    const cpOver = [
      recordLinks,
      'printf \'#!/bin/sh\\necho "axolotlsay 2.0.0"\\n\' > "$HOME/new-axolotlsay"',
      'printf \'#!/bin/sh\\necho "upkeep 0.2.0"\\n\' > "$HOME/new-update"',
      'cp "$HOME/new-axolotlsay" "$d/axolotlsay"',
      'cp "$HOME/new-update" "$d/axolotlsay-update"',
      "echo 'cp: error writing: No space left on device' >&2; exit 1",
    ].join("\n");
    // What a real cargo-dist 0.12.0 script carries: the receipt it will write, naming itself.
    const declares0120 = 'read -r RECEIPT <<EORECEIPT\n{"provider":{"source":"cargo-dist","version":"0.12.0"}}\nEORECEIPT';
    const withProvider = (w: World, provider: { source: string; version: string }): void =>
      w.updateReceipt({ ...JSON.parse(readFileSync(w.app.receiptPath, "utf8")), provider });
    const inode = (file: string): string => `${statSync(file).dev}:${statSync(file).ino}`;
    // name → [device:inode, link count] of what the installer saw.
    const seen = (w: World): Record<string, [string, number]> =>
      Object.fromEntries(
        readFileSync(path.join(w.app.home, "links"), "utf8")
          .trim()
          .split("\n")
          .map((l) => l.split(" "))
          .map(([name, id, n]) => [name, [id, Number(n)]]),
      );
    const inodes = (w: World): Record<string, string> => Object.fromEntries(placed.map((f) => [f, inode(path.join(w.app.bin, f))]));

    // [label, receipt's provider, installer prelude]: each one backs up by copy, so the cp-over is harmless.
    const copied: [string, { source: string; version: string }, string][] = [
      ["a cargo-dist 0.12.0 receipt", { source: "cargo-dist", version: "0.12.0" }, cpOver],
      ["a receipt that says upkeep, but the new installer says cargo-dist 0.12.0", { source: "upkeep", version: "0.1.0" }, `${declares0120}\n${cpOver}`],
    ];
    for (const [label, provider, prelude] of copied) {
      it(`an installer that cps over the binary and <app>-update, then fails, with ${label}: copies, restored byte for byte`, async () => {
        const w = await world({ prelude });
        withProvider(w, provider);
        w.snapshot();
        const before = inodes(w);
        const r = await w.run(["--json"]);
        assertFailure(r, { name: "", code: "INSTALLER_FAILED", message: "exited with status 1", restored: true });
        const links = seen(w);
        for (const f of placed) {
          expect(links[f]?.[1], `${f} had a second name while the installer ran`).toBe(1);
          expect(links[`backup-${f}`]?.[0], `the backup of ${f} is the same inode`).not.toBe(before[f]);
          expect(inode(path.join(w.app.bin, f)), `${f} is its backup copy, renamed back`).not.toBe(before[f]);
        }
        expectIntact(w);
      });
    }

    it("an installer that replaces by rename, then fails, with hard-link backups: the very same inodes come back", async () => {
      const w = await world({ prelude: recordLinks, beforeReceipt: "exit 1" });
      writeFileSync(path.join(w.app.home, "new-updater"), '#!/bin/sh\necho "upkeep 0.2.0"\n', { mode: 0o755 });
      w.env.FAKE_UPDATER = path.join(w.app.home, "new-updater");
      const before = inodes(w);
      const r = await w.run(["--json"]);
      assertFailure(r, { name: "", code: "INSTALLER_FAILED", message: "exited with status 1", restored: true });
      const links = seen(w);
      for (const f of placed) {
        expect(links[f], `${f} while the installer ran: its own inode, with a second name`).toEqual([before[f], 2]);
        expect(links[`backup-${f}`], `the backup of ${f}`).toEqual([before[f], 2]);
        expect(inode(path.join(w.app.bin, f)), `${f} after the rollback`).toBe(before[f]);
        expect(statSync(path.join(w.app.bin, f)).nlink).toBe(1);
      }
      expectIntact(w);
    });

    it("an installer that cps over files while the receipt claims rename (hard links): says which files it could not restore", async () => {
      // Nothing before the run tells this installer apart from a renaming one: the receipt says upkeep and
      // the script names cargo-dist 0.31.0. The in-place write reaches the hard-linked backups, so the old
      // bytes are gone; the failure says so instead of claiming a clean rollback.
      const w = await world({ prelude: cpOver });
      withProvider(w, { source: "upkeep", version: "0.1.0" });
      w.snapshot();
      const receipt = readFileSync(w.app.receiptPath);
      const r = await w.run(["--json"]);
      const error = r.json?.error ?? {};
      const lost = placed.map((f) => path.join(w.app.bin, f));
      expect(r.code).toBe(1);
      expect(error.code).toBe("INSTALLER_FAILED");
      expect(error.message).toContain(`Could not restore ${lost.join(", ")}: the installer wrote over them in place`);
      expect(error.message).toContain("The rest of axolotlsay 1.0.0 is back in place.");
      expect(error.message).not.toContain("unchanged");
      expect(error.hint).toBe("Reinstall axolotlsay to repair those files: axolotlsay-update --version 1.0.0 --force, or run its installer again.");
      expect(error.restored).toEqual(expect.arrayContaining([w.app.receiptPath, path.join(w.app.bin, "axo")]));
      expect(Object.values(seen(w)).map(([, n]) => n)).toEqual([2, 2, 2, 2]);
      expect(readFileSync(w.app.receiptPath).equals(receipt), "the receipt (a copy) is restored byte for byte").toBe(true);
      expect(readlinkSync(path.join(w.app.bin, "axo"))).toBe("axolotlsay");
      expect(readdirSync(w.app.bin).sort()).toEqual(["axo", "axolotlsay", "axolotlsay-update"]);
      expect(w.version(), "the binary is what the installer wrote").toBe("axolotlsay 2.0.0");
    });
  });

  describe("the new <app>-update is run to verify it unless it is the very file running this update", () => {
    // An updater stand-in that records each run of it in $HOME/updater-runs.
    const recording = '#!/bin/sh\necho "$*" >> "$HOME/updater-runs"\nif [ "$1" = -V ]; then echo "upkeep 0.0.1"; fi\n';
    const runs = (w: World): string[] => {
      const f = path.join(w.app.home, "updater-runs");
      return existsSync(f) ? readFileSync(f, "utf8").trim().split("\n") : [];
    };
    const skipped = (r: CliRun, w: World): boolean => r.stderr.includes(`Not running ${w.updater} again: it is the very file running this update`);

    it("the installer leaves it as it is: not run again", async () => {
      const w = await world();
      writeFileSync(w.updater, recording, { mode: 0o755 });
      const r = await w.run(["--verbose"]);
      expect(r.code, r.stderr).toBe(0);
      expect(runs(w)).toEqual([]);
      expect(skipped(r, w)).toBe(true);
      expectUpdated(w);
    });

    it("the installer puts another file there: run", async () => {
      const w = await world();
      writeFileSync(w.updater, recording, { mode: 0o755 });
      writeFileSync(path.join(w.app.home, "new-updater"), recording, { mode: 0o755 });
      w.env.FAKE_UPDATER = path.join(w.app.home, "new-updater");
      const r = await w.run(["--verbose"]);
      expect(r.code, r.stderr).toBe(0);
      expect(runs(w)).toEqual(["-V"]);
      expect(skipped(r, w)).toBe(false);
      expectUpdated(w);
    });

    it("the built executable as <app>-update (a link to dist/upkeep), left as it is: not run again", async () => {
      // Here the file running the update is the single executable itself (process.execPath), reached
      // through the link it was started by: the same device and inode after the installer.
      const w = await makeWorld({ secrets: false, updater: "link" });
      const r = await w.runExe(["--verbose"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `Not running ${w.updater} again: it is the very file running this update (device ${statSync(exe).dev}, inode ${statSync(exe).ino}`,
      );
      expectUpdated(w);
    });

    it("the installer links it to the same file in the shared store again: not run again", async () => {
      const store = path.join(tmpDir(), "upkeep", "0.1.0-aaaaaaaaaaaa", "upkeep");
      const w = await world({ beforeReceipt: `ln -sf '${store}' "$bindir/axolotlsay-update"` });
      mkdirSync(path.join(path.dirname(store), "users"), { recursive: true });
      writeFileSync(store, recording, { mode: 0o755 });
      rmSync(w.updater);
      symlinkSync(store, w.updater);
      const r = await w.run(["--verbose"]);
      expect(r.code, r.stderr).toBe(0);
      expect(readlinkSync(w.updater)).toBe(store);
      expect(runs(w)).toEqual([]);
      expect(skipped(r, w)).toBe(true);
      expectUpdated(w);
    });
  });

  it("two concurrent updates: one updates, the other waits, then fails with LOCKED naming the holder", async () => {
    const w = await world({ prelude: "sleep 1.5" });
    const [a, b] = await Promise.all([w.run(["--json"]), new Promise<CliRun>((r) => setTimeout(() => void w.run(["--json"]).then(r), 300))]);
    expect(a.code).toBe(0);
    expect(a.json?.result).toBe("updated");
    expect(b.code).toBe(1);
    expect(b.json?.error).toMatchObject({ code: "LOCKED", message: expect.stringContaining(`pid ${process.pid} on ${os.hostname()}`) });
    expectUpdated(w);
  });

  it("a stale lock from a dead process is taken over", async () => {
    const w = await world();
    const dead = deadPid();
    mkdirSync(path.join(w.cache, "locks"), { recursive: true });
    writeFileSync(
      path.join(w.cache, "locks", "axolotlsay.lock"),
      formatLock({ pid: dead, host: os.hostname(), started: Date.now() - 5000, app: "axolotlsay", version: "0.1.0" }),
    );
    const r = await w.run(["--json"]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json?.result).toBe("updated");
    expectUpdated(w);
  });

  it("an update killed mid-install (SIGKILL: backup left behind) is rolled back on the next run, which then updates", async () => {
    // The first installer run replaces the binary, records its pid and hangs; upkeep is then killed
    // outright, as by the OOM killer or a power cut, so only its journal is left to undo the half install.
    const w = await world({ beforeReceipt: 'if [ ! -e "$HOME/hung-once" ]; then : > "$HOME/hung-once"; echo $$ > "$HOME/installer.pid"; exec sleep 30; fi' });
    copyFileSync(exe, w.updater);
    const pidFile = path.join(w.app.home, "installer.pid");
    const child = spawn(w.updater, ["--json"], { env: w.env, stdio: "ignore" });
    const closed = new Promise((r) => child.on("close", r));
    const written = (): number => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0);
    for (let i = 0; i < 500 && written() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    process.kill(written(), "SIGKILL");
    await closed;
    expect(spawnSync(path.join(w.app.bin, "axolotlsay"), { encoding: "utf8" }).stdout, "the kill left a half-done install").toBe("axolotlsay 2.0.0\n");
    expect(
      readdirSync(w.app.bin).filter((f) => f.includes("upkeep-backup")),
      "the journal was left behind",
    ).toHaveLength(1);
    const r = await w.run(["--json", "--check"]);
    expect(r.code).toBe(100); // --check changes nothing, not even a recovery
    const up = await w.run(["--json"]);
    expect(up.code, up.stdout).toBe(0);
    expect(up.json?.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: "RECOVERED" })]));
    expectUpdated(w);
  });

  it("a failed install that had already switched to a new shared upkeep (and deleted the old one) is rolled back whole", async () => {
    const w = await world({
      beforeReceipt: [
        'new="$HOME/.local/share/upkeep/0.2.0-bbbbbbbbbbbb"',
        'mkdir -p "$new/users"',
        'printf \'#!/bin/sh\\necho "upkeep 0.2.0"\\n\' > "$new/upkeep"; chmod 755 "$new/upkeep"',
        'ln -sf "$new/upkeep" "$bindir/axolotlsay-update"',
        'rm -rf "$HOME/.local/share/upkeep/0.1.0-aaaaaaaaaaaa"',
        "exit 1",
      ].join("\n"),
    });
    // The updater is a link into upkeep's shared store, as our installers make it.
    const oldDir = path.join(w.app.home, ".local", "share", "upkeep", "0.1.0-aaaaaaaaaaaa");
    mkdirSync(path.join(oldDir, "users"), { recursive: true });
    writeFileSync(path.join(oldDir, "upkeep"), OLD_UPDATER, { mode: 0o755 });
    const entry = path.join(oldDir, "users", w.updater.replaceAll("/", "%"));
    writeFileSync(entry, `${w.updater}\n`);
    rmSync(w.updater);
    symlinkSync(path.join(oldDir, "upkeep"), w.updater);
    w.snapshot(); // the updater is now that link, on purpose
    const r = await w.run(["--json"]);
    assertFailure(r, { name: "", code: "INSTALLER_FAILED", message: "exited with status 1", restored: true });
    expect(readlinkSync(w.updater)).toBe(path.join(oldDir, "upkeep"));
    expect(readFileSync(w.updater, "utf8")).toBe(OLD_UPDATER);
    expect(readFileSync(entry, "utf8")).toBe(`${w.updater}\n`);
    expectIntact(w);
  });

  it("a read-only prefix: NOT_WRITABLE with the owner, before anything is downloaded", async () => {
    const w = await world();
    const isRoot = process.getuid?.() === 0;
    let r: { code: number | null; stderr: string };
    if (isRoot) {
      // root may write anywhere: run the real executable as an unprivileged user instead.
      for (let d = w.app.home; d !== path.dirname(d) && d.startsWith(os.tmpdir()); d = path.dirname(d)) chmodSync(d, 0o755);
      copyFileSync(exe, w.updater);
      const cp = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", w.updater], { env: w.env, encoding: "utf8" });
      r = { code: cp.status, stderr: cp.stderr };
      writeFileSync(w.updater, OLD_UPDATER, { mode: 0o755 });
    } else {
      chmodSync(w.app.bin, 0o555);
      r = await w.run();
      chmodSync(w.app.bin, 0o755);
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[NOT_WRITABLE]");
    expect(r.stderr).toMatch(isRoot ? /is not writable by you; it belongs to root \(uid 0\)/ : /is not writable by you; it belongs to/);
    expect(w.gh.log.filter((l) => l.server === "download")).toEqual([]);
    expectIntact(w);
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`the updater is sent ${signal} while the installer runs: INTERRUPTED, previous version restored`, async () => {
      // The installer records its own pid and then becomes `sleep 30` (exec keeps the pid), tagged
      // with an environment variable unique to this test: the check below is about that process
      // only, not about the other `sleep`s the suite's parallel workers start.
      const marker = `UPKEEP_TEST_HANG=${process.pid}-${signal}-${Date.now()}`;
      const w = await world({ beforeReceipt: `echo $$ > "$HOME/installer.pid"; echo ready-to-hang; ${marker} exec sleep 30` });
      const pidFile = path.join(w.app.home, "installer.pid");
      copyFileSync(exe, w.updater);
      const beforeUpdater = readFileSync(w.updater);
      const child = spawn(w.updater, ["--json"], { env: w.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let installerPid = 0;
      let aliveAtSignal: boolean | undefined;
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => {
        child.on("close", resolve);
        // Under --json the installer's lines are not shown: wait for the pid it writes instead, then
        // until it has become the tagged sleep, so that the checks below are about a process that ran.
        void (async () => {
          const written = (): number => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0);
          for (let i = 0; i < 500 && written() === 0; i++) await new Promise((r) => setTimeout(r, 20));
          installerPid = written();
          for (let i = 0; i < 250 && !stillRunning(installerPid, marker); i++) await new Promise((r) => setTimeout(r, 20));
          aliveAtSignal = stillRunning(installerPid, marker);
          child.kill(signal);
        })();
      });
      expect(code).toBe(1);
      const json = JSON.parse(stdout);
      expect(json.error.code).toBe("INTERRUPTED");
      expect(json.error.message).toContain("Restored axolotlsay 1.0.0");
      expect(json.error.restored).toEqual(expect.arrayContaining([path.join(w.app.bin, "axolotlsay")]));
      expect(readFileSync(w.updater).equals(beforeUpdater), "the running updater is restored byte for byte").toBe(true);
      writeFileSync(w.updater, OLD_UPDATER, { mode: 0o755 });
      expect(installerPid, "the installer wrote its pid").toBeGreaterThan(1);
      expect(aliveAtSignal, `installer pid ${installerPid} was running when ${signal} was sent`).toBe(true);
      expect(stillRunning(installerPid, marker), `the installer (pid ${installerPid}) is still running`).toBe(false);
      expectIntact(w);
    });
  }
});

function assertFailure(r: CliRun, row: Row): void {
  const error = r.json?.error ?? {};
  expect(r.code, r.stdout).toBe(1);
  expect(error.code).toBe(row.code);
  expect(error.message).toContain(row.message);
  expect(error.hint).toBeTruthy();
  if (row.restored) {
    expect(error.message).toContain("Restored axolotlsay 1.0.0: the previous version is back in place");
    expect(error.restored.length).toBeGreaterThan(0);
  } else {
    expect(error.restored).toBeUndefined();
  }
}
