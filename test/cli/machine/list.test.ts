// `upkeep list`: the apps found in the standard receipt places, or in the AXOUPDATER_CONFIG_* directory.
import { mkdirSync, renameSync, unlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliWith } from "../../helpers/cli.js";
import { machineWorld as world } from "../../helpers/machine.js";

describe("upkeep list", () => {
  it("list: every app with its version, prefix, source and updater, in the envelope, rows on stdout", async () => {
    const w = await world();
    unlinkSync(path.join(w.a.bin, "otherapp-update"));
    const r = await w.upkeep(["list", "--json"]);
    expect(r.code).toBe(0);
    const common = { result: "installed", new_version: null, tag: null, install_prefix: w.a.prefix, signature: null, warnings: [], error: null };
    expect(r.json).toEqual({
      schema: "upkeep/1",
      command: "list",
      ok: true,
      error: null,
      results: [
        {
          app: "axolotlsay",
          old_version: "1.0.0",
          ...common,
          source: "github axodotdev/axolotlsay",
          receipt: w.a.receiptPath,
          updater: path.join(w.a.bin, "axolotlsay-update"),
          disabled: null,
        },
        { app: "otherapp", old_version: "4.0.0", ...common, source: "github axodotdev/otherapp", receipt: w.b.receiptPath, updater: null, disabled: null },
      ],
    });
    const text = await w.upkeep(["list"]);
    expect(text.stdout).toContain(`axolotlsay\t1.0.0\t${w.a.prefix}\tgithub axodotdev/axolotlsay\tupdater present`);
    expect(text.stderr).toBe("");
    expect((await w.upkeep(["list", "otherapp", "--json"])).json?.results.map((x: { app: string }) => x.app)).toEqual(["otherapp"]);
  });

  it("honours AXOUPDATER_CONFIG_PATH and AXOUPDATER_CONFIG_WORKING_DIR, as each updater's receipt search does", async () => {
    const w = await world();
    const conf = path.join(w.a.home, "conf");
    mkdirSync(conf);
    renameSync(w.b.receiptPath, path.join(conf, "otherapp-receipt.json"));
    const byPath = await runCliWith({ argv: ["list", "--json"], env: { ...w.env, AXOUPDATER_CONFIG_PATH: conf }, invokedAs: "/usr/local/bin/upkeep" });
    expect(byPath.json?.results.map((x: { app: string; result: string }) => [x.app, x.result])).toEqual([["otherapp", "installed"]]);
    const byCwd = await runCliWith({
      argv: ["check", "--json"],
      env: { ...w.env, AXOUPDATER_CONFIG_WORKING_DIR: "1" },
      cwd: conf,
      invokedAs: "/usr/local/bin/upkeep",
    });
    expect(byCwd.json?.results.map((x: { app: string; new_version: string }) => [x.app, x.new_version])).toEqual([["otherapp", "5.0.0"]]);
    const standard = await w.upkeep(["list", "--json"]);
    expect(standard.json?.results.map((x: { app: string }) => x.app)).toEqual(["axolotlsay"]);
  });

  it("a bad GitHub base does not stop list (it needs no GitHub)", async () => {
    const w = await world();
    const r = await runCliWith({
      argv: ["list", "--json"],
      env: { ...w.env, OTHERAPP_INSTALLER_GHE_BASE_URL: "not a url" },
      invokedAs: "/usr/local/bin/upkeep",
    });
    expect(r.code).toBe(0);
    expect(r.json?.results).toHaveLength(2);
  });
});
