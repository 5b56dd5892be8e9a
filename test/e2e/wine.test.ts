// The Windows executable under wine (Debian's wine 8.0), which enforces Windows' rules for a running
// .exe: it cannot be deleted or overwritten, only renamed. Everything here is the real Windows build of
// upkeep (dist/targets/x86_64-pc-windows-msvc/upkeep.exe) updating an app installed in a throw-away
// WINEPREFIX, from a directory mirror on drive C: (undici cannot connect under wine 8; no network at all).
// The installer is a stand-in Windows program named powershell.exe, first on wine's PATH
// (test/helpers/wine-standin.ts): it copies the new `<app>.exe` and `<app>-update.exe` straight over
// the old ones, as Copy-Item does, and writes the receipt to %LOCALAPPDATA%; its faults fail, or hang at
// a moment so the test can kill upkeep there. The "app" is the same stand-in under the app's name.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  explain,
  versionMark,
  waitForFile,
  windowsStandin,
  windowsUpkeep,
  wineMissing,
  WinePrefix,
  winPath,
  wineTmpDir,
  withVersion,
  type WineRun,
} from "../helpers/wine.js";

const missing = wineMissing();
const APP = "axolotlsay";
const OLD = "1.0.0";
const NEW = "2.0.0";

/** One installed copy of the app: its directories and the updater's file. */
interface Install {
  dir: string;
  bin: string;
  updater: string;
  marker: string;
}

/** The parsed --json line of a run, with the run. */
type JsonRun = WineRun & {
  json: {
    result: string;
    app: string;
    new_version: string | null;
    warnings: { code: string; message: string }[];
    error: { code: string; message: string; restored?: string[] } | null;
  };
};

