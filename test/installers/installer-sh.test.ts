// installers/installer.sh, rendered by scripts/release.mjs and run for real under dash, bash and
// busybox ash in throw-away HOMEs against the fake GitHub on loopback.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseReceipt } from "../../src/core/receipt.js";
import { CARGO_DIST_RECEIPT_KEYS } from "../fixtures/receipts.js";
import { releaseFromDir, tmpDir } from "../helpers/fake-app.js";
import { startFakeGithub, type FakeGithubOptions } from "../helpers/fake-github.js";
import {
  busyboxOnly,
  fakeCommands,
  fakeUpkeep,
  makeRelease,
  onlyCommands,
  runScript,
  SHELLS,
  which,
  type MakeReleaseOptions,
  type Shell,
} from "../helpers/installers.js";
import { testKeyPair } from "../helpers/minisign.js";
import { runProcess } from "../helpers/run.js";
import { makeWorld } from "../helpers/world.js";

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";
const isRoot = process.getuid?.() === 0;

// Nothing installed yet: the world's empty HOME, and the fake GitHub publishing v1.0.0 of the rendered installer.
async function world(o: { release?: Partial<MakeReleaseOptions>; gh?: FakeGithubOptions; home?: string } = {}) {
  const out = makeRelease({ version: "1.0.0", aliases: ["axolotlsay=axolotl"], ...o.release });
  const w = await makeWorld({
    installed: false,
    releases: [releaseFromDir(out, "v1.0.0")],
    secrets: false,
    ...(o.gh ? { github: o.gh } : {}),
    ...(o.home ? { home: o.home } : {}),
  });
  const {
    gh,
    home,
    env,
    app: { bin, receiptPath },
  } = w;
  const receipt = () => JSON.parse(readFileSync(receiptPath, "utf8")) as Record<string, any>;
  const run = (shell: Shell, extra: Record<string, string> = {}, args: string[] = [], script = path.join(out, "axolotlsay-installer.sh")) =>
    runScript(shell, script, { ...env, ...extra }, { args });
  return { out, gh, home, env, bin, receiptPath, receipt, run };
}

const version = (file: string) => spawnSync(file, { encoding: "utf8" }).stdout.trim();
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const UPDATER = "axolotlsay-x86_64-unknown-linux-gnu-update";
// The updater files (plain or compressed) the installer asked the fake GitHub for, in order.
const updaterRequests = (w: { gh: { log: { path: string }[] } }) => w.gh.log.map((l) => path.basename(l.path)).filter((f) => /-update(\.xz|\.zip)?$/.test(f));
// What the installer runs besides a downloader and a decompressor.
const TOOLS = [
  "tar",
  "sha256sum",
  "mktemp",
  "uname",
  "grep",
  "sed",
  "tail",
  "tr",
  "cut",
  "awk",
  "chmod",
  "mv",
  "cp",
  "rm",
  "mkdir",
  "ln",
  "cat",
  "readlink",
  "id",
  "getent",
];

// Runs argv with its stdout and stderr on a terminal (util-linux script: a pseudo-terminal), output as one stream.
function runOnTerminal(argv: string[], env: Record<string, string>) {
  const command = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  return runProcess(which("script"), ["-qec", command, "/dev/null"], env, "/");
}
// What installer.sh records in a fresh HOME (no rc file yet) for the env file `envRel` (relative to HOME):
// both env files, the line in the .profile it creates, and the zsh and fish files where those shells are.
function freshPathChanges(home: string, envRel: string): Record<string, string>[] {
  const envFile = path.join(home, envRel);
  const line = `. "$HOME/${envRel}"`;
  return [
    { type: "env_file", file: envFile },
    { type: "env_file", file: `${envFile}.fish` },
    { type: "rc_line", file: path.join(home, ".profile"), line },
    ...(which("zsh") ? [{ type: "rc_line", file: path.join(home, ".zshrc"), line }] : []),
    ...(which("fish") ? [{ type: "env_file", file: path.join(home, ".config/fish/conf.d/axolotlsay.env.fish") }] : []),
  ];
}
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

