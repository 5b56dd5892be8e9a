import { statSync, readFileSync, existsSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UpdaterError } from "../../src/errors.js";
import { removeStaleStaging, runInstaller, stageInstaller } from "../../src/io/installer.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("stageInstaller", () => {
  it("saves into a fresh 0700 directory and removes it on dispose", async () => {
    const root = tmpDir();
    const staged = await stageInstaller(Buffer.from("#!/bin/sh\n"), "app-installer.sh", root, "app");
    const dir = path.dirname(staged.path as string);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(staged.path as string, "utf8")).toBe("#!/bin/sh\n");
    expect(path.dirname(staged.tmp)).toBe(dir);
    writeFileSync(path.join(staged.tmp, "tmp.big-download"), "x");
    await staged.dispose();
    expect(existsSync(dir)).toBe(false);
  });
  it("removeStaleStaging removes only this app's staging dirs whose process is gone", async () => {
    const root = tmpDir();
    const live = await stageInstaller(Buffer.from("#!/bin/sh\n"), "i.sh", root, "app");
    const dead = await stageInstaller(undefined, "i.sh", root, "app");
    // A pid above the kernel's pid_max cannot be alive.
    const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
    const owner = JSON.parse(readFileSync(path.join(path.dirname(dead.tmp), "owner"), "utf8"));
    writeFileSync(path.join(path.dirname(dead.tmp), "owner"), JSON.stringify({ ...owner, pid: pidMax + 1 }));
    const other = await stageInstaller(undefined, "i.sh", root, "other");
    writeFileSync(path.join(path.dirname(other.tmp), "owner"), JSON.stringify({ ...owner, app: "other", pid: pidMax + 1 }));
    mkdirSync(path.join(root, "tmp.user-file"));
    mkdirSync(path.join(root, "upkeep-app-no-owner"));
    const removed = await removeStaleStaging(root, "app");
    expect(removed).toEqual([path.dirname(dead.tmp)]);
    expect(existsSync(path.dirname(live.tmp))).toBe(true);
    expect(existsSync(path.dirname(other.tmp))).toBe(true);
    expect(existsSync(path.join(root, "tmp.user-file"))).toBe(true);
    expect(existsSync(path.join(root, "upkeep-app-no-owner"))).toBe(true);
  });
  it("a missing temp dir is DOWNLOAD_FAILED with the fix", async () => {
    try {
      await stageInstaller(Buffer.from("x"), "i.sh", path.join(tmpDir(), "missing"));
      expect.fail("staged");
    } catch (e) {
      expect(UpdaterError.is(e) && e.code).toBe("DOWNLOAD_FAILED");
      expect((e as UpdaterError).hint).toContain("TMPDIR");
    }
  });
});

describe("runInstaller", () => {
  const script = (body: string): string => {
    const dir = tmpDir();
    const file = path.join(dir, "fixture installer.sh"); // a space in the path on purpose
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    return file;
  };

  it("passes exactly the given env (nothing inherited), closes stdin, streams output", async () => {
    const out = path.join(tmpDir(), "env.txt");
    const file = script(`env > "${out}"; read line && echo "stdin was open"; echo to-stdout; echo to-stderr >&2`);
    const chunks: string[] = [];
    const exit = await runInstaller({
      command: { file: "sh", args: [file] },
      env: { ONLY: "this", PATH: "/usr/bin:/bin" },
      cwd: path.dirname(file),
      onOutput: (t) => chunks.push(t),
    });
    expect(exit).toMatchObject({ exitCode: 0, spawnError: undefined });
    const env = readFileSync(out, "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("PWD=") && !l.startsWith("SHLVL=") && !l.startsWith("_="));
    expect(env.sort()).toEqual(["ONLY=this", "PATH=/usr/bin:/bin"]);
    expect(chunks.join("")).toContain("to-stdout");
    expect(chunks.join("")).toContain("to-stderr");
    expect(chunks.join("")).not.toContain("stdin was open");
  });

  it("reports the exit status and keeps the last 20 lines", async () => {
    const file = script("i=0; while [ $i -lt 30 ]; do echo line$i; i=$((i+1)); done; echo boom >&2; exit 23");
    const exit = await runInstaller({ command: { file: "sh", args: [file] }, env: { PATH: "/usr/bin:/bin" }, cwd: "/" });
    expect(exit.exitCode).toBe(23);
    expect(exit.tail).toHaveLength(20);
    expect(exit.tail.at(-1)).toBe("boom");
  });

  it("reports a signal", async () => {
    const file = script("kill -9 $$");
    const exit = await runInstaller({ command: { file: "sh", args: [file] }, env: { PATH: "/usr/bin:/bin" }, cwd: "/" });
    expect(exit.signal).toBe("SIGKILL");
  });

  it("reports a program that cannot start", async () => {
    const exit = await runInstaller({ command: { file: "/nonexistent/sh", args: [] }, env: {}, cwd: "/" });
    expect(exit.spawnError).toBe("ENOENT");
  });

  it("runs from a noexec-like directory because it uses `sh <file>` (file not executable)", async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, "t"));
    const file = path.join(dir, "t", "i.sh");
    writeFileSync(file, "#!/bin/sh\nexit 0\n");
    chmodSync(file, 0o600);
    expect((await runInstaller({ command: { file: "sh", args: [file] }, env: { PATH: "/usr/bin:/bin" }, cwd: "/" })).exitCode).toBe(0);
  });
});
