// Uninstall as a user meets it: two apps installed by the REAL installers/installer.sh (with the real
// dist/upkeep as their updater, shared through the store) into one prefix of a throw-away HOME that
// rustup had already set up; A is uninstalled, B must still update from the loopback GitHub.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { releaseFromDir } from "../helpers/fake-app.js";
import type { FakeRelease } from "../helpers/fake-github.js";
import { makeRelease } from "../helpers/installers.js";
import { runProcess as run } from "../helpers/run.js";
import { EXE as exe, makeWorld } from "../helpers/world.js";

// What rustup leaves in a HOME: ~/.cargo/env (+ env.fish), a cargo binary, its line in .profile and .bashrc.
const RUSTUP_LINE = '. "$HOME/.cargo/env"';
function rustup(home: string): void {
  mkdirSync(path.join(home, ".cargo", "bin"), { recursive: true });
  writeFileSync(
    path.join(home, ".cargo", "env"),
    '#!/bin/sh\ncase ":${PATH}:" in *:"$HOME/.cargo/bin":*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac\n',
  );
  writeFileSync(path.join(home, ".cargo", "env.fish"), 'set -x PATH "$HOME/.cargo/bin" $PATH\n');
  writeFileSync(path.join(home, ".cargo", "bin", "cargo"), "#!/bin/sh\necho cargo\n", { mode: 0o755 });
  writeFileSync(path.join(home, ".profile"), `# ~/.profile\nexport EDITOR=vi\n\n${RUSTUP_LINE}\n`);
  writeFileSync(path.join(home, ".bashrc"), `alias ll='ls -l'\n${RUSTUP_LINE}\n`);
}

// Every file and link under `dir` (content, or the link's target), by path relative to it.
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const f = path.join(d, name);
      const st = lstatSync(f);
      if (st.isDirectory()) walk(f);
      else out.set(path.relative(dir, f), st.isSymbolicLink() ? `-> ${readlinkSync(f)}` : readFileSync(f, "base64"));
    }
  };
  walk(dir);
  return out;
}

// One release holding both apps' files (one repo publishes both); their sha256.sum files concatenated.
function both(tag: string, ...dirs: string[]): FakeRelease {
  const parts = dirs.map((d) => releaseFromDir(d, tag));
  const sums = parts.flatMap((p) => p.assets.filter((a) => a.name === "sha256.sum").map((a) => Buffer.from(a.body as Buffer)));
  const assets = parts.flatMap((p) => p.assets.filter((a) => a.name !== "sha256.sum"));
  return { tag, assets: [...assets, { name: "sha256.sum", body: Buffer.concat(sums) }] };
}

async function twoApps(o: { rustup: boolean; prefix?: string; profile?: string }) {
  expect(existsSync(exe), "dist/upkeep is built by npm run build").toBe(true);
  const upkeep = readFileSync(exe);
  const a1 = makeRelease({ version: "1.0.0", aliases: ["axolotlsay=axolotl"], updater: () => upkeep });
  const b1 = makeRelease({ app: "bapp", version: "1.0.0", updater: () => upkeep });
  const w = await makeWorld({ installed: false, releases: [both("v1.0.0", a1, b1)], secrets: false });
  if (o.rustup) rustup(w.home);
  if (o.profile !== undefined) writeFileSync(path.join(w.home, ".profile"), o.profile);
  const dirVars: Record<string, string> = o.prefix
    ? { AXOLOTLSAY_INSTALL_DIR: path.join(w.home, o.prefix), BAPP_INSTALL_DIR: path.join(w.home, o.prefix) }
    : {};
  const env = { ...w.env, BAPP_INSTALLER_GHE_BASE_URL: w.gh.gheBase, ...dirVars };
  for (const [app, dir] of [
    ["axolotlsay", a1],
    ["bapp", b1],
  ] as const) {
    const r = await run("sh", [path.join(dir, `${app}-installer.sh`)], env);
    expect(r.code, r.stderr).toBe(0);
  }
  const bin = path.join(w.home, o.prefix ?? ".cargo", "bin");
  expect(readdirSync(bin).sort()).toEqual([...(o.rustup ? ["cargo"] : []), "axolotl", "axolotlsay", "axolotlsay-update", "bapp", "bapp-update"].sort());
  const receipt = (app: string) => path.join(w.home, ".config", app, `${app}-receipt.json`);
  const upkeepCli = (args: string[]) => run(exe, args, env, w.home);
  return { w, env, bin, receipt, upkeepCli };
}