describe.skipIf(missing !== "")(`the Windows executable under wine${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let tmp = "";
  let wine: WinePrefix;
  let upkeep = ""; // the real Windows build: the installed ("old") updater
  let standin = ""; // installer, app, and upkeep with pause points, by file name
  let mirror = "";
  let n = 0;

  beforeAll(async () => {
    tmp = wineTmpDir();
    const ps = path.join(tmp, "ps");
    mkdirSync(ps);
    wine = new WinePrefix(tmp, winPath(ps));
    // The prefix boots (wine's own processes) while the Windows programs are built or found in the cache,
    // and copied here: what this file tests stays put whatever another run or build does to dist/.
    // Both are waited for before a failure is thrown, so that afterAll never stops a prefix still booting.
    const [booted, upkeepExe, standinExe] = await Promise.allSettled([
      wine.boot(),
      windowsUpkeep(path.join(tmp, "upkeep.exe")),
      windowsStandin(path.join(tmp, "standin.exe")),
    ]);
    for (const r of [booted, upkeepExe, standinExe]) if (r.status === "rejected") throw r.reason;
    upkeep = (upkeepExe as PromiseFulfilledResult<string>).value;
    standin = (standinExe as PromiseFulfilledResult<string>).value;
    copyFileSync(standin, path.join(ps, "powershell.exe"));

    // The mirror, on drive C: (so receipts and --source name it C:\mirror), schema upkeep-mirror/1.
    mirror = path.join(wine.driveC, "mirror");
    const releases = [];
    for (const v of [NEW, OLD]) {
      const dir = path.join(mirror, `v${v}`);
      mkdirSync(dir, { recursive: true });
      withVersion(standin, path.join(dir, `${APP}.exe`), v);
      // The new updater differs from the installed one by a marker, so what is in place can be told apart.
      if (v === OLD) copyFileSync(upkeep, path.join(dir, `${APP}-update.exe`));
      else withVersion(upkeep, path.join(dir, `${APP}-update.exe`), v);
      const ps1 = `# standin-app: ${APP}\r\n# standin-version: ${v}\r\n# standin-mirror: C:\\mirror\r\nWrite-Output "stand-in installer: see test/helpers/wine-standin.ts"\r\n`;
      writeFileSync(path.join(dir, `${APP}-installer.ps1`), ps1);
      const asset = {
        name: `${APP}-installer.ps1`,
        path: `v${v}/${APP}-installer.ps1`,
        size: Buffer.byteLength(ps1),
        sha256: createHash("sha256").update(ps1).digest("hex"),
      };
      releases.push({ tag: `v${v}`, version: v, prerelease: false, assets: [asset] });
    }
    writeFileSync(path.join(mirror, "releases.json"), JSON.stringify({ schema: "upkeep-mirror/1", app: APP, releases }));

    // Both programs run here before any test does (the first Node programs of a fresh prefix), and a
    // build that does not run fails here, saying so, rather than as some test's odd result.
    const [app, self] = await Promise.all([wine.run(path.join(mirror, `v${OLD}`, `${APP}.exe`), ["--version"]), wine.run(upkeep, ["-V"])]);
    expect(app.stdout.trim(), `the stand-in does not run under wine:\n${explain(app)}`).toBe(`${APP} ${OLD}`);
    expect(self.stdout, `upkeep's Windows build does not run under wine:\n${explain(self)}`).toMatch(/^upkeep \d/);
  }, 240_000);

  afterAll(async () => {
    await wine?.stop();
    expect(wine?.pids() ?? [], "no process of the prefix is left").toEqual([]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  const receiptFile = () => path.join(wine.localAppData, APP, `${APP}-receipt.json`);

  /** The app at 1.0.0 in a fresh directory, its receipt in %LOCALAPPDATA%\axolotlsay (replacing the last one). */
  function install(o: { updater?: string; updaterName?: string; source?: Record<string, string> } = {}): Install {
    const dir = path.join(tmp, "cases", String(++n));
    const bin = path.join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    copyFileSync(path.join(mirror, `v${OLD}`, `${APP}.exe`), path.join(bin, `${APP}.exe`));
    const updater = path.join(bin, o.updaterName ?? `${APP}-update.exe`);
    copyFileSync(o.updater ?? upkeep, updater);
    rmSync(path.dirname(receiptFile()), { recursive: true, force: true });
    mkdirSync(path.dirname(receiptFile()), { recursive: true });
    const receipt = {
      binaries: [`${APP}.exe`],
      binary_aliases: {},
      cdylibs: [],
      cstaticlibs: [],
      install_layout: "flat",
      install_prefix: winPath(bin),
      modify_path: false,
      provider: { source: "cargo-dist", version: "0.31.0" },
      source: o.source ?? { app_name: APP, name: APP, owner: "axodotdev", release_type: "mirror", url: "C:\\mirror" },
      version: OLD,
    };
    writeFileSync(receiptFile(), JSON.stringify(receipt));
    return { dir, bin, updater, marker: path.join(dir, "marker") };
  }

  async function runUpkeep(inst: Install, exe: string, args: string[], env: Record<string, string> = {}): Promise<JsonRun> {
    const r = await wine.run(exe, [...args, "--json"], { cwd: inst.dir, env: { UPKEEP_LOCK_WAIT: "3", ...env } });
    let json: JsonRun["json"];
    try {
      json = JSON.parse(r.stdout);
    } catch {
      throw new Error(`no JSON from upkeep:\n${explain(r)}`);
    }
    return { ...r, json };
  }

  /** What `<app>.exe --version` prints, run under wine. */
  async function appSays(inst: Install): Promise<string> {
    const r = await wine.run(path.join(inst.bin, `${APP}.exe`), ["--version"], { cwd: inst.dir });
    expect(r.code, explain(r)).toBe(0);
    return r.stdout.trim();
  }

  /** The install as it is on disk: file names, what the updater is, the receipt's version. */
  function onDisk(inst: Install) {
    const u = path.join(inst.bin, `${APP}-update.exe`);
    return {
      files: readdirSync(inst.bin)
        .map((f) => f.replace(/\.previous-[0-9a-f]{12}\.exe$/, ".previous-*.exe").replace(/-upkeep-backup-.*/, "-upkeep-backup-*"))
        .sort(),
      updater: existsSync(u) ? (versionMark(u) ?? "old") : "missing",
      receipt: (JSON.parse(readFileSync(receiptFile(), "utf8")) as { version: string }).version,
    };
  }

  const previous = (inst: Install) =>
    readdirSync(inst.bin)
      .filter((f) => f.includes(".previous-"))
      .map((f) => path.join(inst.bin, f));

  /**
   * Starts an update that stops at `point` (an installer or app fault, or a pause inside upkeep), waits
   * for the marker, and kills upkeep, the stand-in installer and the app outright (SIGKILL: no cleanup).
   */
  async function killAt(inst: Install, point: string, how: "fault" | "hold"): Promise<void> {
    expect(existsSync(inst.marker), "the marker is new").toBe(false);
    const env = { STANDIN_MARKER: winPath(inst.marker), ...(how === "hold" ? { UPKEEP_WINE_HOLD: point } : { STANDIN_FAULT: point }) };
    const p = wine.start(inst.updater, ["--json"], { cwd: inst.dir, env: { UPKEEP_LOCK_WAIT: "3", ...env } });
    // The marker names the point: whatever wrote it is stopped exactly there.
    const failure = await waitForFile(inst.marker, p, { content: `${point}\n` }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const r = await p.kill();
    await wine.kill(/powershell\.exe|axolotlsay/i);
    if (failure) throw failure;
    // Killed, not ended: upkeep was still at the point when the marker appeared.
    expect(r.signal, explain(r)).toBe("SIGKILL");
  }

  /** The run after a kill: recovers (RECOVERED), then finds 1.0.0 installed, which it was asked for. */
  async function recover(inst: Install, exe = path.join(inst.bin, `${APP}-update.exe`)): Promise<JsonRun> {
    const r = await runUpkeep(inst, exe, ["--version", OLD]);
    expect(r.json, explain(r)).toMatchObject({ result: "up_to_date", error: null });
    expect(
      r.json.warnings.map((w) => w.code),
      explain(r),
    ).toContain("RECOVERED");
    expect(await appSays(inst)).toBe(`${APP} ${OLD}`);
    expect(onDisk(inst).receipt).toBe(OLD);
    return r;
  }

  it("wine enforces Windows' rule: copying over a running .exe fails (what the self-move exists for)", async () => {
    const inst = install();
    const app = wine.start(path.join(inst.bin, `${APP}.exe`), ["--version"], {
      cwd: inst.dir,
      env: { STANDIN_FAULT: "hang-verify", STANDIN_MARKER: winPath(inst.marker) },
    });
    const ps1 = path.join(mirror, `v${NEW}`, `${APP}-installer.ps1`);
    let run: WineRun | undefined;
    let failure: unknown;
    try {
      // The marker is written by the running app itself: its image is mapped by then.
      await waitForFile(inst.marker, app, { content: "hang-verify\n" });
      run = await wine.run("powershell.exe", ["-NoProfile", "-File", winPath(ps1)], {
        cwd: inst.dir,
        env: { AXOLOTLSAY_INSTALL_DIR: winPath(inst.bin), INSTALLER_DOWNLOAD_URL: "file:///C:/mirror/v2.0.0" },
      });
    } catch (error) {
      failure = error;
    }
    const a = await app.kill();
    if (!run) throw failure;
    // Still running while the installer copied: the copy met a running .exe.
    expect(a.signal, explain(a)).toBe("SIGKILL");
    expect(run.code, explain(run)).toBe(1);
    expect(run.stderr, explain(run)).toMatch(/EBUSY|EPERM|EACCES/);
    expect(versionMark(path.join(inst.bin, `${APP}.exe`))).toBe(OLD);
  }, 60_000);

  it("updates: receipt in %LOCALAPPDATA%, the running updater moved aside, its .previous copy deleted by the next run", async () => {
    const inst = install();
    const r = await runUpkeep(inst, inst.updater, []);
    expect(r.json, explain(r)).toMatchObject({ result: "updated", app: APP, new_version: NEW, error: null });
    expect(await appSays(inst)).toBe(`${APP} ${NEW}`);
    expect(onDisk(inst)).toEqual({ files: [`${APP}-update.exe`, `${APP}-update.previous-*.exe`, `${APP}.exe`], updater: NEW, receipt: NEW });
    // The copy that ran is the one moved aside (the old build, byte for byte).
    expect(readFileSync(previous(inst)[0]!).equals(readFileSync(upkeep))).toBe(true);
    const again = await runUpkeep(inst, inst.updater, []);
    expect(again.json, explain(again)).toMatchObject({ result: "up_to_date", error: null });
    expect(onDisk(inst).files).toEqual([`${APP}-update.exe`, `${APP}.exe`]);
  }, 90_000);

  it("--uninstall: the app and receipt removed, the running updater renamed aside and its .previous copy deleted by the detached cmd.exe", async () => {
    const inst = install();
    const started = Date.now();
    const r = await runUpkeep(inst, inst.updater, ["--uninstall"]);
    const ended = Date.now();
    expect(r.code, explain(r)).toBe(0);
    expect(r.json, explain(r)).toMatchObject({ result: "uninstalled", app: APP, error: null });
    const removed = (r.json as unknown as { removed: { kind: string; path: string }[] }).removed;
    expect(removed, explain(r)).toEqual([
      { kind: "binary", path: winPath(path.join(inst.bin, `${APP}.exe`)) },
      { kind: "updater", path: winPath(inst.updater) },
      { kind: "receipt", path: expect.stringMatching(/\\axolotlsay\\axolotlsay-receipt\.json$/) },
    ]);
    expect(existsSync(path.join(inst.bin, `${APP}.exe`)), "the app's exe is gone").toBe(false);
    expect(existsSync(receiptFile()), "the receipt is gone").toBe(false);
    // The running updater could not be deleted: it is no longer at its name, only (for now) a .previous copy.
    expect(existsSync(inst.updater), "the updater is no longer at its name").toBe(false);
    // Renamed aside, not deleted (Windows cannot delete it while it runs): the detached deletion waits about
    // two seconds from its start, just before upkeep exits, and this looks at once after the exit.
    expect(
      readdirSync(inst.bin).map((f) => f.replace(/[0-9a-f]{12}/, "*")),
      explain(r),
    ).toEqual([`${APP}-update.previous-*.exe`]);
    // Removed later by the detached cmd.exe, once the updater has exited (polled: not a timing assertion).
    const limit = Date.now() + 30_000;
    while (previous(inst).length > 0 && Date.now() < limit) await new Promise((res) => setTimeout(res, 100));
    const gone = Date.now();
    expect(readdirSync(inst.bin), `the .previous copy is deleted; the prefix's processes:\n${wine.listing()}`).toEqual([]);
    console.log(`wine uninstall: run ${ended - started} ms, .previous copy gone ${gone - ended} ms after it exited`);
  }, 90_000);

  /** The user's Path as reg.exe reports it (HKCU\\Environment): its type and data, unexpanded. */
  async function userPath(): Promise<string> {
    const r = await wine.run("reg", ["query", "HKCU\\Environment", "/v", "Path"]);
    expect(r.code, explain(r)).toBe(0);
    return /^\s+Path\s{4}(REG_\w+)\s{4}(.*)$/m.exec(r.stdout.replace(/\r/g, ""))?.slice(1).join(" ") ?? `(no Path in: ${r.stdout})`;
  }

  // What the user's Path holds besides our entry, whether another app's receipt names the prefix, and what is expected.
  const pathCases = [
    {
      name: "takes the recorded entry out of the user's Path, every other entry and its type kept",
      rest: "C:\\first;%USERPROFILE%\\tools",
      shared: false,
      left: "",
    },
    {
      name: "leaves the recorded entry in the user's Path when another app's receipt names the same prefix",
      rest: "C:\\first",
      shared: true,
      left: "otherapp is installed in the same prefix and needs it",
    },
    {
      name: "leaves a user Path with characters beyond ASCII as it is (reg.exe's output may not read back exactly)",
      rest: "C:\\Users\\José\\bin",
      shared: false,
      left: "the user's Path has characters beyond ASCII, which reg.exe may not read back exactly; remove the entry in the Environment Variables settings",
    },
  ];
  for (const c of pathCases) {
    it(`--uninstall ${c.name}`, async () => {
      const inst = install();
      const entry = winPath(inst.bin);
      // The receipt records the entry, as installers/installer.ps1 does when it adds the bin dir.
      const receipt = JSON.parse(readFileSync(receiptFile(), "utf8")) as Record<string, unknown>;
      writeFileSync(receiptFile(), JSON.stringify({ ...receipt, upkeep_path_changes: [{ type: "user_path", entry }] }));
      // As the installer left it: ours first, then the user's own (one a look-alike of ours).
      const rest = `${entry}2;${c.rest}`;
      const set = await wine.run("reg", ["add", "HKCU\\Environment", "/v", "Path", "/t", "REG_EXPAND_SZ", "/d", `${entry};${rest}`, "/f"]);
      expect(set.code, explain(set)).toBe(0);
      const before = await userPath();
      const other = path.join(wine.localAppData, "otherapp");
      if (c.shared) {
        mkdirSync(other, { recursive: true });
        writeFileSync(path.join(other, "otherapp-receipt.json"), JSON.stringify({ ...receipt, binaries: ["otherapp.exe"], upkeep_path_changes: [] }));
      }
      try {
        const r = await runUpkeep(inst, inst.updater, ["--uninstall"]);
        expect(r.json, explain(r)).toMatchObject({ result: "uninstalled", error: null });
        const { removed, left } = r.json as unknown as { removed: { kind: string }[]; left: { kind: string; path: string; reason: string }[] };
        const userEntry = { kind: "user_path", path: entry };
        if (c.left) {
          expect(left, explain(r)).toContainEqual({ ...userEntry, reason: c.left });
          expect(await userPath()).toBe(before);
        } else {
          expect(removed, explain(r)).toContainEqual(userEntry);
          expect(await userPath()).toBe(`REG_EXPAND_SZ ${rest}`);
        }
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    }, 90_000);
  }

  it("--uninstall --dry-run: lists what it would remove and removes nothing", async () => {
    const inst = install();
    const r = await runUpkeep(inst, inst.updater, ["--uninstall", "--dry-run"]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.json, explain(r)).toMatchObject({ result: "would_uninstall", app: APP, error: null });
    expect(onDisk(inst)).toEqual({ files: [`${APP}-update.exe`, `${APP}.exe`], updater: "old", receipt: OLD });
  }, 60_000);

  it("--source C:\\mirror is a directory (not a URL of scheme c:), and so is a receipt's mirror url C:\\mirror", async () => {
    const inst = install({ source: { app_name: APP, name: APP, owner: "nobody", release_type: "github" } });
    const r = await runUpkeep(inst, inst.updater, ["--check", "--source", "C:\\mirror"]);
    expect(r.json, explain(r)).toMatchObject({ result: "update_available", new_version: NEW, error: null });
    expect(r.code, explain(r)).toBe(100);
  }, 60_000);

  it("AXOLOTLSAY-UPDATE.EXE: the app name matches the receipt in any case, and the receipt's own name is used from then on", async () => {
    const inst = install({ updaterName: "AXOLOTLSAY-UPDATE.EXE" });
    const r = await runUpkeep(inst, inst.updater, []);
    // The JSON names the app as its receipt does, not as the file was spelt.
    expect(r.json, explain(r)).toMatchObject({ app: APP, result: "updated", new_version: NEW, error: null });
    expect(await appSays(inst)).toBe(`${APP} ${NEW}`);
    // The running file (same file as axolotlsay-update.exe, for Windows) was moved aside, not overwritten.
    expect(onDisk(inst)).toEqual({ files: [`${APP}-update.exe`, `${APP}-update.previous-*.exe`, `${APP}.exe`], updater: NEW, receipt: NEW });
  }, 90_000);

  for (const [fault, code] of [
    ["fail", "INSTALLER_FAILED"],
    ["old-receipt", "VERIFY_FAILED"],
  ] as const) {
    it(`a failed update (${code}) is rolled back: the old app and updater are back, nothing left over`, async () => {
      const inst = install();
      const r = await runUpkeep(inst, inst.updater, [], { STANDIN_FAULT: fault });
      expect(r.json.error?.code, explain(r)).toBe(code);
      expect(r.json.error?.message, explain(r)).toContain(`Restored ${APP} ${OLD}`);
      expect(await appSays(inst)).toBe(`${APP} ${OLD}`);
      expect(onDisk(inst)).toEqual({ files: [`${APP}-update.exe`, `${APP}.exe`], updater: "old", receipt: OLD });
      expect(readFileSync(inst.updater).equals(readFileSync(upkeep))).toBe(true);
    }, 90_000);
  }

  // Kills. The first two stop inside upkeep (the stand-in's upkeep, with a pause point; the recovery
  // is done by that same file, upkeep's code unchanged); the rest stop the real build in its installer
  // or verification.
  it("killed after the backup: the next run recovers", async () => {
    const inst = install({ updater: standin });
    await killAt(inst, "after-backup", "hold");
    expect(onDisk(inst).files).toEqual([`.${APP}-upkeep-backup-*`, `${APP}-update.exe`, `${APP}.exe`]);
    await recover(inst);
    expect(onDisk(inst).files).toEqual([`${APP}-update.exe`, `${APP}.exe`]);
  }, 90_000);

  it("killed after the self-move: no <app>-update.exe is left; its .previous copy runs, recovers and puts it back", async () => {
    const inst = install({ updater: standin });
    await killAt(inst, "after-self-move", "hold");
    expect(onDisk(inst).files).toEqual([`.${APP}-upkeep-backup-*`, `${APP}-update.previous-*.exe`, `${APP}.exe`]);
    await recover(inst, previous(inst)[0]);
    expect(readFileSync(inst.updater).equals(readFileSync(standin))).toBe(true);
    // The .previous copy ran the recovery, so it stays until the next run deletes it.
    const again = await runUpkeep(inst, inst.updater, ["--version", OLD]);
    expect(again.json, explain(again)).toMatchObject({ result: "up_to_date", error: null });
    expect(onDisk(inst).files).toEqual([`${APP}-update.exe`, `${APP}.exe`]);
  }, 90_000);

  it("killed in the installer before it copies anything: the .previous copy recovers", async () => {
    const inst = install();
    await killAt(inst, "hang-before-copy", "fault");
    expect(onDisk(inst)).toMatchObject({ updater: "missing", receipt: OLD });
    await recover(inst, previous(inst)[0]);
    expect(onDisk(inst).updater).toBe("old");
  }, 90_000);

  it("killed in the installer after it copied the new updater: the new updater recovers (renaming itself aside), and the next update works", async () => {
    const inst = install();
    await killAt(inst, "hang-after-updater", "fault");
    expect(onDisk(inst)).toMatchObject({ updater: NEW, receipt: OLD });
    expect(versionMark(path.join(inst.bin, `${APP}.exe`))).toBe(NEW);
    await recover(inst);
    // The old updater is back; the new one that ran the recovery was renamed aside, the killed run's deleted.
    expect(readFileSync(inst.updater).equals(readFileSync(upkeep))).toBe(true);
    expect(onDisk(inst).files).toEqual([`${APP}-update.exe`, `${APP}-update.previous-*.exe`, `${APP}.exe`]);
    const r = await runUpkeep(inst, inst.updater, []);
    expect(r.json, explain(r)).toMatchObject({ result: "updated", new_version: NEW, error: null });
    expect(await appSays(inst)).toBe(`${APP} ${NEW}`);
  }, 120_000);

  it("killed after the installer wrote the new receipt: the next run recovers the old receipt too", async () => {
    const inst = install();
    await killAt(inst, "hang-after-receipt", "fault");
    expect(onDisk(inst)).toMatchObject({ updater: NEW, receipt: NEW });
    await recover(inst);
    expect(onDisk(inst).updater).toBe("old");
  }, 90_000);

  it("killed during verification (the new app's --version hangs): the next run recovers", async () => {
    const inst = install();
    await killAt(inst, "hang-verify", "fault");
    expect(onDisk(inst)).toMatchObject({ updater: NEW, receipt: NEW });
    await recover(inst);
    expect(onDisk(inst).updater).toBe("old");
  }, 90_000);
});
