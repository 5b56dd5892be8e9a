// The packager switch through the built executable (dist/upkeep), in throw-away HOMEs: a
// `<app>-update.disabled` beside the `<app>-update` link (not beside the shared store file it points
// to) and UPKEEP_DISABLED refuse with DISABLED and send nothing; `upkeep … --all` skips such an app as
// `disabled` without failing; `upkeep list` shows it.
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeRelease, installedApp } from "../helpers/fake-app.js";
import { startFakeGithub } from "../helpers/fake-github.js";
import { EXE, makeWorld, runJsonProcess } from "../helpers/world.js";

const NIX = "installed by Nix: update it with your system";
const MESSAGE = `Updates of axolotlsay are switched off: ${NIX}`;

// axolotlsay 1.0.0 (2.0.0 on its fake GitHub) with `<app>-update` a link into a shared store, as our
// installers lay it out; `upkeep` is the store file itself run under its own name.
async function packaged() {
  const w = await makeWorld({ secrets: false, alias: false, updater: "none" });
  const store = path.join(w.home, ".local", "share", "upkeep", "0.1.0-0123abcd");
  mkdirSync(store, { recursive: true });
  const storeFile = path.join(store, "upkeep");
  // A real file, as the installers' store holds: a link resolved to its end would land in the store.
  copyFileSync(EXE, storeFile);
  symlinkSync(storeFile, w.updater);
  w.snapshot();
  const run = (file: string, argv: string[], env: Record<string, string> = {}) => runJsonProcess(file, argv, { ...w.env, ...env }, { cwd: w.home });
  return {
    w,
    store,
    switchFile: path.join(w.app.bin, "axolotlsay-update.disabled"),
    app: (argv: string[], env?: Record<string, string>) => run(w.updater, argv, env),
    upkeep: (argv: string[], env?: Record<string, string>) => run(storeFile, argv, env),
  };
}

