// Hostile-input rows: file system and concurrency. What a killed `sudo` run, a stray mkdir, a FIFO or a
// second update running at the same moment leave at the lock path, and what upkeep does about it.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { formatLock } from "../../src/core/lock.js";
import type { CliRun } from "../helpers/cli.js";
import { runJsonProcess, type World } from "../helpers/world.js";
import type { HostileRow } from "./row.js";

const isRoot = process.getuid?.() === 0;
const lockDir = (w: World): string => path.join(w.cache, "locks");
const lockPath = (w: World): string => path.join(lockDir(w), "axolotlsay.lock");
const withLockDir = (w: World): string => {
  mkdirSync(lockDir(w), { recursive: true });
  return lockPath(w);
};
// A live holder that is not the process taking the lock (a lock naming the taker's own pid, not held by
// it, is a dead holder's whose pid was reused): the test runner's parent, alive for the whole run.
const LIVE_PID = process.ppid;
const liveLock = (pid = LIVE_PID) => formatLock({ pid, host: os.hostname(), started: Date.now(), app: "axolotlsay", version: "0.0.1" });

// Rows that plant something at the lock path: it stays (upkeep must not remove what it did not make),
// so the install is checked once it is cleared.
const clearedThenIntact = (w: World): void => {
  rmSync(lockPath(w), { recursive: true, force: true });
  expect(w.intactFindings()).toEqual([]);
};

// A run that must not wait: UPKEEP_LOCK_WAIT is an hour, so a run that waited (or spun) would outlast
// the test's own timeout and fail the row; no timing is asserted.
const timed = (w: World, env: Record<string, string> = {}): Promise<CliRun> => w.run(["--json"], { UPKEEP_LOCK_WAIT: "3600", ...env });
const hintClears = (r: CliRun, w: World, sudo = false): void => expect(r.json?.error.hint).toContain(`\`${sudo ? "sudo " : ""}rm -rf ${lockPath(w)}\``);

// The real executable as another user (uid 65534), as a process, for "another user's lock".
const runAsNobody = (w: World, argv: string[]): Promise<CliRun> =>
  runJsonProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", w.updater, ...argv], { ...w.env, UPKEEP_LOCK_WAIT: "3600" });

const runsFile = (w: World): string => path.join(w.root, "installer-runs");
let concurrent: CliRun[] = [];

