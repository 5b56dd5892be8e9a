import { execFileSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createBackup, discardBackup, lostFiles, recoverBackups, restoreBackup } from "../../src/io/backup.js";
import { defer } from "../helpers/cleanup.js";
import { tmpDir } from "../helpers/fake-app.js";

function install() {
  const bin = tmpDir();
  writeFileSync(path.join(bin, "app"), "old app", { mode: 0o755 });
  writeFileSync(path.join(bin, "app-update"), "old updater", { mode: 0o750 });
  symlinkSync("app", path.join(bin, "alias"));
  const conf = path.join(tmpDir(), "receipt.json");
  writeFileSync(conf, '{"version":"1.0.0"}');
  const files = [conf, path.join(bin, "app"), path.join(bin, "alias"), path.join(bin, "app-update"), path.join(bin, "new-tool")];
  return { bin, conf, files };
}

// What an installer does: replace files in place, re-point links, add a file, write a new receipt.
function clobber(bin: string, conf: string): void {
  writeFileSync(path.join(bin, "app"), "NEW"); // in place, as cargo-dist 0.9–0.12 did with cp
  unlinkSync(path.join(bin, "app-update"));
  unlinkSync(path.join(bin, "alias"));
  symlinkSync("elsewhere", path.join(bin, "alias"));
  writeFileSync(path.join(bin, "new-tool"), "new");
  writeFileSync(conf, "{garbage");
}

// A bin dir whose app-update is a symlink to upkeep's shared store, as our installers make it.
function storeLink(): { bin: string; store: string; link: string } {
  const bin = tmpDir();
  const store = path.join(tmpDir(), "upkeep", "0.1.0-aaaaaaaaaaaa");
  mkdirSync(path.join(store, "users"), { recursive: true });
  writeFileSync(path.join(store, "upkeep"), "shared updater 0.1.0", { mode: 0o755 });
  const link = path.join(bin, "app-update");
  symlinkSync(path.join(store, "upkeep"), link);
  return { bin, store, link };
}