describe("packager switch (dist/upkeep)", () => {
  it("<app>-update.disabled beside the link: update, --check and --json refuse with DISABLED (exit 1), nothing sent", async () => {
    const p = await packaged();
    writeFileSync(p.switchFile, `${NIX}\n`);
    p.w.snapshot();
    const hint = `Switched off by the file ${p.switchFile}; remove it to let upkeep update axolotlsay again.`;
    for (const argv of [[], ["--check"], ["--dry-run"]]) {
      const r = await p.app(argv);
      expect([argv, r.code]).toEqual([argv, 1]);
      expect(r.stderr).toContain(`error[DISABLED]: ${MESSAGE}\nhint: ${hint}\n`);
    }
    const json = await p.app(["--json"]);
    expect(json.code).toBe(1);
    expect(json.json).toEqual({
      schema: "upkeep/1",
      app: "axolotlsay",
      result: "failed",
      old_version: null,
      new_version: null,
      tag: null,
      install_prefix: null,
      signature: null,
      warnings: [],
      error: { code: "DISABLED", message: MESSAGE, hint },
    });
    expect(json.stderr).toBe("");
    expect(p.w.gh.log).toEqual([]);
    expect(p.w.intactFindings()).toEqual([]);
  });

  it("a switch file beside the shared store file does not count (another app's link may use that file)", async () => {
    const p = await packaged();
    writeFileSync(path.join(p.store, "axolotlsay-update.disabled"), NIX);
    writeFileSync(path.join(p.store, "upkeep.disabled"), NIX);
    const r = await p.app(["--check"]);
    expect(r.stderr).not.toContain("DISABLED");
    expect(r.code).toBe(100);
  });

  it("UPKEEP_DISABLED: its value is the message, the variable in the hint; empty is unset", async () => {
    const p = await packaged();
    const r = await p.app(["--check"], { UPKEEP_DISABLED: NIX });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error[DISABLED]: ${MESSAGE}\nhint: Switched off by the environment variable UPKEEP_DISABLED; unset it to let upkeep update axolotlsay again.\n`,
    );
    const byName = await p.upkeep(["update", "axolotlsay"], { UPKEEP_DISABLED: "1" });
    expect(byName.code).toBe(1);
    expect(byName.stdout).toContain(
      "axolotlsay: error[DISABLED]: Updates of axolotlsay are switched off: this copy of axolotlsay is managed by whoever packaged it; update axolotlsay the way it was installed.",
    );
    expect(p.w.gh.log).toEqual([]);
    expect((await p.app(["--check"], { UPKEEP_DISABLED: "" })).code).toBe(100);
  });

  it("upkeep update APP and upkeep check APP refuse a switched-off app (exit 1, ok false)", async () => {
    const p = await packaged();
    writeFileSync(p.switchFile, NIX);
    p.w.snapshot();
    for (const command of ["update", "check"]) {
      const r = await p.upkeep([command, "axolotlsay", "--json"]);
      expect([command, r.code]).toEqual([command, 1]);
      expect(r.json).toMatchObject({ command, ok: false, results: [{ app: "axolotlsay", result: "failed", error: { code: "DISABLED", message: MESSAGE } }] });
    }
    const text = await p.upkeep(["update", "axolotlsay"]);
    expect(text.stdout).toContain(`axolotlsay: error[DISABLED]: ${MESSAGE}\naxolotlsay: hint: Switched off by the file ${p.switchFile}`);
    expect(p.w.gh.log).toEqual([]);
    expect(p.w.intactFindings()).toEqual([]);
  });

  it("--all with one app switched off and one to update: the other updates, exit 0, JSON says disabled; list shows it", async () => {
    const p = await packaged();
    writeFileSync(p.switchFile, NIX);
    const ghB = await startFakeGithub({ repo: "otherapp", releases: [fakeRelease("5.0.0", { app: "otherapp", repo: "otherapp" })] });
    const b = installedApp({
      app: "otherapp",
      version: "4.0.0",
      home: p.w.home,
      receipt: { source: { app_name: "otherapp", name: "otherapp", owner: "axodotdev", release_type: "github" } },
    });
    writeFileSync(path.join(b.bin, "otherapp-update"), '#!/bin/sh\n[ "$1" = -V ] && echo "upkeep 0.1.0"\nexit 0\n', { mode: 0o755 });
    const env = { OTHERAPP_INSTALLER_GHE_BASE_URL: ghB.gheBase };

    const check = await p.upkeep(["check", "--all", "--json"], env);
    expect(check.code).toBe(100); // otherapp has an update; the switched-off app counts as up to date
    expect(check.json?.results.map((r: { app: string; result: string }) => [r.app, r.result])).toEqual([
      ["axolotlsay", "disabled"],
      ["otherapp", "update_available"],
    ]);

    const r = await p.upkeep(["update", "--all", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ command: "update", ok: true, error: null });
    expect(r.json?.results).toEqual([
      {
        app: "axolotlsay",
        result: "disabled",
        old_version: "1.0.0", // the receipt was read to find the updater's place
        new_version: null,
        tag: null,
        install_prefix: p.w.app.prefix,
        signature: null,
        warnings: [],
        error: { code: "DISABLED", message: MESSAGE, hint: `Switched off by the file ${p.switchFile}; remove it to let upkeep update axolotlsay again.` },
      },
      expect.objectContaining({ app: "otherapp", result: "updated", old_version: "4.0.0", new_version: "5.0.0" }),
    ]);
    expect(p.w.gh.log).toEqual([]);
    expect(p.w.version()).toBe("axolotlsay 1.0.0");

    // No app named is every app too; people see one line, not an error.
    const text = await p.upkeep(["update"], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`axolotlsay: Skipped: ${MESSAGE}\n`);
    expect(text.stdout).not.toContain("error[");

    const list = await p.upkeep(["list", "--json"], env);
    expect(list.code).toBe(0);
    expect(list.json?.results.map((x: { app: string; disabled: unknown }) => [x.app, x.disabled])).toEqual([
      ["axolotlsay", { message: NIX, from: p.switchFile }],
      ["otherapp", null],
    ]);
    const listText = await p.upkeep(["list"], env);
    expect(listText.stdout).toContain(`axolotlsay\t1.0.0\t${p.w.app.prefix}\tgithub axodotdev/axolotlsay\tupdater present\tdisabled: ${NIX}\n`);
    expect(listText.stdout).toMatch(/^otherapp\t5\.0\.0\t[^\n]*\tupdater present\n/m);
  });
});
