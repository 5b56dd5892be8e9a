import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { executableFileSync, isExecutable, probe, unwritableReason } from "../../src/io/probe.js";
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
    expect((await probe(file("#!/bin/sh\necho out; echo err >&2\n"), [], env, 5000)).output).toBe("out\nerr");
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
