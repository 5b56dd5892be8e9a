// The packager's switch in the library: UPKEEP_DISABLED (in the env option) and `<app>-update.disabled`
// beside the updater refuse with DISABLED before any request reaches the (loopback, fake) GitHub.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { checkForUpdate, update, UpdaterError } from "../../src/index.js";
import { disabledSwitch } from "../../src/update/disabled.js";
import { tmpDir } from "../helpers/fake-app.js";
import { makeWorld } from "../helpers/world.js";

const NIX = "installed by Nix: update it with your system";
const world = () => makeWorld({ secrets: false, alias: false });
const isDisabled = (from: string) => (e: unknown) =>
  UpdaterError.is(e) && e.code === "DISABLED" && e.message === `Updates of axolotlsay are switched off: ${NIX}` && (e.hint ?? "").includes(from);

describe("library: the packager switch", () => {
  // [call, how it is switched off]
  const calls = [
    ["checkForUpdate", checkForUpdate],
    ["update", update],
    ["update (dryRun)", (o: Parameters<typeof update>[0]) => update({ ...o, dryRun: true })],
  ] as const;
  for (const [name, call] of calls) {
    it(`${name}: UPKEEP_DISABLED in the env option refuses, nothing sent`, async () => {
      const w = await world();
      await expect(call({ app: "axolotlsay", env: { ...w.env, UPKEEP_DISABLED: `${NIX}\n` } })).rejects.toSatisfy(isDisabled("UPKEEP_DISABLED"));
      expect(w.gh.log).toEqual([]);
      expect(w.intactFindings()).toEqual([]);
    });
    it(`${name}: <app>-update.disabled beside the receipt's updater refuses, nothing sent`, async () => {
      const w = await world();
      const file = path.join(w.app.bin, "axolotlsay-update.disabled");
      writeFileSync(file, NIX);
      w.snapshot();
      await expect(call({ app: "axolotlsay", env: w.env })).rejects.toSatisfy(isDisabled(file));
      expect(w.gh.log).toEqual([]);
      expect(w.intactFindings()).toEqual([]);
    });
  }

  it("UPKEEP_DISABLED empty switches nothing off", async () => {
    const w = await world();
    expect((await checkForUpdate({ app: "axolotlsay", env: { ...w.env, UPKEEP_DISABLED: "" } })).updateAvailable).toBe(true);
  });

  it("beside executablePath it refuses before the receipt is looked for (a packaged app has none)", async () => {
    const bin = path.join(tmpDir(), "nix", "store", "abc-hello", "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "axolotlsay-update.disabled"), NIX);
    const home = tmpDir();
    await expect(update({ app: "axolotlsay", env: { HOME: home }, executablePath: path.join(bin, "axolotlsay-update") })).rejects.toSatisfy(
      isDisabled(path.join(bin, "axolotlsay-update.disabled")),
    );
  });
});

describe("disabledSwitch", () => {
  it("the variable first, then the file beside the given or invoked updater, else undefined", async () => {
    const dir = tmpDir();
    const file = path.join(dir, "axolotlsay-update.disabled");
    writeFileSync(file, " from the file \n");
    const config = (env: Record<string, string>, executablePath?: string) =>
      resolveConfig({ app: "axolotlsay", env: { HOME: dir, ...env }, cwd: dir, ...(executablePath ? { executablePath } : {}) });
    const updater = path.join(dir, "axolotlsay-update");
    expect(await disabledSwitch(config({ UPKEEP_DISABLED: "by env" }), updater)).toEqual({ message: "by env", from: "UPKEEP_DISABLED", kind: "env" });
    expect(await disabledSwitch(config({}), updater)).toEqual({ message: "from the file", from: file, kind: "file" });
    expect(await disabledSwitch(config({}, updater))).toEqual({ message: "from the file", from: file, kind: "file" });
    expect(await disabledSwitch(config({}))).toBeUndefined();
    expect(await disabledSwitch(config({}), path.join(dir, "elsewhere", "axolotlsay-update"))).toBeUndefined();
  });
});
