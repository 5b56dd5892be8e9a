// Running a program: exact environment, output in order, start failures, timeouts and aborts that stop it.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runProgram } from "../../src/io/spawn.js";
import { defer } from "../helpers/cleanup.js";
import { tmpDir } from "../helpers/fake-app.js";

const script = (body: string): string => {
  const file = path.join(tmpDir(), "prog");
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};
const collecting = () => {
  const chunks: string[] = [];
  return { chunks, onOutput: (c: Buffer) => void chunks.push(c.toString()) };
};

describe("runProgram", () => {
  it("passes exactly the environment given, closes stdin, streams stdout and stderr, and reports the exit status", async () => {
    const file = script('echo "out $ONLY ${HOME:-nohome}"; echo err >&2; read line || echo "stdin closed"; exit 3');
    const { chunks, onOutput } = collecting();
    const r = await runProgram({ file, args: [], env: { ONLY: "this", PATH: "/usr/bin:/bin" }, cwd: tmpDir(), onOutput });
    expect(r).toEqual({ exitCode: 3, signal: undefined, timedOut: false, spawnError: undefined });
    expect(chunks.join("")).toContain("out this nohome\n");
    expect(chunks.join("")).toContain("err\n");
    expect(chunks.join("")).toContain("stdin closed\n");
  });

  it("says why a program could not start, and never rejects", async () => {
    const missing = await runProgram({ file: path.join(tmpDir(), "nope"), args: [], env: {}, cwd: tmpDir() });
    expect(missing).toEqual({ exitCode: undefined, signal: undefined, timedOut: false, spawnError: "ENOENT" });
    const file = path.join(tmpDir(), "not-executable");
    writeFileSync(file, "#!/bin/sh\n", { mode: 0o644 });
    expect((await runProgram({ file, args: [], env: {}, cwd: tmpDir() })).spawnError).toBe("EACCES");
  });

  it("stops a program that outlives its timeout with SIGTERM", async () => {
    const r = await runProgram({ file: script("exec sleep 30"), args: [], env: { PATH: "/usr/bin:/bin" }, cwd: tmpDir(), timeoutMs: 100 });
    expect(r).toMatchObject({ exitCode: undefined, signal: "SIGTERM", timedOut: true });
  });

  it("stops it on abort, with SIGKILL when it ignores SIGTERM", async () => {
    const controller = new AbortController();
    const { chunks, onOutput } = collecting();
    const file = script("trap 'echo got TERM' TERM; echo ready; while :; do sleep 0.05; done");
    const run = runProgram({ file, args: [], env: { PATH: "/usr/bin:/bin" }, cwd: tmpDir(), onOutput, signal: controller.signal, killAfterMs: 200 });
    while (!chunks.join("").includes("ready")) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const r = await run;
    expect(r).toMatchObject({ exitCode: undefined, signal: "SIGKILL", timedOut: false });
    expect(chunks.join("")).toContain("got TERM");
  });

  it("an already aborted signal stops the program at once", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runProgram({ file: script("exec sleep 30"), args: [], env: { PATH: "/usr/bin:/bin" }, cwd: tmpDir(), signal: controller.signal });
    expect(r.signal).toBe("SIGTERM");
  });

  it("is over when the program is, even if something it started in the background still holds its output open", async () => {
    // Were it to wait for the pipes to close, this would wait out the sleep and the test's own timeout.
    const pidFile = path.join(tmpDir(), "background");
    const file = script(`sleep 600 & echo $! > "${pidFile}"; echo v1.0; exit 0`);
    defer(() => {
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    });
    const r = await runProgram({ file, args: [], env: { PATH: "/usr/bin:/bin" }, cwd: tmpDir(), timeoutMs: 60_000 });
    expect(r).toEqual({ exitCode: 0, signal: undefined, timedOut: false, spawnError: undefined });
  });

  it("an abort stops what the program started too (its whole process group), not only the program", async () => {
    const dir = tmpDir();
    const pidFile = path.join(dir, "grandchild");
    const controller = new AbortController();
    const file = script(`sleep 600 & echo $! > "${pidFile}"; wait`);
    const run = runProgram({ file, args: [], env: { PATH: "/usr/bin:/bin" }, cwd: dir, signal: controller.signal, processGroup: true });
    while (!existsSync(pidFile) || readFileSync(pidFile, "utf8").trim() === "") await new Promise((r) => setTimeout(r, 10));
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    controller.abort();
    expect((await run).signal).toBe("SIGTERM");
    // Alive: in the process table and not a zombie (an orphan waits there until init reaps it).
    const alive = (): boolean => {
      const stat = existsSync(`/proc/${grandchild}/stat`) ? readFileSync(`/proc/${grandchild}/stat`, "utf8") : "";
      return stat !== "" && !/^\d+ \(.*\) Z/.test(stat);
    };
    // The signal was sent before the run resolved; the grandchild may take a moment to die.
    for (let i = 0; i < 200 && alive(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(alive()).toBe(false);
  });
});
