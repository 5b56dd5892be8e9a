import { describe, expect, it } from "vitest";
import { createSpinner, describeStep, elapsed, formatBytes, verboseHooks } from "../../src/cli/progress.js";

describe("progress text", () => {
  // [bytes, text]
  for (const [n, text] of [
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KB"],
    [5 * 1024 * 1024, "5.0 MB"],
  ] as const)
    it(`${n} → ${text}`, () => expect(formatBytes(n)).toBe(text));
  it("describes steps", () => {
    expect(describeStep({ step: "download", name: "a-installer.sh", received: 2048, total: 4096 })).toBe("Downloading a-installer.sh (2.0 KB of 4.0 KB)");
    expect(describeStep({ step: "download", name: "a-installer.sh", received: 10, total: undefined })).toBe("Downloading a-installer.sh (10 B)");
    expect(describeStep({ step: "install", name: "a-installer.sh" })).toBe("Running a-installer.sh");
  });
});

describe("spinner", () => {
  it("animates while a step runs and clears the line when done or paused", async () => {
    let out = "";
    const s = createSpinner((t) => (out += t), 10);
    s.update({ step: "install", name: "x.sh" });
    await new Promise((r) => setTimeout(r, 60));
    const frames = out.split("\r\u001b[2K").filter(Boolean);
    expect(frames.length).toBeGreaterThan(2);
    expect(new Set(frames.map((f) => f[0])).size).toBeGreaterThan(1);
    s.update({ step: "done" });
    expect(out.endsWith("\r\u001b[2K")).toBe(true);
    const length = out.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(out.length).toBe(length);
    s.update({ step: "download", name: "y", received: 1, total: 2 });
    s.pause();
    const paused = out.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(out.length).toBe(paused);
  });
});

describe("--verbose lines", () => {
  it("carry the time since the process started, in whole milliseconds", () => {
    expect(elapsed(0)).toBe("[+0ms]");
    expect(elapsed(123.6)).toBe("[+124ms]");
  });

  it("stamp each library line, and mark the installer's start and exit (not a download's end)", () => {
    const lines: string[] = [];
    let now = 10;
    const hooks = verboseHooks(
      (stamp, line) => lines.push(`${stamp} ${line}`),
      () => now,
    );
    hooks.verbose("GET https://api.github.com/x → 200");
    hooks.progress({ step: "download", name: "a-installer.sh", received: 1, total: 2 });
    hooks.progress({ step: "done" });
    now = 250;
    hooks.progress({ step: "install", name: "a-installer.sh" });
    now = 1250;
    hooks.progress({ step: "done" });
    hooks.progress({ step: "done" });
    expect(lines).toEqual([
      "[+10ms] GET https://api.github.com/x → 200",
      "[+250ms] Installer a-installer.sh started",
      "[+1250ms] Installer a-installer.sh exited",
    ]);
  });
});