describe("backup and restore", () => {
  it("restores files (content and mode), links, and removes files that were not there", async () => {
    const { bin, conf, files } = install();
    const backup = await createBackup(files, bin, "app");
    expect(path.dirname(backup.dir)).toBe(bin);
    expect(backup.entries.map((e) => e.kind)).toEqual(["file", "file", "symlink", "file", "absent"]);
    clobber(bin, conf);
    const restored = await restoreBackup(backup);
    expect(restored).toEqual(files);
    expect(readFileSync(path.join(bin, "app"), "utf8")).toBe("old app");
    expect(statSync(path.join(bin, "app-update")).mode & 0o777).toBe(0o750);
    expect(readlinkSync(path.join(bin, "alias"))).toBe("app");
    expect(existsSync(path.join(bin, "new-tool"))).toBe(false);
    expect(readFileSync(conf, "utf8")).toBe('{"version":"1.0.0"}');
    expect(readdirSync(bin).sort()).toEqual(["alias", "app", "app-update"]);
  });

  it("keeps the backup safe from installers that overwrite in place (copies, not hard links)", async () => {
    const { bin, files } = install();
    const backup = await createBackup(files, bin, "app");
    writeFileSync(path.join(bin, "app"), "NEW");
    const saved = backup.entries[1]!.saved!;
    expect(readFileSync(saved, "utf8")).toBe("old app");
    expect(statSync(saved).ino).not.toBe(statSync(path.join(bin, "app")).ino);
    await discardBackup(backup);
    expect(existsSync(backup.dir)).toBe(false);
  });

  it("recovers an unfinished backup left by a killed run, and drops finished ones", async () => {
    const { bin, conf, files } = install();
    const trust = { recordDir: tmpDir() };
    await createBackup(files, bin, "app", trust); // journal says "installing"; the process "dies" here
    clobber(bin, conf);
    const done = await createBackup([], bin, "app", trust);
    await discardBackup(done);
    const recovery = await recoverBackups(bin, "app", trust, conf);
    expect(recovery.restored).toHaveLength(5);
    expect(recovery.ignored).toEqual([]);
    expect(readFileSync(path.join(bin, "app"), "utf8")).toBe("old app");
    expect(readdirSync(bin).filter((f) => f.startsWith("."))).toEqual([]);
    expect(readdirSync(trust.recordDir), "records removed with their backups").toEqual([]);
    expect(await recoverBackups(bin, "app", trust, conf)).toEqual({ restored: [], lost: [], ignored: [] });
  });

  it("a journal that is not ours is left in place and not obeyed", async () => {
    const { bin, conf, files } = install();
    const trust = { recordDir: tmpDir() };
    const outside = path.join(tmpDir(), "victim");
    writeFileSync(outside, "keep me");
    // Planted: a well-formed journal with no record in upkeep's cache, naming a file outside the bin dir.
    const planted = path.join(bin, ".app-upkeep-backup-planted");
    mkdirSync(planted, { mode: 0o700 });
    writeFileSync(path.join(planted, "0-x"), "attacker");
    writeFileSync(
      path.join(planted, "journal.json"),
      JSON.stringify({
        version: 1,
        state: "installing",
        pid: 1,
        nonce: "0".repeat(32),
        entries: [
          { original: outside, kind: "file", saved: path.join(planted, "0-x"), mode: 0o644 },
          { original: path.join(bin, "app"), kind: "absent" },
        ],
      }),
    );
    // A real backup whose record was forged to match, but which names a file outside the bin dir.
    const real = await createBackup(files, bin, "app", trust);
    const journal = JSON.parse(readFileSync(path.join(real.dir, "journal.json"), "utf8"));
    journal.entries.push({ original: outside, kind: "absent" });
    writeFileSync(path.join(real.dir, "journal.json"), JSON.stringify(journal));
    const recovery = await recoverBackups(bin, "app", trust, conf);
    expect(recovery.restored).toEqual([]);
    expect(recovery.ignored.sort()).toEqual([planted, real.dir].sort());
    expect(readFileSync(outside, "utf8")).toBe("keep me");
    expect(readFileSync(path.join(bin, "app"), "utf8")).toBe("old app");
    expect(existsSync(planted)).toBe(true);
  });

  it("a receipt that is a symlink into a dotfile repository gets its content back, not just the link", async () => {
    const bin = tmpDir();
    const dotfiles = tmpDir();
    const real = path.join(dotfiles, "receipt.json");
    writeFileSync(real, '{"version":"1.0.0"}');
    const link = path.join(tmpDir(), "app-receipt.json");
    symlinkSync(real, link);
    const backup = await createBackup([link], bin, "app");
    writeFileSync(link, '{"version":"2.0.0"}'); // an installer writing through the link
    await restoreBackup(backup);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, "utf8")).toBe('{"version":"1.0.0"}');
  });

  it("removes the staging directory a killed installer left in the bin dir, and nothing else", async () => {
    const { bin, conf, files } = install();
    mkdirSync(path.join(bin, ".app-staging.before"));
    const backup = await createBackup(files, bin, "app");
    clobber(bin, conf);
    mkdirSync(path.join(bin, ".app-staging.X1b2"));
    writeFileSync(path.join(bin, ".app-staging.X1b2", "app"), "half");
    writeFileSync(path.join(bin, "tmp.user"), "mine");
    await restoreBackup(backup);
    expect(readdirSync(bin).sort()).toEqual([".app-staging.before", "alias", "app", "app-update", "tmp.user"]);
  });

  it("a restore that cannot finish says which file, keeps the backup, and still restores the rest", async () => {
    const { bin, conf, files } = install();
    const backup = await createBackup(files, bin, "app");
    clobber(bin, conf);
    unlinkSync(path.join(bin, "app"));
    mkdirSync(path.join(bin, "app")); // a directory where the binary was: rename cannot replace it
    writeFileSync(path.join(bin, "app", "x"), "");
    await expect(restoreBackup(backup)).rejects.toThrow(/could not restore .*app.*the backup is kept in/);
    expect(existsSync(backup.dir)).toBe(true);
    expect(readFileSync(conf, "utf8")).toBe('{"version":"1.0.0"}');
    expect(lstatSync(path.join(bin, "alias")).isSymbolicLink()).toBe(true);
  });

  it("a link to the shared updater keeps its target: restored even if the store version was deleted", async () => {
    const { bin, store, link } = storeLink();
    const entry = path.join(store, "users", link.replaceAll("/", "%"));
    writeFileSync(entry, `${link}\n`);
    const backup = await createBackup([link], bin, "app");
    // The new installer links to another version and deletes the now unused one.
    unlinkSync(link);
    symlinkSync("/elsewhere/upkeep", link);
    rmSync(store, { recursive: true });
    await restoreBackup(backup);
    expect(readlinkSync(link)).toBe(path.join(store, "upkeep"));
    expect(readFileSync(link, "utf8")).toBe("shared updater 0.1.0");
    expect(statSync(path.join(store, "upkeep")).mode & 0o777).toBe(0o755);
    expect(readFileSync(entry, "utf8")).toBe(`${link}\n`);
  });
});