export const fsRows: HostileRow[] = [
  {
    name: "finding 2: a dangling symlink at the lock path fails at once with LOCKED, naming it and how to clear it",
    setup: (w) => symlinkSync(path.join(w.root, "nowhere"), withLockDir(w)),
    run: (w) => timed(w),
    exit: 1,
    code: "LOCKED",
    message: /\/axolotlsay\.lock is a symbolic link, not a lock file/,
    intact: false,
    check: (w, r) => {
      hintClears(r, w);
      expect(existsSync(path.join(w.root, "nowhere")), "the symlink was followed").toBe(false);
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: a symlink at the lock path to another file is never followed: LOCKED, that file untouched",
    setup: (w) => {
      writeFileSync(path.join(w.root, "victim"), "not a lock\n");
      symlinkSync(path.join(w.root, "victim"), withLockDir(w));
    },
    run: (w) => timed(w),
    exit: 1,
    code: "LOCKED",
    message: "is a symbolic link, not a lock file",
    intact: false,
    check: (w) => {
      expect(readFileSync(path.join(w.root, "victim"), "utf8")).toBe("not a lock\n");
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: a directory at the lock path fails at once with LOCKED (rm -rf in the hint)",
    setup: (w) => mkdirSync(withLockDir(w)),
    run: (w) => timed(w),
    exit: 1,
    code: "LOCKED",
    message: "axolotlsay.lock is a directory, not a lock file",
    intact: false,
    check: (w, r) => {
      hintClears(r, w);
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: a FIFO at the lock path fails at once with LOCKED, never opened blocking",
    setup: (w) => void spawnSync("mkfifo", [withLockDir(w)]),
    run: (w) => timed(w),
    exit: 1,
    code: "LOCKED",
    message: "axolotlsay.lock is a FIFO, not a lock file",
    intact: false,
    check: (w) => {
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: another user's lock file (left by a killed sudo run) fails at once with LOCKED",
    // As root: a file of uid 65534 (root could read and replace it, but must not take another user's
    // lock). Otherwise: a file this user cannot read.
    setup: (w) => {
      const file = withLockDir(w);
      writeFileSync(file, "garbage, would be taken over as stale", { mode: 0o600 });
      if (isRoot) chownSync(file, 65534, 65534);
      else chmodSync(file, 0);
    },
    run: (w) => timed(w),
    exit: 1,
    code: "LOCKED",
    message: isRoot ? "axolotlsay.lock belongs to another user (uid 65534)" : "axolotlsay.lock cannot be read by you",
    intact: false,
    check: (w) => {
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: a root-owned 0600 lock, the real executable run by another user: LOCKED at once, hint sudo rm -rf",
    world: { updater: "link" },
    // The killed-`sudo` case exactly: the user (uid 65534 here) meets root's lock in its own cache. Not
    // root: the real executable meets a lock file of its own user that it cannot read.
    setup: (w) => {
      const file = withLockDir(w);
      writeFileSync(file, liveLock(1), { mode: 0o600 });
      if (!isRoot) return chmodSync(file, 0);
      spawnSync("chown", ["-R", "65534:65534", w.root]);
      chownSync(file, 0, 0);
    },
    run: (w) => (isRoot ? runAsNobody(w, ["--json"]) : w.runExe(["--json"], { UPKEEP_LOCK_WAIT: "3600" })),
    exit: 1,
    code: "LOCKED",
    message: isRoot ? "axolotlsay.lock belongs to another user (uid 0)" : "axolotlsay.lock cannot be read by you",
    intact: false,
    check: (w, r) => {
      if (isRoot) hintClears(r, w, true);
      expect(r.stderr, "no human lines under --json").toBe("");
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: a lock directory that cannot be created gives the LOCK_UNAVAILABLE warning and the update succeeds",
    setup: (w) => {
      mkdirSync(w.cache, { recursive: true });
      writeFileSync(lockDir(w), "a file where the locks directory should be");
    },
    exit: 0,
    code: null,
    result: "updated",
    check: (_w, r) => expect(r.json?.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: "LOCK_UNAVAILABLE" })])),
  },
  {
    name: "finding 2: a stale lock of a dead process (pid above pid_max) is taken over and the update succeeds",
    setup: (w) => {
      const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8").trim() || "4194304");
      writeFileSync(withLockDir(w), liveLock(pidMax + 1000));
    },
    exit: 0,
    code: null,
    result: "updated",
    check: (w) => expect(existsSync(lockPath(w)), "our lock is released").toBe(false),
  },
  {
    name: "finding 2: a live lock with UPKEEP_LOCK_WAIT=0.3 is waited for, then LOCKED naming the holder",
    setup: (w) => writeFileSync(withLockDir(w), liveLock()),
    run: (w) => timed(w, { UPKEEP_LOCK_WAIT: "0.3" }),
    exit: 1,
    code: "LOCKED",
    message: `Another update of axolotlsay is running: pid ${LIVE_PID} on ${os.hostname()}`,
    intact: false,
    check: (w) => {
      expect(JSON.parse(readFileSync(lockPath(w), "utf8")).pid, "the holder's lock is left alone").toBe(LIVE_PID);
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 2: SIGTERM while waiting for a lock exits promptly (INTERRUPTED), the holder's lock left alone",
    world: { updater: "link" },
    setup: (w) => writeFileSync(withLockDir(w), liveLock()),
    // An hour's wait: only honouring SIGTERM ends the run before the runner's 25 s SIGKILL (exit -1).
    run: (w) => {
      let scheduled = false;
      return w.runExe(
        [],
        { UPKEEP_LOCK_WAIT: "3600" },
        {
          onStderr: (text, kill) => {
            if (scheduled || !text.includes("Checking for updates...")) return;
            scheduled = true;
            // Long enough to be inside the lock wait (receipt, pre-flight and the first attempt take ms).
            setTimeout(() => kill("SIGTERM"), 1000);
          },
        },
      );
    },
    exit: 1,
    code: "INTERRUPTED",
    message: "interrupted while waiting for another update of it to finish; nothing was changed",
    intact: false,
    check: (w) => {
      expect(JSON.parse(readFileSync(lockPath(w), "utf8")).pid).toBe(LIVE_PID);
      clearedThenIntact(w);
    },
  },
  {
    name: "finding 10: two updates at once: one updates, the other waits, re-reads the receipt and is up_to_date; the installer ran once",
    world: { release: { prelude: `echo run >> "$HOME/../installer-runs"; sleep 1` } },
    run: async (w) => {
      const env = { UPKEEP_LOCK_WAIT: "20" };
      concurrent = await Promise.all([w.run(["--json"], env), new Promise<CliRun>((r) => setTimeout(() => void w.run(["--json"], env).then(r), 200))]);
      // The one that waited is the row's result; the other is checked below.
      return concurrent.find((r) => r.json?.result !== "updated") ?? concurrent[1]!;
    },
    exit: 0,
    code: null,
    result: "up_to_date",
    check: (w, r) => {
      const other = concurrent.find((c) => c !== r)!;
      expect(other.json).toMatchObject({ result: "updated", old_version: "1.0.0", new_version: "2.0.0", error: null });
      expect(r.json).toMatchObject({ old_version: "2.0.0", new_version: "2.0.0" });
      expect(readFileSync(runsFile(w), "utf8"), "the installer ran once").toBe("run\n");
    },
  },
  {
    name: "finding 3: a symlinked receipt written through by a failing install: its target's content is rolled back, not just the link",
    // The installer rewrites the receipt through the link (as `printf > receipt` does), then installs a
    // binary that cannot run: verification fails and the rollback must restore the dotfile's content.
    world: {
      release: {
        beforeReceipt: 'printf \'{"version":"2.0.0"}\\n\' > "$HOME/.config/axolotlsay/axolotlsay-receipt.json"; chmod 644 "$bindir/axolotlsay"; exit 0',
      },
    },
    setup: (w) => dotfileReceipt(w),
    exit: 1,
    code: "VERIFY_FAILED",
    message: "Restored axolotlsay 1.0.0",
    check: async (w) => {
      expect(lstatSync(w.app.receiptPath).isSymbolicLink(), "the link is kept").toBe(true);
      const again = await w.run(["--json", "--check"]);
      expect(again.json?.result, "a later run sees 1.0.0 installed, not 'up to date'").toBe("update_available");
    },
  },
  {
    name: "finding 9: a backup journal planted in the bin dir is not obeyed: JOURNAL_IGNORED with its path, nothing touched",
    setup: (w) => {
      const victim = path.join(w.root, "victim");
      writeFileSync(victim, "keep me\n");
      const planted = path.join(w.app.bin, ".axolotlsay-upkeep-backup-evil01");
      mkdirSync(planted, { mode: 0o700 });
      writeFileSync(path.join(planted, "0-x"), "attacker content\n");
      const entries = [
        { original: path.join(w.app.bin, "axolotlsay"), kind: "absent" },
        { original: victim, kind: "file", saved: path.join(planted, "0-x"), mode: 0o644 },
        { original: path.join(w.app.bin, "passwd"), kind: "symlink", target: "/etc/passwd" },
      ];
      writeFileSync(path.join(planted, "journal.json"), JSON.stringify({ version: 1, state: "installing", pid: 1, nonce: "0".repeat(32), entries }));
    },
    exit: 0,
    code: null,
    result: "updated",
    check: (w, r) => {
      const planted = path.join(w.app.bin, ".axolotlsay-upkeep-backup-evil01");
      expect(r.json?.warnings).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: "JOURNAL_IGNORED", message: expect.stringContaining(planted) })]),
      );
      expect(r.json?.warnings.map((x: { code: string }) => x.code)).not.toContain("RECOVERED");
      expect(readFileSync(path.join(w.root, "victim"), "utf8")).toBe("keep me\n");
      expect(existsSync(path.join(w.app.bin, "passwd")), "no link to /etc/passwd").toBe(false);
      expect(existsSync(planted), "left in place").toBe(true);
    },
  },
  {
    name: "finding 9: a journal of ours whose record is gone from the cache is not obeyed either",
    world: {
      updater: "link",
      release: { beforeReceipt: 'if [ ! -e "$HOME/hung" ]; then : > "$HOME/hung"; echo $$ > "$HOME/installer.pid"; exec sleep 30; fi' },
    },
    setup: async (w) => {
      await killedMidInstall(w);
      rmSync(path.join(w.cache, "journals"), { recursive: true, force: true });
      // Put the half-done binary back to 1.0.0 by hand, so the snapshot is of a working install.
      writeFileSync(path.join(w.app.bin, "axolotlsay"), '#!/bin/sh\necho "axolotlsay 1.0.0"\n', { mode: 0o755 });
    },
    exit: 0,
    code: null,
    result: "updated",
    check: (w, r) => {
      const codes = r.json?.warnings.map((x: { code: string }) => x.code);
      expect(codes).toContain("JOURNAL_IGNORED");
      expect(codes).not.toContain("RECOVERED");
      expect(
        readdirSync(w.app.bin).filter((f) => f.includes("upkeep-backup")),
        "left in place",
      ).toHaveLength(1);
    },
  },
  {
    name: "finding 9 (and the kill -9 case): a journal of ours left by a SIGKILLed run is trusted and rolled back (RECOVERED)",
    world: {
      updater: "link",
      release: { beforeReceipt: 'if [ ! -e "$HOME/hung" ]; then : > "$HOME/hung"; echo $$ > "$HOME/installer.pid"; exec sleep 30; fi' },
    },
    setup: (w) => killedMidInstall(w),
    exit: 0,
    code: null,
    result: "updated",
    check: (w, r) => {
      expect(r.json?.warnings.map((x: { code: string }) => x.code)).toContain("RECOVERED");
      expect(
        readdirSync(w.app.bin).filter((f) => f.startsWith(".")),
        "no backup or staging left",
      ).toEqual([]);
      expect(readdirSync(path.join(w.cache, "journals")), "no record left").toEqual([]);
    },
  },
  {
    name: "finding 13: a failed install leaves no temp dir: the installer's TMPDIR is private and removed",
    world: {
      release: {
        beforeReceipt:
          'head -c 1048576 /dev/zero > "${TMPDIR:?}/big-download"; mkdir -p "$TMPDIR/tmp.cargo-dist"; echo "$TMPDIR" > "$HOME/../installer-tmpdir"; exit 1',
      },
    },
    setup: (w) => writeFileSync(path.join(w.env.TMPDIR as string, "tmp.users-own"), "mine\n"),
    exit: 1,
    code: "INSTALLER_FAILED",
    check: (w) => {
      const given = readFileSync(path.join(w.root, "installer-tmpdir"), "utf8").trim();
      expect(path.dirname(path.dirname(given)), "a directory of its own inside TMPDIR").toBe(w.env.TMPDIR);
      expect(existsSync(given), "removed after the run").toBe(false);
      expect(readdirSync(w.env.TMPDIR as string), "nothing else in TMPDIR touched, nothing left").toEqual(["tmp.users-own"]);
    },
  },
  {
    name: "finding 13: a SIGKILLed run's staging dir (installer and its TMPDIR) is removed by the next run, nothing else",
    world: {
      updater: "link",
      release: {
        beforeReceipt:
          'if [ ! -e "$HOME/hung" ]; then : > "$HOME/hung"; head -c 1048576 /dev/zero > "$TMPDIR/big"; echo $$ > "$HOME/installer.pid"; exec sleep 30; fi',
      },
    },
    setup: async (w) => {
      writeFileSync(path.join(w.env.TMPDIR as string, "tmp.users-own"), "mine\n");
      await killedMidInstall(w);
      expect(
        readdirSync(w.env.TMPDIR as string).filter((n) => n.startsWith("upkeep-axolotlsay-")),
        "the killed run left its staging dir",
      ).toHaveLength(1);
    },
    exit: 0,
    code: null,
    result: "updated",
    check: (w) => expect(readdirSync(w.env.TMPDIR as string)).toEqual(["tmp.users-own"]),
  },
];

