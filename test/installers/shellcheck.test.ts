// shellcheck (Debian's package, installed by `npm run setup`) over every shell script we ship or run.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeRelease, which } from "../helpers/installers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const shellcheck = which("shellcheck");
const reason = shellcheck ? "" : " (skipped: shellcheck is not installed; npm run setup installs it)";

describe.skipIf(!shellcheck)(`shellcheck${reason}`, () => {
  const check = (file: string) => spawnSync(shellcheck, ["--shell=sh", "--severity=style", file], { encoding: "utf8" });
  for (const file of ["installers/installer.sh", "scripts/setup.sh", ".ci/run"]) {
    it(`${file} is clean`, () => {
      const r = check(path.join(root, file));
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    });
  }
  it("a rendered installer (aliases, several targets, flat install path) is clean", () => {
    const out = makeRelease({
      version: "1.0.0",
      targets: ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin"],
      aliases: ["axolotlsay=ax"],
      installPath: "$XDG_DATA_HOME/axolotlsay",
    });
    const r = check(path.join(out, "axolotlsay-installer.sh"));
    expect(r.stdout + r.stderr).toBe("");
  });
  it("catches a real mistake (control)", () => {
    const r = spawnSync(shellcheck, ["--shell=sh", "-"], { input: "x=$1\nrm -rf $x/*\n", encoding: "utf8" });
    expect(r.status).not.toBe(0);
  });
});
