import { chmodSync, linkSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { executableFileSync, fileIdentity, isExecutable, probe, sameFile, unwritableReason } from "../../src/io/probe.js";
import { tmpDir } from "../helpers/fake-app.js";

const env = { PATH: "/usr/bin:/bin" };
const file = (body: string, mode = 0o755) => {
  const f = path.join(tmpDir(), "prog");
  writeFileSync(f, body, { mode });
  return f;
};

describe("probe", () => {
  // [label, program body, mode, cannot run?, exit code]
  const cases: [string, string, number, boolean, number | undefined][] = [
    ["a script that prints its version", '#!/bin/sh\necho "prog 2.0.0"\n', 0o755, false, 0],
    ["a program without --version", "#!/bin/sh\necho 'unknown flag' >&2; exit 2\n", 0o755, false, 2],
    ["garbage marked executable", "\u007fELF not really", 0o755, true, undefined],
    ["a file without the execute bit", "#!/bin/sh\n", 0o644, true, undefined],
    ["a script whose interpreter is missing", "#!/nonexistent/sh\n", 0o755, true, undefined],
  ];
  for (const [label, body, mode, cannot, code] of cases) {
    it(label, async () => {
      const r = await probe(file(body, mode), ["--version"], env, 5000);
      expect(r.cannotRun !== undefined).toBe(cannot);
      if (!cannot) expect(r.exitCode).toBe(code);
    });
  }
  it("stops a program that hangs", async () => {
    const r = await probe(file("#!/bin/sh\nexec sleep 30\n"), [], env, 300);
    expect(r.timedOut).toBe(true);
    expect(r.cannotRun).toBeUndefined();
  });
  it("captures stdout and stderr", async () => {
    const { output } = await probe(file("#!/bin/sh\necho out; echo err >&2\n"), [], env, 5000);
    // Two pipes: the order in which their chunks arrive is not fixed.
    expect(output.split("\n").sort()).toEqual(["", "err", "out"]);
  });
  it("keeps at most 4000 characters of what a program prints", async () => {
    const { output, exitCode } = await probe(file("#!/bin/sh\nyes x | head -c 100000\n"), [], env, 5000);
    expect(exitCode).toBe(0);
    expect(output).toBe("x\n".repeat(2000));
  });
});

describe("file checks", () => {
  it("isExecutable / executableFileSync", async () => {
    const x = file("#!/bin/sh\n");
    expect(await isExecutable(x)).toBe(true);
    expect(executableFileSync(x)).toBe(true);
    chmodSync(x, 0o644);
    expect(await isExecutable(x)).toBe(false);
    expect(await isExecutable(path.dirname(x))).toBe(false);
    expect(executableFileSync("/nonexistent")).toBe(false);
  });
  it("unwritableReason: missing, and fine", async () => {
    expect(await unwritableReason("/nonexistent/dir")).toEqual({ missing: true, owner: "" });
    expect(await unwritableReason(tmpDir())).toBeUndefined();
  });
});

describe("file identity", () => {
  // [label, what happens to the file (and its links) after the first look, still the same file?]
  const cases: [string, (f: string) => string, boolean][] = [
    ["untouched", (f) => f, true],
    ["looked at through a symlink", (f) => (symlinkSync(f, `${f}.link`), `${f}.link`), true],
    ["looked at through a hard link", (f) => (linkSync(f, `${f}.hard`), `${f}.hard`), true],
    ["chmod only (its bytes unchanged)", (f) => (chmodSync(f, 0o700), f), true],
    ["replaced by rename with the same bytes", (f) => (writeFileSync(`${f}.new`, "#!/bin/sh\n"), renameSync(`${f}.new`, f), f), false],
    ["written over in place", (f) => (writeFileSync(f, "#!/bin/sh\n# longer\n"), f), false],
  ];
  for (const [label, change, same] of cases) {
    it(label, async () => {
      const f = file("#!/bin/sh\n");
      const before = await fileIdentity(f);
      expect(sameFile(before, await fileIdentity(change(f)))).toBe(same);
    });
  }
  it("a missing file has no identity and is never the same", async () => {
    expect(await fileIdentity("/nonexistent/file")).toBeUndefined();
    expect(sameFile(undefined, undefined)).toBe(false);
  });
});