for (const shell of SHELLS) {
  describe.skipIf(shell.missing !== undefined)(`installer.sh under ${shell.name}${shell.missing ? ` (skipped: ${shell.missing})` : ""}`, () => {
    it("rendered with keys, the receipt pins them between source and version, as upkeep reads them; a later installer's list replaces them", async () => {
      const [a, b] = [testKeyPair(), testKeyPair()];
      const keyFile = path.join(tmpDir(), "a.key");
      writeFileSync(keyFile, a.secretKeyFile);
      const w = await world({ release: { signKey: keyFile, publicKeys: [b.publicKeyLine, a.publicKeyLine] } });
      expect((await w.run(shell)).code).toBe(0);
      const text = readFileSync(w.receiptPath, "utf8");
      // In alphabetical order after the PATH changes this first install made.
      expect(Object.keys(JSON.parse(text))).toEqual([...CARGO_DIST_RECEIPT_KEYS.slice(0, -1), "upkeep_path_changes", "upkeep_public_keys", "version"]);
      expect(w.receipt().upkeep_public_keys).toEqual([b.publicKeyLine, a.publicKeyLine]);
      // upkeep's reader takes it, checking each key (a damaged one would be RECEIPT_INVALID).
      expect(parseReceipt(text, { file: w.receiptPath, app: "axolotlsay" }).receipt.publicKeys).toEqual([b.publicKeyLine, a.publicKeyLine]);
      // Re-installs with later releases' installers: each one's list replaces the receipt's (rotation).
      // [version, how the release is made, the keys its receipt pins (none: no field)]
      const steps: [string, Partial<MakeReleaseOptions>, string[] | undefined][] = [
        ["2.0.0", { signKey: keyFile, publicKeys: [b.publicKeyLine] }, [b.publicKeyLine]],
        ["3.0.0", {}, undefined],
        ["4.0.0", { signKey: keyFile }, [a.publicKeyLine]], // --sign-key alone: the signing key's public key
      ];
      let previous = "";
      for (const [v, opts, keys] of steps) {
        const next = makeRelease({ version: v, aliases: ["axolotlsay=axolotl"], ...opts });
        w.gh.releases.unshift(releaseFromDir(next, `v${v}`));
        expect((await w.run(shell, {}, [], path.join(next, "axolotlsay-installer.sh"))).code, v).toBe(0);
        const now = readFileSync(w.receiptPath, "utf8");
        expect(parseReceipt(now, { file: w.receiptPath, app: "axolotlsay" }).receipt).toMatchObject({ version: v, publicKeys: keys ?? [] });
        if (keys === undefined) expect(Object.keys(JSON.parse(now)), v).toEqual(CARGO_DIST_RECEIPT_KEYS);
        // Byte for byte, a keyed receipt is the keyless one with the field before "version".
        else if (previous) expect(now).toBe(previous.replace(/,"version":"[^"]*"\}\n$/, `,"upkeep_public_keys":${JSON.stringify(keys)},"version":"${v}"}\n`));
        previous = keys === undefined ? now : "";
      }
    });

    it("installs binaries, alias, updater, receipt and PATH setup (cargo-home default)", async () => {
      const w = await world();
      const r = await w.run(shell);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`installing to ${w.bin}`);
      expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("everything's installed!");
      expect(listing(w.bin)).toEqual(["axolotl", "axolotlsay", "axolotlsay-update"]);
      expect(version(path.join(w.bin, "axolotlsay"))).toBe("axolotlsay 1.0.0 x86_64-unknown-linux-gnu");
      expect(readlinkSync(path.join(w.bin, "axolotl"))).toBe("axolotlsay");
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 1.0.0");
      expect(readlinkSync(path.join(w.bin, "axolotlsay-update"))).toMatch(
        new RegExp(`^${w.home}/\\.local/share/upkeep/\\d+\\.\\d+\\.\\d+-[0-9a-f]{12}/upkeep$`),
      );
      // The receipt has exactly today's cargo-dist keys, types and order, and upkeep reads it.
      const text = readFileSync(w.receiptPath, "utf8");
      const raw = JSON.parse(text);
      // cargo-dist's keys, and ours: the PATH changes this install made, before "version".
      expect(Object.keys(raw)).toEqual([...CARGO_DIST_RECEIPT_KEYS.slice(0, -1), "upkeep_path_changes", "version"]);
      expect(raw).toEqual({
        upkeep_path_changes: freshPathChanges(w.home, ".cargo/env"),
        binaries: ["axolotlsay"],
        binary_aliases: { axolotlsay: ["axolotl"] },
        cdylibs: [],
        cstaticlibs: [],
        install_layout: "cargo-home",
        install_prefix: path.join(w.home, ".cargo"),
        modify_path: true,
        provider: { source: "upkeep", version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
        source: { app_name: "axolotlsay", name: "axolotlsay", owner: "axodotdev", release_type: "github" },
        version: "1.0.0",
      });
      expect(text.endsWith("}\n")).toBe(true);
      expect(parseReceipt(text, { file: w.receiptPath, app: "axolotlsay" }).receipt.installPrefix).toBe(path.join(w.home, ".cargo"));
      // PATH: rustup-compatible env files and one line in .profile.
      expect(readFileSync(path.join(w.home, ".cargo", "env"), "utf8")).toContain('export PATH="$HOME/.cargo/bin:$PATH"');
      expect(readFileSync(path.join(w.home, ".profile"), "utf8")).toBe('\n. "$HOME/.cargo/env"\n');
      const sourced = spawnSync("sh", ["-c", '. "$HOME/.cargo/env" && command -v axolotlsay'], { env: { HOME: w.home, PATH: SYSTEM_PATH }, encoding: "utf8" });
      expect(sourced.stdout.trim()).toBe(path.join(w.bin, "axolotlsay"));
      // Nothing left behind.
      expect(readdirSync(w.bin).filter((f) => f.startsWith("."))).toEqual([]);
      expect(readdirSync(path.join(w.home, "tmp"))).toEqual([]);
    });

    // [label, env, expected prefix (relative to HOME), layout]
    const forced: [string, Record<string, string>, string, string][] = [
      ["<APP>_INSTALL_DIR", { AXOLOTLSAY_INSTALL_DIR: "$H/opt/axo" }, "opt/axo", "cargo-home"],
      ["CARGO_DIST_FORCE_INSTALL_DIR", { CARGO_DIST_FORCE_INSTALL_DIR: "$H/forced" }, "forced", "cargo-home"],
      ["<APP>_INSTALL_DIR wins over CARGO_DIST_FORCE_INSTALL_DIR", { AXOLOTLSAY_INSTALL_DIR: "$H/a", CARGO_DIST_FORCE_INSTALL_DIR: "$H/b" }, "a", "cargo-home"],
      ["a forced dir wins over <APP>_UNMANAGED_INSTALL", { CARGO_DIST_FORCE_INSTALL_DIR: "$H/b", AXOLOTLSAY_UNMANAGED_INSTALL: "$H/u" }, "b", "cargo-home"],
      ["CARGO_HOME moves the default", { CARGO_HOME: "$H/cargo" }, "cargo", "cargo-home"],
    ];
    for (const [label, vars, prefix, layout] of forced) {
      it(`install dir: ${label}`, async () => {
        const w = await world();
        const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replace("$H", w.home)]));
        expect((await w.run(shell, env)).code).toBe(0);
        const receipt = w.receipt();
        expect(receipt.install_prefix).toBe(path.join(w.home, prefix));
        expect(receipt.install_layout).toBe(layout);
        expect(version(path.join(w.home, prefix, "bin", "axolotlsay"))).toContain("1.0.0");
      });
    }

    it("<APP>_UNMANAGED_INSTALL: flat, no receipt, no updater, no PATH changes", async () => {
      const w = await world();
      const dir = path.join(w.home, "ci tools");
      expect((await w.run(shell, { AXOLOTLSAY_UNMANAGED_INSTALL: dir })).code).toBe(0);
      expect(listing(dir)).toEqual(["axolotl", "axolotlsay"]);
      expect(existsSync(w.receiptPath)).toBe(false);
      expect(existsSync(path.join(w.home, ".profile"))).toBe(false);
    });

    it("flat layout (install path ~/.axolotlsay), and a forced flat dir equal to CARGO_HOME becomes cargo-home", async () => {
      const w = await world({ release: { installPath: "~/.axolotlsay" } });
      expect((await w.run(shell)).code).toBe(0);
      expect(listing(path.join(w.home, ".axolotlsay"))).toEqual(["axolotl", "axolotlsay", "axolotlsay-update", "env", "env.fish"]);
      expect(w.receipt()).toMatchObject({ install_layout: "flat", install_prefix: path.join(w.home, ".axolotlsay") });
      expect((await w.run(shell, { AXOLOTLSAY_INSTALL_DIR: path.join(w.home, ".cargo") })).code).toBe(0);
      expect(w.receipt()).toMatchObject({ install_layout: "cargo-home", install_prefix: path.join(w.home, ".cargo") });
      expect(existsSync(path.join(w.bin, "axolotlsay"))).toBe(true);
    });

    it("install path $VAR/dir: flat under the variable, a clear error when it is unset", async () => {
      const w = await world({ release: { installPath: "$XDG_DATA_HOME/axolotlsay" } });
      const data = path.join(w.home, "data");
      expect((await w.run(shell, { XDG_DATA_HOME: data })).code).toBe(0);
      expect(w.receipt()).toMatchObject({ install_layout: "flat", install_prefix: path.join(data, "axolotlsay") });
      const r = await w.run(shell);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("$XDG_DATA_HOME is not set");
    });

    for (const variable of ["AXOLOTLSAY_NO_MODIFY_PATH", "INSTALLER_NO_MODIFY_PATH"]) {
      it(`${variable}=1 leaves every rc file byte-for-byte unchanged and records modify_path false`, async () => {
        const w = await world();
        const rc = { ".profile": "# mine\nexport A=1\n", ".bashrc": "alias ll='ls -l'", ".zshrc": "setopt x\n" };
        for (const [f, body] of Object.entries(rc)) writeFileSync(path.join(w.home, f), body);
        expect((await w.run(shell, { [variable]: "1" })).code).toBe(0);
        for (const [f, body] of Object.entries(rc)) expect(readFileSync(path.join(w.home, f), "utf8")).toBe(body);
        expect(existsSync(path.join(w.home, ".cargo", "env"))).toBe(false);
        expect(w.receipt().modify_path).toBe(false);
      });
    }

    it("edits every existing bash rc file, zsh under ZDOTDIR and fish; GITHUB_PATH once", async () => {
      const w = await world();
      const zdot = path.join(w.home, "zdot");
      mkdirSync(zdot);
      mkdirSync(path.join(w.home, ".config", "fish"), { recursive: true });
      writeFileSync(path.join(w.home, ".bashrc"), "# bashrc\n");
      writeFileSync(path.join(w.home, ".bash_profile"), "# bash_profile\n");
      writeFileSync(path.join(zdot, ".zshrc"), "# zshrc\n");
      const ghPath = path.join(w.home, "github_path");
      writeFileSync(ghPath, "");
      expect((await w.run(shell, { ZDOTDIR: zdot, GITHUB_PATH: ghPath })).code).toBe(0);
      expect((await w.run(shell, { ZDOTDIR: zdot, GITHUB_PATH: ghPath })).code).toBe(0);
      const line = '. "$HOME/.cargo/env"';
      expect(readFileSync(path.join(w.home, ".bashrc"), "utf8")).toBe(`# bashrc\n\n${line}\n`);
      expect(readFileSync(path.join(w.home, ".bash_profile"), "utf8")).toBe(`# bash_profile\n\n${line}\n`);
      expect(existsSync(path.join(w.home, ".profile"))).toBe(false);
      expect(readFileSync(path.join(zdot, ".zshrc"), "utf8")).toBe(`# zshrc\n\n${line}\n`);
      expect(readFileSync(path.join(w.home, ".config/fish/conf.d/axolotlsay.env.fish"), "utf8")).toBe('\nsource "$HOME/.cargo/env.fish"\n');
      expect(readFileSync(ghPath, "utf8")).toBe(`${w.bin}\n`);
    });

    it("re-installing is idempotent: rc and env files unchanged the second time", async () => {
      const w = await world();
      expect((await w.run(shell)).code).toBe(0);
      const snapshot = () => [".profile", ".cargo/env", ".cargo/env.fish"].map((f) => readFileSync(path.join(w.home, f), "utf8"));
      const first = snapshot();
      const again = await w.run(shell);
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain("To add");
      expect(snapshot()).toEqual(first);
      expect(listing(w.bin)).toEqual(["axolotl", "axolotlsay", "axolotlsay-update"]);
    });

    it("records its PATH changes (rc lines and env files it made) in the receipt, as upkeep reads them", async () => {
      const w = await world();
      expect((await w.run(shell, { AXOLOTLSAY_INSTALL_DIR: path.join(w.home, "opt/axo") })).code).toBe(0);
      const text = readFileSync(w.receiptPath, "utf8");
      const recorded = freshPathChanges(w.home, "opt/axo/env");
      expect(JSON.parse(text).upkeep_path_changes).toEqual(recorded);
      expect(Object.keys(JSON.parse(text))).toEqual([...CARGO_DIST_RECEIPT_KEYS.slice(0, -1), "upkeep_path_changes", "version"]);
      expect(parseReceipt(text, { file: w.receiptPath, app: "axolotlsay" }).receipt.pathChanges).toEqual(recorded);
      // A re-run (an update) finds everything in place and records nothing: upkeep carries the old list over.
      expect((await w.run(shell, { AXOLOTLSAY_INSTALL_DIR: path.join(w.home, "opt/axo") })).code).toBe(0);
      expect(Object.keys(w.receipt())).toEqual(CARGO_DIST_RECEIPT_KEYS);
    });

    it("records nothing for a line already there (rustup's, or ours), nor for an env file that exists", async () => {
      const w = await world();
      mkdirSync(path.join(w.home, ".cargo"), { recursive: true });
      writeFileSync(path.join(w.home, ".cargo", "env"), "# rustup's\n");
      writeFileSync(path.join(w.home, ".cargo", "env.fish"), "# rustup's\n");
      const profile = '# mine\n. "$HOME/.cargo/env"\n';
      writeFileSync(path.join(w.home, ".profile"), profile);
      expect((await w.run(shell)).code).toBe(0);
      expect(readFileSync(path.join(w.home, ".profile"), "utf8")).toBe(profile);
      const raw = w.receipt();
      const zsh = which("zsh") ? [{ type: "rc_line", file: path.join(w.home, ".zshrc"), line: '. "$HOME/.cargo/env"' }] : [];
      if (zsh.length) expect(raw.upkeep_path_changes).toEqual(zsh);
      else expect(Object.keys(raw)).toEqual(CARGO_DIST_RECEIPT_KEYS);
    });

    it("shares one upkeep per build between apps, as a link from each <app>-update", async () => {
      const w = await world();
      const store = path.join(w.home, ".local", "share", "upkeep");
      expect((await w.run(shell)).code).toBe(0);
      const versions = listing(store);
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
      const shared = path.join(store, versions[0]!, "upkeep");
      expect(readlinkSync(path.join(w.bin, "axolotlsay-update"))).toBe(shared);
      // A second app whose release ships the same upkeep build reuses it.
      const other = makeRelease({ app: "otherapp", version: "3.0.0", updater: () => fakeUpkeep("1.0.0") });
      const gh2 = await startFakeGithub({ releases: [releaseFromDir(other, "v3.0.0")] });
      const r2 = await runScript(shell, path.join(other, "otherapp-installer.sh"), { ...w.env, OTHERAPP_INSTALLER_GHE_BASE_URL: gh2.gheBase });
      expect(r2.code).toBe(0);
      expect(readlinkSync(path.join(w.bin, "otherapp-update"))).toBe(shared);
      expect(listing(path.join(store, versions[0]!, "users"))).toHaveLength(2);
      expect(version(path.join(w.bin, "otherapp-update"))).toBe("updater 1.0.0");
    });

    it("moving one app to a new upkeep keeps the old one for the other app, then removes it when unused", async () => {
      const w = await world();
      const store = path.join(w.home, ".local", "share", "upkeep");
      const other = makeRelease({ app: "otherapp", version: "3.0.0", updater: () => fakeUpkeep("1.0.0") });
      const gh2 = await startFakeGithub({ releases: [releaseFromDir(other, "v3.0.0")] });
      const otherEnv = { ...w.env, OTHERAPP_INSTALLER_GHE_BASE_URL: gh2.gheBase };
      expect((await w.run(shell)).code).toBe(0);
      expect((await runScript(shell, path.join(other, "otherapp-installer.sh"), otherEnv)).code).toBe(0);
      const [old] = listing(store);
      // axolotlsay 2.0.0 ships a different upkeep build.
      const v2 = makeRelease({ version: "2.0.0", updater: () => fakeUpkeep("2.0.0") });
      const gh3 = await startFakeGithub({ releases: [releaseFromDir(v2, "v2.0.0")] });
      expect((await runScript(shell, path.join(v2, "axolotlsay-installer.sh"), { ...w.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh3.gheBase })).code).toBe(0);
      expect(listing(store)).toHaveLength(2);
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 2.0.0");
      expect(version(path.join(w.bin, "otherapp-update"))).toBe("updater 1.0.0");
      // otherapp moves to a copy: nothing uses the old build any more, so it goes.
      expect((await runScript(shell, path.join(other, "otherapp-installer.sh"), { ...otherEnv, UPKEEP_NO_SHARED_UPDATER: "1" })).code).toBe(0);
      expect(lstatSync(path.join(w.bin, "otherapp-update")).isFile()).toBe(true);
      expect(listing(store)).not.toContain(old);
      expect(listing(store)).toHaveLength(1);
    });

    it("downloads the updater once, as its .xz: a re-install finds the build in the store and requests no updater", async () => {
      const w = await world();
      const first = await w.run(shell);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(updaterRequests(w)).toEqual([`${UPDATER}.xz`]);
      expect(readFileSync(path.join(w.bin, "axolotlsay-update"), "utf8")).toBe(readFileSync(path.join(w.out, UPDATER), "utf8"));
      w.gh.log.length = 0;
      const again = await w.run(shell, {}, ["--verbose"]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("this upkeep build is already in");
      expect(updaterRequests(w)).toEqual([]);
      expect(w.gh.log.map((l) => path.basename(l.path))).toEqual(["axolotlsay-x86_64-unknown-linux-gnu.tar.xz"]);
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 1.0.0");
    });

    // [label, the decompressors on PATH (xzcat unpacks the app's archive), the updater file requested]
    const decompressors: [string, string[], string][] = [
      ["xz", ["xz"], `${UPDATER}.xz`],
      ["unxz only", ["unxz", "xzcat"], `${UPDATER}.xz`],
      ["busybox unxz only", ["busybox", "xzcat"], `${UPDATER}.xz`],
      ["none of them", ["xzcat"], UPDATER],
    ];
    for (const [label, tools, wanted] of decompressors) {
      it(`with ${label} on PATH, requests ${wanted.endsWith(".xz") ? "the .xz" : "the plain updater"}`, async () => {
        const w = await world();
        const r = await w.run(shell, { PATH: onlyCommands([...TOOLS, "curl", ...tools]) }, ["--verbose"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(updaterRequests(w)).toEqual([wanted]);
        expect(r.stdout).toContain(`sha256 ${sha256(readFileSync(path.join(w.out, UPDATER)))} verified`);
        expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 1.0.0");
      });
    }

    it("falls back to the plain updater when no download URL has the .xz", async () => {
      const w = await world();
      w.gh.inject({ match: /-update\.xz$/, status: 404, body: "Not Found" });
      const r = await w.run(shell, {}, ["--verbose"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`could not download ${UPDATER}.xz`);
      expect(updaterRequests(w)).toEqual([`${UPDATER}.xz`, UPDATER]);
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 1.0.0");
    });

    it("checks the .xz's SHA-256 before unpacking it, and the updater's after: a mismatch in either installs nothing", async () => {
      const w = await world();
      const packed = w.gh.releases[0]!.assets.find((a) => a.name === `${UPDATER}.xz`)!;
      const original = packed.body;
      packed.body = Buffer.concat([original as Buffer, Buffer.from("tampered")]);
      const r = await w.run(shell);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`checksum mismatch for ${UPDATER}.xz`);
      expect(listing(w.bin)).toEqual([]);
      // A .xz that matches its own checksum but unpacks to another updater than the one rendered in.
      packed.body = original;
      const script = path.join(w.home, "other-updater-installer.sh");
      const plain = sha256(readFileSync(path.join(w.out, UPDATER)));
      writeFileSync(script, readFileSync(path.join(w.out, "axolotlsay-installer.sh"), "utf8").replace(plain, "0".repeat(64)));
      const r2 = await w.run(shell, {}, [], script);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toContain(`checksum mismatch for ${UPDATER} (unpacked from ${UPDATER}.xz): expected ${"0".repeat(64)}, got ${plain}`);
      expect(listing(w.bin)).toEqual([]);
      expect(existsSync(w.receiptPath)).toBe(false);
    });

    it("trusts a store copy by its content's hash, not its directory name: a changed copy is downloaded again and replaced", async () => {
      const w = await world();
      expect((await w.run(shell)).code).toBe(0);
      const shared = readlinkSync(path.join(w.bin, "axolotlsay-update"));
      writeFileSync(shared, '#!/bin/sh\necho "not the updater"\n');
      w.gh.log.length = 0;
      expect((await w.run(shell)).code).toBe(0);
      expect(updaterRequests(w)).toEqual([`${UPDATER}.xz`]);
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 1.0.0");
      expect(readlinkSync(path.join(w.bin, "axolotlsay-update"))).toBe(shared);
    });

    it("an updater that is not upkeep is installed as a plain file, never into the store; an app moving to one frees its store copy", async () => {
      const w = await world();
      const store = path.join(w.home, ".local", "share", "upkeep");
      expect((await w.run(shell)).code).toBe(0);
      expect(listing(store)).toHaveLength(1);
      const foreign = makeRelease({ version: "2.0.0", updater: () => '#!/bin/sh\necho "axoupdater 0.9"\n' });
      expect(readFileSync(path.join(foreign, "axolotlsay-installer.sh"), "utf8")).toMatch(/^updater x86_64-unknown-linux-gnu \S+ [0-9a-f]{64}$/m);
      const gh2 = await startFakeGithub({ releases: [releaseFromDir(foreign, "v2.0.0")] });
      const r = await runScript(shell, path.join(foreign, "axolotlsay-installer.sh"), { ...w.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh2.gheBase });
      expect(r.code).toBe(0);
      expect(lstatSync(path.join(w.bin, "axolotlsay-update")).isFile()).toBe(true);
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("axoupdater 0.9");
      expect(listing(store)).toEqual([]);
      // A fresh HOME: no store at all.
      const fresh = await world({ release: { updater: () => '#!/bin/sh\necho "axoupdater 0.9"\n' } });
      expect((await fresh.run(shell)).code).toBe(0);
      expect(lstatSync(path.join(fresh.bin, "axolotlsay-update")).isFile()).toBe(true);
      expect(existsSync(path.join(fresh.home, ".local", "share", "upkeep"))).toBe(false);
    });

    describe.skipIf(!which("script"))(`on a terminal${which("script") ? "" : " (skipped: util-linux script is not installed)"}`, () => {
      // [downloader, the tools it needs, what its progress bar ends with]
      const downloaders: [string, string[], RegExp][] = [
        ["curl", ["curl"], /#+ *100\.0%/],
        ["GNU wget", ["wget"], /100%\[=+>?\]/],
      ];
      for (const [name, tools, bar] of downloaders) {
        it(`shows ${name}'s progress for the updater (not with --quiet)`, async () => {
          const w = await world();
          const env = { ...w.env, PATH: onlyCommands([...TOOLS, "xz", ...tools]) };
          const tty = (args: string[]) => runOnTerminal([...shell.argv, path.join(w.out, "axolotlsay-installer.sh"), ...args], env);
          const shown = await tty([]);
          expect(shown.code).toBe(0);
          expect(shown.stdout).toMatch(bar);
          expect(shown.stdout.match(new RegExp(bar.source, "g"))).toHaveLength(1);
          const quiet = await tty(["--quiet"]);
          expect(quiet.code).toBe(0);
          expect(quiet.stdout).toBe("");
        });
      }
    });

    it("installs a full copy of upkeep where the shared store cannot be written", async () => {
      const w = await world();
      const file = path.join(w.home, "not-a-dir");
      writeFileSync(file, "");
      expect((await w.run(shell, { XDG_DATA_HOME: file })).code).toBe(0);
      expect(lstatSync(path.join(w.bin, "axolotlsay-update")).isFile()).toBe(true);
      expect(version(path.join(w.bin, "axolotlsay-update"))).toBe("updater 1.0.0");
    });

    it("<APP>_DISABLE_UPDATE=1: no updater and no receipt", async () => {
      const w = await world();
      expect((await w.run(shell, { AXOLOTLSAY_DISABLE_UPDATE: "1" })).code).toBe(0);
      expect(listing(w.bin)).toEqual(["axolotl", "axolotlsay"]);
      expect(existsSync(w.receiptPath)).toBe(false);
    });

    // [variable, how its value is built] — artifacts come from the download host, not the GHE one
    for (const variable of ["AXOLOTLSAY_DOWNLOAD_URL", "INSTALLER_DOWNLOAD_URL"]) {
      it(`${variable} replaces the download location, trying each base URL in turn`, async () => {
        const w = await world();
        const mirror = `${w.gh.downloadOrigin}/axodotdev/axolotlsay/releases/download/v1.0.0`;
        const r = await w.run(shell, { [variable]: `${w.gh.downloadOrigin}/missing ${mirror}`, AXOLOTLSAY_GITHUB_TOKEN: "ghp_never_for_mirrors" }, [
          "--verbose",
        ]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("trying alternative download URL");
        expect(w.gh.apiRequests()).toEqual([]);
        const downloads = w.gh.log.filter((l) => l.server === "download");
        expect(downloads.map((d) => d.path)).toContain("/axodotdev/axolotlsay/releases/download/v1.0.0/axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
        expect(downloads.every((d) => d.headers.authorization === undefined)).toBe(true);
      });
    }

    it("<APP>_INSTALLER_GITHUB_BASE_URL is a download base too", async () => {
      const w = await world();
      const { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: _ghe, ...env } = w.env;
      const r = await runScript(shell, path.join(w.out, "axolotlsay-installer.sh"), { ...env, AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL: w.gh.gheBase });
      expect(r.code).toBe(0);
      expect(w.gh.apiRequests().map((l) => l.path)).toContain("/axodotdev/axolotlsay/releases/download/v1.0.0/axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
    });

    it("<APP>_GITHUB_TOKEN goes to the GitHub host only, not to the host it redirects to", async () => {
      const w = await world({ gh: { gheDownloads: "redirect" } });
      const r = await w.run(shell, { AXOLOTLSAY_GITHUB_TOKEN: "ghp_installer_token" });
      expect(r.code).toBe(0);
      const api = w.gh.apiRequests();
      expect(api.length).toBeGreaterThan(0);
      expect(api.every((l) => l.headers.authorization === "Bearer ghp_installer_token")).toBe(true);
      const storage = w.gh.log.filter((l) => l.server === "download");
      expect(storage.length).toBe(api.length);
      expect(storage.every((l) => l.headers.authorization === undefined)).toBe(true);
      expect(r.stdout + r.stderr).not.toContain("ghp_installer_token");
    });

    it("with GNU wget instead of curl, the token still stays on its host", async () => {
      const w = await world({ gh: { gheDownloads: "redirect" } });
      const tools = onlyCommands(["wget", "xz", "ldd", ...TOOLS]);
      const r = await w.run(shell, { PATH: tools, AXOLOTLSAY_GITHUB_TOKEN: "ghp_wget_token" });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(w.gh.apiRequests().every((l) => l.headers.authorization === "Bearer ghp_wget_token")).toBe(true);
      expect(w.gh.log.filter((l) => l.server === "download").every((l) => l.headers.authorization === undefined)).toBe(true);
      expect(w.gh.log.filter((l) => l.server === "download").length).toBeGreaterThan(0);
    });

    it("in a busybox-only userland (Alpine-like): installs with busybox wget, tar, xz and sha256sum", async () => {
      const w = await world();
      const r = await w.run(shell, { PATH: busyboxOnly() });
      expect(r.code).toBe(0);
      expect(version(path.join(w.bin, "axolotlsay"))).toContain("1.0.0");
      // … but refuses a token there: busybox wget would forward it across redirects.
      const t = await w.run(shell, { PATH: busyboxOnly(), AXOLOTLSAY_GITHUB_TOKEN: "ghp_x_token" });
      expect(t.code).toBe(1);
      expect(t.stderr).toContain("install curl or GNU wget");
    });

    // [label, env or args, stdout expectation]
    it("quiet and verbose, by flag and by env", async () => {
      const w = await world();
      for (const [extra, args] of [
        [{ AXOLOTLSAY_PRINT_QUIET: "1" }, []],
        [{ INSTALLER_PRINT_QUIET: "1" }, []],
        [{}, ["-q"]],
        [{}, ["--quiet"]],
      ] as const) {
        const r = await w.run(shell, extra, [...args]);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe("");
      }
      for (const [extra, args] of [
        [{ AXOLOTLSAY_PRINT_VERBOSE: "1" }, []],
        [{}, ["-v"]],
        [{}, ["-qv"]],
      ] as const) {
        const r = await w.run(shell, extra, [...args]);
        expect(r.code).toBe(0);
        if (args[0] === "-qv") expect(r.stdout).toBe("");
        else expect(r.stdout).toContain("sha256");
      }
    });

    it("--help exits 0; an unknown option exits 2", async () => {
      const w = await world();
      const help = await w.run(shell, {}, ["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("AXOLOTLSAY_INSTALL_DIR");
      const bad = await w.run(shell, {}, ["-y"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("unknown option -y");
      expect(existsSync(w.bin)).toBe(false);
    });

    it("paths with spaces, quotes and non-ASCII: installed, and the receipt is valid JSON", async () => {
      const home = path.join(tmpDir(), 'Jörg\'s "home" dir');
      const w = await world({ home });
      const dir = path.join(home, "Program Files", "axo lotl");
      const r = await w.run(shell, { AXOLOTLSAY_INSTALL_DIR: dir });
      expect(r.code).toBe(0);
      expect(version(path.join(dir, "bin", "axolotlsay"))).toContain("1.0.0");
      const text = readFileSync(path.join(home, ".config", "axolotlsay", "axolotlsay-receipt.json"), "utf8");
      expect(parseReceipt(text, { file: "r", app: "axolotlsay" }).receipt.installPrefix).toBe(dir);
    });

    it("a checksum mismatch stops before anything is installed", async () => {
      const w = await world();
      const archive = w.gh.releases[0]!.assets.find((a) => a.name.endsWith(".tar.xz"))!;
      archive.body = Buffer.concat([archive.body as Buffer, Buffer.from("tampered")]);
      const r = await w.run(shell);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("checksum mismatch for axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
      expect(listing(w.bin)).toEqual([]);
      expect(existsSync(w.receiptPath)).toBe(false);
    });

    it("a missing archive (404) fails with the URL, nothing installed", async () => {
      const w = await world();
      w.gh.inject({ match: /\.tar\.xz$/, status: 404, body: "Not Found" });
      const r = await w.run(shell);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("could not download axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
      expect(listing(w.bin)).toEqual([]);
    });

    it("a truncated archive (with a matching checksum) fails to unpack, nothing installed", async () => {
      const w = await world();
      const archive = w.gh.releases[0]!.assets.find((a) => a.name.endsWith(".tar.xz"))!;
      const original = archive.body as Buffer;
      const cut = original.subarray(0, Math.floor(original.length / 2));
      archive.body = cut;
      const { createHash } = await import("node:crypto");
      const sum = (b: Buffer) => createHash("sha256").update(b).digest("hex");
      const script = path.join(w.home, "truncated-installer.sh");
      writeFileSync(script, readFileSync(path.join(w.out, "axolotlsay-installer.sh"), "utf8").replace(sum(original), sum(cut)));
      const r = await w.run(shell, {}, [], script);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("could not unpack");
      expect(listing(w.bin)).toEqual([]);
      expect(existsSync(w.receiptPath)).toBe(false);
    });

    it("no write permission in the install dir: a clear error and nothing changed", async () => {
      const w = await world();
      const locked = path.join(w.home, "locked");
      mkdirSync(locked);
      for (const d of [path.dirname(w.home), w.home]) chmodSync(d, 0o777);
      chmodSync(path.join(w.home, "tmp"), 0o1777);
      chmodSync(path.dirname(w.out), 0o755);
      chmodSync(w.out, 0o755);
      let r: Awaited<ReturnType<typeof runScript>>;
      if (isRoot) {
        chmodSync(locked, 0o755);
        r = await runScript(shell, path.join(w.out, "axolotlsay-installer.sh"), { ...w.env, AXOLOTLSAY_INSTALL_DIR: locked }, { asNobody: true });
      } else {
        chmodSync(locked, 0o555);
        r = await runScript(shell, path.join(w.out, "axolotlsay-installer.sh"), { ...w.env, AXOLOTLSAY_INSTALL_DIR: locked });
      }
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("no write permission");
      expect(listing(locked)).toEqual([]);
    });

    it("no download for this platform: exit 3 naming it", async () => {
      const w = await world();
      const cmds = fakeCommands({ uname: 'case "$1" in -s) echo Darwin ;; -m) echo arm64 ;; esac', sysctl: "echo 1" });
      const r = await w.run(shell, { PATH: `${cmds}:${SYSTEM_PATH}` });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("for your platform (aarch64-apple-darwin); available: x86_64-unknown-linux-gnu");
      expect(existsSync(w.bin)).toBe(false);
    });

    it("picks the musl archive on a musl system, gnu on glibc", async () => {
      const w = await world({ release: { targets: ["x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl"] } });
      const cmds = fakeCommands({ ldd: 'echo "musl libc (x86_64)" >&2; exit 1' });
      expect((await w.run(shell, { PATH: `${cmds}:${SYSTEM_PATH}` })).code).toBe(0);
      expect(version(path.join(w.bin, "axolotlsay"))).toBe("axolotlsay 1.0.0 x86_64-unknown-linux-musl");
      expect((await w.run(shell)).code).toBe(0);
      expect(version(path.join(w.bin, "axolotlsay"))).toBe("axolotlsay 1.0.0 x86_64-unknown-linux-gnu");
    });

    it("a glibc host without a gnu archive falls back to musl", async () => {
      const w = await world({ release: { targets: ["x86_64-unknown-linux-musl"] } });
      expect((await w.run(shell)).code).toBe(0);
      expect(version(path.join(w.bin, "axolotlsay"))).toContain("musl");
      expect(lstatSync(path.join(w.bin, "axolotlsay")).isFile()).toBe(true);
    });
  });
}
