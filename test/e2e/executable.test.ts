// End to end through the built single executable (dist/upkeep), copied or linked as <app>-update,
// against the fake GitHub, running the fake cargo-dist-style installer with sh in a throw-away HOME.
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/fake-app.js";
import { runProcess as run } from "../helpers/run.js";
import { EXE as exe, makeWorld, type UpdaterKind } from "../helpers/world.js";

// The fake installer puts the built executable in place as the new <app>-update.
const world = (updater: UpdaterKind = "copy") => makeWorld({ updater, env: { FAKE_UPDATER: exe }, secrets: false, alias: false });

describe("the executable (dist/upkeep)", () => {
  it("is built (npm test runs the build first)", () => expect(existsSync(exe), `${exe} is missing: run npm run build`).toBe(true));

  it("copied as axolotlsay-update, upgrades the app and stays installed", async () => {
    const { app, env, updater, version } = await world();
    const r = await run(updater, [], env);
    expect(r.stderr.split("\n")[0]).toBe("Checking for updates...");
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(version()).toBe("axolotlsay 2.0.0");
    expect(JSON.parse(readFileSync(app.receiptPath, "utf8")).version).toBe("2.0.0");
    // The installer put a fresh <app>-update in place, and it runs.
    expect((await run(updater, ["-V"], env)).stdout).toMatch(/^upkeep \d/);
    const again = await run(updater, [], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Already up to date; not upgrading");
  });

  it("as a symlink from the app's bin to a shared copy elsewhere, uses the link's name and place", async () => {
    const { app, env } = await world("none");
    const store = path.join(tmpDir(), "store");
    mkdirSync(store);
    copyFileSync(exe, path.join(store, "upkeep"));
    symlinkSync(path.join(store, "upkeep"), path.join(app.bin, "axolotlsay-update"));
    const r = await run(path.join(app.bin, "axolotlsay-update"), ["--check", "--json"], env);
    expect(r.code).toBe(100);
    expect(JSON.parse(r.stdout)).toMatchObject({ app: "axolotlsay", result: "update_available", new_version: "2.0.0" });
  });

  it("found on PATH by its bare name", async () => {
    const { app, env } = await world();
    const r = await run("axolotlsay-update", ["--dry-run", "--json"], env, tmpDir());
    expect(JSON.parse(r.stdout)).toMatchObject({ result: "would_update", install_prefix: app.prefix });
    expect(r.code).toBe(0);
  });

  it("under its own name it is the machine-wide `upkeep`: a command is required (exit 2), list works", async () => {
    const { env, app } = await world("none");
    const bare = await run(exe, [], env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("error[USAGE]: name a command: list, check, update, doctor or uninstall");
    expect(bare.stderr).toContain("<app>-update");
    const list = await run(exe, ["list", "--json"], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).results).toEqual([expect.objectContaining({ app: "axolotlsay", old_version: "1.0.0", install_prefix: app.prefix })]);
    // Any other name without -update is still refused.
    const other = path.join(tmpDir(), "axoupdater");
    copyFileSync(exe, other);
    const refused = await run(other, [], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("error[APP_NAME]");
  });

  it("ignores a broken NODE_OPTIONS and prints no runtime warnings", async () => {
    const { env, updater } = await world();
    const r = await run(updater, ["--help"], { ...env, NODE_OPTIONS: "--require /nonexistent.js" });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Usage: axolotlsay-update");
  });

  it("reports a failure as JSON with exit 1 and no stack trace", async () => {
    const { env, updater } = await world();
    const r = await run(updater, ["--json", "--version", "5.0.0"], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe("RELEASE_NOT_FOUND");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