describe("uninstall with the real installer and updater", () => {
  it("removes A from a prefix B shares and that rustup set up: rc and unrelated files byte for byte unchanged, B still updates", async () => {
    const { w, env, bin, receipt, upkeepCli } = await twoApps({ rustup: true });
    // rustup's identical line was already there: the installer recorded nothing for it.
    expect(JSON.parse(readFileSync(receipt("axolotlsay"), "utf8")).upkeep_path_changes).toBeUndefined();
    const store = path.dirname(readlinkSync(path.join(bin, "axolotlsay-update")));
    expect(readlinkSync(path.join(bin, "bapp-update"))).toBe(path.join(store, "upkeep"));
    const before = snapshot(w.home);

    // The dry run lists the same and removes nothing.
    const dry = await run(path.join(bin, "axolotlsay-update"), ["--uninstall", "--dry-run", "--json"], env, w.home);
    expect(dry.code, dry.stderr).toBe(0);
    expect(snapshot(w.home)).toEqual(before);
    const dryDoc = JSON.parse(dry.stdout);
    expect(dryDoc.result).toBe("would_uninstall");

    const r = await run(path.join(bin, "axolotlsay-update"), ["--uninstall", "--json"], env, w.home);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const aFiles = ["axolotlsay", "axolotl", "axolotlsay-update"].map((f) => path.join(bin, f));
    expect(doc).toMatchObject({
      schema: "upkeep/1",
      app: "axolotlsay",
      result: "uninstalled",
      old_version: "1.0.0",
      install_prefix: path.join(w.home, ".cargo"),
    });
    expect(doc.removed.map((i: { path: string }) => i.path)).toEqual([...aFiles, receipt("axolotlsay")]);
    expect(doc.left).toEqual([{ kind: "shared_updater", path: store, reason: "another app's updater still uses it" }]);
    expect(dryDoc.removed).toEqual(doc.removed);
    expect(dryDoc.left).toEqual(doc.left);

    // Only A's files changed: its binaries, updater link, receipt and its entry in the store's users list.
    const after = snapshot(w.home);
    const mine = new Set(
      [...aFiles, receipt("axolotlsay"), path.join(store, "users", path.join(bin, "axolotlsay-update").replaceAll("/", "%"))].map((f) =>
        path.relative(w.home, f),
      ),
    );
    for (const f of mine) expect(before.has(f), f).toBe(true);
    expect(after).toEqual(new Map([...before].filter(([f]) => !mine.has(f))));
    expect(readFileSync(path.join(w.home, ".profile"), "utf8")).toBe(`# ~/.profile\nexport EDITOR=vi\n\n${RUSTUP_LINE}\n`);

    // B still updates, through the store's upkeep, from the loopback GitHub.
    const b2 = makeRelease({ app: "bapp", version: "2.0.0", updater: () => readFileSync(exe) });
    w.gh.releases.unshift(releaseFromDir(b2, "v2.0.0"));
    const up = await run(path.join(bin, "bapp-update"), [], env, w.home);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    expect(JSON.parse(readFileSync(receipt("bapp"), "utf8")).version).toBe("2.0.0");

    // Uninstalling again: no receipt any more.
    const again = await upkeepCli(["uninstall", "axolotlsay"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("error[RECEIPT_NOT_FOUND]");
  }, 300_000);

  it("the last app of a prefix takes its recorded rc lines and env files with it; the store version goes too", async () => {
    const { w, env, bin, receipt, upkeepCli } = await twoApps({ rustup: false, prefix: "opt/tools", profile: "# mine\nexport A=1\n" });
    const home = w.home;
    const line = '. "$HOME/opt/tools/env"';
    const changes = JSON.parse(readFileSync(receipt("axolotlsay"), "utf8")).upkeep_path_changes;
    expect(changes.slice(0, 3)).toEqual([
      { type: "env_file", file: path.join(home, "opt/tools/env") },
      { type: "env_file", file: path.join(home, "opt/tools/env.fish") },
      { type: "rc_line", file: path.join(home, ".profile"), line },
    ]);
    // B found everything in place: nothing recorded.
    expect(JSON.parse(readFileSync(receipt("bapp"), "utf8")).upkeep_path_changes).toBeUndefined();
    // An update: the new installer finds its lines in place and records nothing; upkeep carries A's list over.
    const a2 = makeRelease({ version: "2.0.0", aliases: ["axolotlsay=axolotl"], updater: () => readFileSync(exe) });
    w.gh.releases.unshift(releaseFromDir(a2, "v2.0.0"));
    const up = await run(path.join(bin, "axolotlsay-update"), ["--quiet"], env, home);
    expect(up.code, up.stderr).toBe(0);
    const updated = JSON.parse(readFileSync(receipt("axolotlsay"), "utf8"));
    expect(updated.version).toBe("2.0.0");
    expect(updated.upkeep_path_changes).toEqual(changes);
    expect(Object.keys(updated).slice(-2)).toEqual(["upkeep_path_changes", "version"]);
    const store = path.dirname(readlinkSync(path.join(bin, "axolotlsay-update")));

    // B first: A shares the prefix and the store version, so both stay.
    const b = await upkeepCli(["uninstall", "bapp"]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain(`bapp: left ${store}: another app's updater still uses it`);
    expect(readFileSync(path.join(home, ".profile"), "utf8")).toBe(`# mine\nexport A=1\n\n${line}\n`);

    // A is then the last app of the prefix: every change it recorded is undone, the rest of .profile kept.
    const a = await upkeepCli(["uninstall", "axolotlsay", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const result = JSON.parse(a.stdout).results[0];
    expect(result.left).toEqual([]);
    expect(result.removed.map((i: { kind: string }) => i.kind)).toEqual([
      "binary",
      "alias",
      "updater",
      "shared_updater",
      ...changes.map((c: { type: string }) => c.type),
      "receipt",
    ]);
    expect(readFileSync(path.join(home, ".profile"), "utf8")).toBe("# mine\nexport A=1\n");
    for (const c of changes) {
      if (c.type === "env_file") expect(existsSync(c.file), c.file).toBe(false);
      else expect(readFileSync(c.file, "utf8"), c.file).not.toContain(line);
    }
    expect(existsSync(store)).toBe(false);
    expect(existsSync(path.join(home, ".config", "axolotlsay"))).toBe(false);
  }, 300_000);

  it("refuses a managed prefix and an unknown app, removing nothing", async () => {
    const { w, upkeepCli, receipt } = await twoApps({ rustup: false });
    const text = readFileSync(receipt("bapp"), "utf8");
    writeFileSync(receipt("bapp"), text.replace(/"install_prefix":"[^"]*"/, '"install_prefix":"/nix/store/abc-bapp"'));
    const before = snapshot(w.home);
    const managed = await upkeepCli(["uninstall", "bapp", "--json"]);
    expect(managed.code).toBe(1);
    expect(JSON.parse(managed.stdout).results[0].error.code).toBe("MANAGED_PREFIX");
    const unknown = await upkeepCli(["uninstall", "nosuchapp"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error[RECEIPT_NOT_FOUND]: No install receipt for nosuchapp");
    expect(snapshot(w.home)).toEqual(before);
  }, 300_000);
});