// The files an installer replaces, as transaction.ts names them for hard links: everything but the receipt.
const linkable = (files: string[], conf: string): Set<string> => new Set(files.filter((f) => f !== conf));
const inode = (file: string): string => {
  const s = statSync(file);
  return `${s.dev}:${s.ino}`;
};
// What a renaming installer does (ours, cargo-dist from 0.12.1): a new file renamed over the old one.
const replaceByRename = (file: string, body: string): void => {
  writeFileSync(`${file}.new`, body, { mode: 0o755 });
  renameSync(`${file}.new`, file);
};

describe("hard-linked backups", () => {
  it("hard-links the files it is told to, copies the rest, and a restore puts the very same inode back", async () => {
    const { bin, conf, files } = install();
    const app = path.join(bin, "app");
    const before = { app: inode(app), updater: inode(path.join(bin, "app-update")) };
    const backup = await createBackup(files, bin, "app", undefined, { hardLink: linkable(files, conf) });
    const byName = (name: string) => backup.entries.find((e) => e.original.endsWith(name))!;
    // Two names for one file while the backup exists: the original and the backup's.
    expect(statSync(app).nlink).toBe(2);
    expect(inode(byName("/app").saved!)).toBe(before.app);
    expect(inode(byName("/app-update").saved!)).toBe(before.updater);
    expect(byName("/app").hardLink).toMatchObject({ size: "old app".length });
    // The receipt is copied whatever the mode: cargo-dist writes it in place.
    expect(byName("receipt.json").hardLink).toBeUndefined();
    expect(inode(byName("receipt.json").saved!)).not.toBe(inode(conf));
    replaceByRename(app, "NEW");
    replaceByRename(path.join(bin, "app-update"), "NEW updater");
    expect(await lostFiles(backup)).toEqual([]);
    expect(await restoreBackup(backup)).toEqual(files);
    expect(readFileSync(app, "utf8")).toBe("old app");
    expect(inode(app)).toBe(before.app);
    expect(inode(path.join(bin, "app-update"))).toBe(before.updater);
    expect(statSync(app).nlink).toBe(1);
    expect(statSync(path.join(bin, "app-update")).mode & 0o777).toBe(0o750);
  });

  it("a hard-linked backup written through in place is reported lost and left alone; the rest is restored", async () => {
    const { bin, conf, files } = install();
    const backup = await createBackup(files, bin, "app", undefined, { hardLink: linkable(files, conf) });
    writeFileSync(path.join(bin, "app"), "NEW"); // in place, as `cp` over it does: the backup changes too
    writeFileSync(conf, "{garbage");
    expect(await lostFiles(backup)).toEqual([path.join(bin, "app")]);
    const restored = await restoreBackup(backup);
    expect(restored).toEqual(files.filter((f) => f !== path.join(bin, "app")));
    expect(readFileSync(path.join(bin, "app"), "utf8")).toBe("NEW");
    expect(readFileSync(conf, "utf8")).toBe('{"version":"1.0.0"}');
    expect(readdirSync(bin).sort()).toEqual(["alias", "app", "app-update"]);
  });

  it("notices a write in place that keeps size and mtime (`cp -p` of a same-sized file), and not a rename over the original", async () => {
    const { bin, conf, files } = install();
    const app = path.join(bin, "app");
    const updater = path.join(bin, "app-update");
    const backup = await createBackup(files, bin, "app", undefined, { hardLink: linkable(files, conf) });
    const ref = path.join(tmpDir(), "ref");
    writeFileSync(ref, "");
    execFileSync("touch", ["-r", app, ref]); // the mtime to the nanosecond
    writeFileSync(app, "NEW app"); // as long as "old app"
    execFileSync("touch", ["-r", ref, app]); // what `cp -p` does after writing
    expect(statSync(app, { bigint: true }).mtimeNs).toBe(statSync(ref, { bigint: true }).mtimeNs);
    replaceByRename(updater, "NEW updater");
    expect(await lostFiles(backup)).toEqual([app]);
  });

  it("copies, never links, the files it is not told to link (the default)", async () => {
    const { bin, files } = install();
    const backup = await createBackup(files, bin, "app");
    expect(backup.entries.filter((e) => e.hardLink)).toEqual([]);
    expect(statSync(path.join(bin, "app")).nlink).toBe(1);
  });

  const shm = "/dev/shm";
  const otherFs = existsSync(shm) && statSync(shm).dev !== statSync(tmpDir()).dev;
  it.skipIf(!otherFs)("a file on another file system (no hard link possible) is copied", async () => {
    const elsewhere = mkdtempSync(path.join(shm, "upkeep-test-"));
    defer(() => rmSync(elsewhere, { recursive: true, force: true }));
    const file = path.join(elsewhere, "app");
    writeFileSync(file, "old app", { mode: 0o755 });
    const bin = tmpDir();
    const backup = await createBackup([file], bin, "app", undefined, { hardLink: new Set([file]) });
    expect(backup.entries[0]!.hardLink).toBeUndefined();
    writeFileSync(file, "NEW");
    expect(readFileSync(backup.entries[0]!.saved!, "utf8")).toBe("old app");
  });

  it("recovers a killed run's hard-linked backup (the same inode back), and reports one that was written through", async () => {
    const { bin, conf, files } = install();
    const trust = { recordDir: tmpDir() };
    const app = path.join(bin, "app");
    const before = inode(app);
    await createBackup(files, bin, "app", trust, { hardLink: linkable(files, conf) }); // the process "dies" here
    replaceByRename(app, "NEW");
    writeFileSync(path.join(bin, "app-update"), "NEW updater"); // in place: that backup is gone
    const recovery = await recoverBackups(bin, "app", trust, conf);
    expect(recovery.lost).toEqual([path.join(bin, "app-update")]);
    expect(recovery.restored).toHaveLength(4);
    expect(readFileSync(app, "utf8")).toBe("old app");
    expect(inode(app)).toBe(before);
    expect(readdirSync(bin).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("a link into the shared store written through in place is reported lost", async () => {
    const { bin, store, link } = storeLink();
    const backup = await createBackup([link], bin, "app");
    expect(backup.entries[0]!.linked?.hardLink).toBeDefined();
    writeFileSync(path.join(store, "upkeep"), "rewritten in place");
    expect(await lostFiles(backup)).toEqual([path.join(store, "upkeep")]);
  });

  it("a store file that another app's update links and unlinks meanwhile (its ctime changes) is not reported lost", async () => {
    const { bin, store, link } = storeLink();
    const backup = await createBackup([link], bin, "app");
    const other = path.join(tmpDir(), "other-app-backup");
    linkSync(path.join(store, "upkeep"), other); // another app's hard-link backup of the same store file
    unlinkSync(other);
    expect(await lostFiles(backup)).toEqual([]);
  });
});