// The receipt moved into a dotfile repository and linked back, as dotfile managers do.
function dotfileReceipt(w: World): void {
  const real = path.join(w.root, "dotfiles", "axolotlsay-receipt.json");
  mkdirSync(path.dirname(real), { recursive: true });
  writeFileSync(real, readFileSync(w.app.receiptPath));
  unlinkSync(w.app.receiptPath);
  symlinkSync(real, w.app.receiptPath);
}

// Runs the real executable until its installer hangs (the release's installer records its pid), then
// kills both with SIGKILL: what the OOM killer or a power cut leaves behind.
async function killedMidInstall(w: World): Promise<void> {
  const pidFile = path.join(w.app.home, "installer.pid");
  const written = (): number => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0);
  let killed = false;
  await runJsonProcess(w.updater, ["--json"], w.env, {
    cwd: w.app.home,
    timeoutMs: 20_000,
    started: async (kill) => {
      for (let i = 0; i < 500 && written() === 0; i++) await new Promise((r) => setTimeout(r, 20));
      kill("SIGKILL");
      process.kill(written(), "SIGKILL");
      killed = true;
    },
  });
  expect(killed, "the installer was reached and both were killed").toBe(true);
  expect(
    readdirSync(w.app.bin).filter((f) => f.includes("upkeep-backup")),
    "the kill left the journal behind",
  ).toHaveLength(1);
}
