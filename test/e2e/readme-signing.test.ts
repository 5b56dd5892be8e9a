// The README's "Signing your releases" recipe, run as written, in order: make a key with keygen.mjs,
// release 1.2.3 with --sign-key, install it with its installer, then a 2.0.0 released without the
// key is refused by the installed axolotlsay-update (the real executable), and a signed 2.0.0
// installs. The commands are read from the README itself, so the recipe cannot drift from the code.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { releaseFromDir, tmpDir } from "../helpers/fake-app.js";
import { authorLayout, type Command, readmeSteps, runNodeStep } from "../helpers/readme.js";
import { runProcess as run } from "../helpers/run.js";
import { EXE, makeWorld } from "../helpers/world.js";

describe("README: signing your releases, step by step", () => {
  it("keygen → release --sign-key → install → an unsigned 2.0.0 is refused, a signed one installs", async () => {
    expect(existsSync(EXE), "dist/upkeep is built by npm test").toBe(true);
    const [keygen, release] = readmeSteps("### Signing your releases", [
      ["node", "scripts/keygen.mjs"],
      ["node", "scripts/release.mjs"],
      ["gh", "release", "create"],
    ]);
    if (!keygen || !release) return;

    // The app author's working directory: the layout step 1 of "For app authors" describes.
    const work = tmpDir("upkeep-readme-");
    const layout = (version: string): void => authorLayout(work, version);
    // `node scripts/…` from the checkout, run in the author's directory with only the command's own variables.
    const sh = (c: Command, swap: (argv: string[]) => string[] = (a) => a) => runNodeStep(c, swap(c.argv), work);
    const version = (v: string) => (argv: string[]) => argv.map((a) => a.replaceAll("1.2.3", v));
    const unsigned = (v: string) => (argv: string[]) => {
      const i = argv.indexOf("--sign-key");
      return version(v)([...argv.slice(0, i), ...argv.slice(i + 2)]);
    };

    const made = await sh(keygen);
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(path.join(work, "keys", "minisign.key"))).toBe(true);
    const pub = readFileSync(path.join(work, "keys", "minisign.pub"), "utf8").split("\n")[1];

    layout("1.2.3");
    const first = await sh(release);
    expect(first.code, first.stderr).toBe(0);
    const v1 = path.join(work, "release-1.2.3");
    for (const f of ["sha256.sum.minisig", "axolotlsay-installer.sh.minisig", "axolotlsay-installer.ps1.minisig"])
      expect(existsSync(path.join(v1, f)), f).toBe(true);

    // The user: nothing installed; the fake GitHub serves you/axolotlsay's releases.
    const w = await makeWorld({ installed: false, github: { owner: "you" }, releases: [releaseFromDir(v1, "v1.2.3")], secrets: false });
    const install = await run("sh", [path.join(v1, "axolotlsay-installer.sh")], w.env);
    expect(install.code, install.stderr).toBe(0);
    expect(w.version()).toBe("axolotlsay 1.2.3");
    expect(JSON.parse(readFileSync(w.app.receiptPath, "utf8")).upkeep_public_keys).toEqual([pub]);
    const updater = path.join(w.app.bin, "axolotlsay-update");

    // 2.0.0 released without the key (what a stolen token could publish): refused, nothing changes.
    layout("2.0.0");
    const bad = await sh(release, unsigned("2.0.0"));
    expect(bad.code, bad.stderr).toBe(0);
    w.gh.releases.unshift(releaseFromDir(path.join(work, "release-2.0.0"), "v2.0.0"));
    const refused = await run(updater, ["--json"], w.env);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ result: "failed", error: { code: "SIGNATURE_MISSING" }, signature: { key_source: "receipt" } });
    expect(w.version()).toBe("axolotlsay 1.2.3");

    // The genuine 2.0.0, signed as the README says: installed.
    w.gh.releases.shift();
    const good = await sh(release, (argv) => version("2.0.0")(argv).map((a) => (a === "release-2.0.0" ? "release-2.0.0-signed" : a)));
    expect(good.code, good.stderr).toBe(0);
    w.gh.releases.unshift(releaseFromDir(path.join(work, "release-2.0.0-signed"), "v2.0.0"));
    const up = await run(updater, [], w.env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(
      /Signature checked: sha256\.sum\.minisig and axolotlsay-installer\.sh\.minisig signed by key [1-9A-F][0-9A-F]{0,15} for 2\.0\.0\./,
    );
    expect(w.version()).toBe("axolotlsay 2.0.0");
  }, 300_000);
});
