// examples/ansible run by the real ansible-playbook (Debian's ansible-core) against localhost with a
// local connection, updating through the built executable from the fake GitHub on loopback.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ReleaseOptions } from "../helpers/fake-app.js";
import { which } from "../helpers/installers.js";
import { makeWorld } from "../helpers/world.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ansible = which("ansible-playbook");
const skip = ansible ? "" : " (skipped: ansible-playbook is not installed; npm run setup installs ansible-core)";

async function world(release: ReleaseOptions = {}) {
  const { app, gh, version } = await makeWorld({ release, updater: "copy", alias: false, secrets: false });
  const vars = path.join(app.home, "vars.json");
  writeFileSync(
    vars,
    JSON.stringify({
      upkeep_apps: ["axolotlsay"],
      upkeep_bin_dir: app.bin,
      upkeep_environment: { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase, HOME: app.home, PATH: app.env.PATH, TMPDIR: app.env.TMPDIR },
    }),
  );
  const tmp = path.join(app.home, "ansible-tmp");
  mkdirSync(tmp);
  const play = (extra: string[] = []) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(ansible, ["-i", "localhost,", "-c", "local", path.join(root, "examples/ansible/playbook.yml"), "-e", `@${vars}`, ...extra], {
        env: {
          PATH: "/usr/local/bin:/usr/bin:/bin",
          HOME: app.home,
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
  const recap = (out: string) =>
    Object.fromEntries([...(/localhost\s+:\s+(.*)$/m.exec(out)?.[1] ?? "").matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  return { play, recap, version };
}

describe.skipIf(!ansible)(`examples/ansible${skip}`, () => {
  it("check mode reports the update as a change and changes nothing; then changed; then ok", async () => {
    const w = await world();
    const check = await w.play(["--check"]);
    expect(check.code, check.out).toBe(0);
    expect(w.recap(check.out)).toMatchObject({ changed: 1, failed: 0 });
    expect(w.version()).toBe("axolotlsay 1.0.0");
    const first = await w.play();
    expect(first.code, first.out).toBe(0);
    expect(w.recap(first.out)).toMatchObject({ changed: 1, failed: 0 });
    expect(first.out).toContain("axolotlsay: updated 1.0.0 -> 2.0.0");
    expect(w.version()).toBe("axolotlsay 2.0.0");
    const second = await w.play();
    expect(second.code, second.out).toBe(0);
    expect(w.recap(second.out)).toMatchObject({ changed: 0, failed: 0 });
  });

  it("a failed update fails the host (and upkeep has restored the previous version)", async () => {
    const w = await world({ prelude: "echo 'disk full' >&2; exit 1" });
    const r = await w.play();
    expect(r.code).not.toBe(0);
    expect(w.recap(r.out)).toMatchObject({ failed: 1 });
    expect(w.version()).toBe("axolotlsay 1.0.0");
  });
});
