// examples/ansible run by the real ansible-playbook (Debian's ansible-core) on local-connection hosts,
// each with its own throw-away HOME, updating through the built executable from the fake GitHub on
// loopback. Ansible runs are slow (seconds each), so one run covers several hosts where it can.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/fake-app.js";
import { which } from "../helpers/installers.js";
import { makeWorld } from "../helpers/world.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(root, "examples/ansible");
const ansible = which("ansible-playbook");
const skip = ansible ? "" : " (skipped: ansible-playbook is not installed; npm run setup installs ansible-core)";
// The README's command, as written (run in examples/ansible).
const README_COMMAND = ["-i", "inventory.ini", "playbook.yml", "-e", '{"upkeep_apps": ["axolotlsay"]}'];

// axolotlsay 1.0.0 with the real updater in a throw-away HOME, 2.0.0 on a fake GitHub; the vars that
// point the updater at it (no bin dir and no HOME: the role finds both on the host).
async function installedHost(release: Parameters<typeof makeWorld>[0] = {}) {
  const w = await makeWorld({ updater: "copy", alias: false, secrets: false, ...release });
  const vars = { upkeep_environment: { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: w.gh.gheBase, PATH: w.app.env.PATH, TMPDIR: w.app.env.TMPDIR } };
  return { home: w.app.home, vars, version: w.version };
}

// Runs ansible-playbook in `cwd` with `home` as the controller's HOME; stdout and stderr together.
function play(args: string[], home: string, cwd = example) {
  const tmp = path.join(home, "ansible-tmp");
  mkdirSync(tmp, { recursive: true });
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(ansible, args, {
      cwd,
      env: {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        HOME: home,
        LANG: "C.UTF-8",
        ANSIBLE_NOCOLOR: "1",
        ANSIBLE_LOCAL_TEMP: tmp,
        ANSIBLE_REMOTE_TEMP: tmp,
        ANSIBLE_PYTHON_INTERPRETER: "auto_silent",
        ANSIBLE_RETRY_FILES_ENABLED: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

// The PLAY RECAP counters of one host, e.g. {ok: 3, changed: 1, failed: 0, ...}.
function recap(out: string, host = "localhost"): Record<string, number> {
  const line = new RegExp(`^${host}\\s+:\\s+(.*)$`, "m").exec(out.slice(out.lastIndexOf("PLAY RECAP")))?.[1] ?? "";
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
}

// The `msg` of every failed or reported item of one host, as the default callback prints them: a
// failure on one line (`failed: [host] (item=…) => {…, "msg": "…"}`), a debug message on the next.
function messages(out: string, host: string): string[] {
  const re = new RegExp(`^(?:ok|failed|fatal): \\[${host}\\][^\\n]*?=> \\{(?:\\n\\s*|[^\\n]*?)"msg": "((?:[^"\\\\]|\\\\.)*)"`, "gm");
  return [...out.matchAll(re)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

describe.skipIf(!ansible)(`examples/ansible${skip}`, () => {
  it("the README's command with the shipped inventory.ini: check mode changes nothing; then changed; then ok", async () => {
    const readme = readFileSync(path.join(example, "README.md"), "utf8");
    expect(readme).toContain(`ansible-playbook ${README_COMMAND.slice(0, -1).join(" ")} '${README_COMMAND.at(-1)}'\n`);
    expect(readme).toContain(`ansible-playbook ${README_COMMAND.slice(0, -1).join(" ")} '${README_COMMAND.at(-1)}' --check\n`);
    const h = await installedHost();
    const vars = path.join(h.home, "vars.json");
    writeFileSync(vars, JSON.stringify(h.vars));
    const run = (extra: string[] = []) => play([...README_COMMAND, "-e", `@${vars}`, ...extra], h.home);
    const check = await run(["--check"]);
    expect(check.code, check.out).toBe(0);
    expect(recap(check.out)).toMatchObject({ changed: 1, failed: 0 });
    expect(h.version()).toBe("axolotlsay 1.0.0");
    const first = await run();
    expect(first.code, first.out).toBe(0);
    expect(recap(first.out)).toMatchObject({ changed: 1, failed: 0 });
    expect(first.out).toContain("axolotlsay: updated 1.0.0 -> 2.0.0");
    expect(h.version()).toBe("axolotlsay 2.0.0");
    const second = await run();
    expect(second.code, second.out).toBe(0);
    expect(recap(second.out)).toMatchObject({ changed: 0, failed: 0 });
  }, 180_000);

  it("one run, four hosts: a failed update (CODE: message), no app (skipped / required), an updater without JSON", async () => {
    // Each host's HOME is set by its shell (ansible_shell_executable), unlike the controller's, which
    // has nothing installed: the role must take the bin dir from the host's facts.
    const controller = tmpDir("upkeep-ansible-controller-");
    const broken = await installedHost({ release: { prelude: "echo 'disk full' >&2; exit 1" } });
    const bare = tmpDir("upkeep-ansible-bare-");
    const strict = tmpDir("upkeep-ansible-strict-");
    const old = tmpDir("upkeep-ansible-old-");
    mkdirSync(path.join(old, ".cargo/bin"), { recursive: true });
    writeFileSync(path.join(old, ".cargo/bin/axolotlsay-update"), "#!/bin/sh\necho 'looking for updates'\necho 'error: unknown option --json' >&2\nexit 2\n", {
      mode: 0o755,
    });
    const host = (name: string, home: string, vars: object = {}) => {
      const shell = path.join(controller, `sh-${name}`);
      writeFileSync(shell, `#!/bin/sh\nHOME='${home}'; export HOME\nexec /bin/sh "$@"\n`, { mode: 0o755 });
      return [name, { ansible_connection: "local", ansible_python_interpreter: "{{ ansible_playbook_python }}", ansible_shell_executable: shell, ...vars }];
    };
    const inventory = path.join(controller, "inventory.json");
    const hosts = [host("broken", broken.home, broken.vars), host("bare", bare), host("strict", strict, { upkeep_require_installed: true }), host("old", old)];
    writeFileSync(inventory, JSON.stringify({ all: { hosts: Object.fromEntries(hosts) } }));
    const r = await play(["-i", inventory, "playbook.yml", "-e", '{"upkeep_apps": ["axolotlsay"]}'], controller);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).not.toMatch(/template error|JSONDecodeError|from_json|non-zero return code/i);

    expect(recap(r.out, "broken")).toMatchObject({ failed: 1, changed: 0 });
    expect(broken.version()).toBe("axolotlsay 1.0.0");
    expect(messages(r.out, "broken")).toContainEqual(
      expect.stringMatching(
        /^axolotlsay: INSTALLER_FAILED: The installer for axolotlsay 2.0.0 exited with status 1\.\n.*disk full\n.*Restored axolotlsay 1\.0\.0/s,
      ),
    );

    expect(recap(r.out, "bare")).toMatchObject({ failed: 0, changed: 0 });
    expect(messages(r.out, "bare")).toEqual([`axolotlsay is not installed on this host: no ${bare}/.cargo/bin/axolotlsay-update; skipped`]);

    expect(recap(r.out, "strict")).toMatchObject({ failed: 1 });
    expect(messages(r.out, "strict")).toEqual([`axolotlsay is not installed on this host: no ${strict}/.cargo/bin/axolotlsay-update`]);

    expect(recap(r.out, "old")).toMatchObject({ failed: 1 });
    expect(messages(r.out, "old")).toEqual([
      "axolotlsay: axolotlsay-update printed no JSON document (exit status 2); its stderr ends: error: unknown option --json. Is it an upkeep updater? Run it by hand with --json to see.",
    ]);
  }, 180_000);
});
