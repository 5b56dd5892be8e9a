import { describe, expect, it } from "vitest";
import { disabledError, disabledFilePath, disabledFromEnv, disabledFromFile, disabledMessage } from "../../src/core/disabled.js";

const DEFAULT = "this copy of hello is managed by whoever packaged it; update hello the way it was installed.";

describe("disabledMessage", () => {
  // [the packager's text, the message shown]
  const cases: [string, string][] = [
    ["installed by Nix: update it with your system\n", "installed by Nix: update it with your system"],
    ["  \n\t  spaced  out \n", "spaced out"],
    ["Installed by Nix.\r\nRun nixos-rebuild.", "Installed by Nix. Run nixos-rebuild."],
    ["red \u001b[31mtext\u001b[0m\u0007", "red [31mtext[0m"],
    ["C1 \u009b control", "C1 control"],
    ["cut at the limit \u00e9\uFFFD", "cut at the limit \u00e9"],
    ["", DEFAULT],
    [" \n ", DEFAULT],
    ["1", DEFAULT],
    ["TRUE", DEFAULT],
    ["yes", DEFAULT],
    ["0", "0"],
  ];
  for (const [text, shown] of cases) it(JSON.stringify(text), () => expect(disabledMessage(text, "hello")).toBe(shown));
});

describe("disabledFilePath", () => {
  // [updater path, platform, the switch file]
  const cases: [string, NodeJS.Platform, string][] = [
    ["/home/u/.cargo/bin/hello-update", "linux", "/home/u/.cargo/bin/hello-update.disabled"],
    ["/opt/hello/hello-update", "darwin", "/opt/hello/hello-update.disabled"],
    ["C:\\Users\\u\\.cargo\\bin\\hello-update.exe", "win32", "C:\\Users\\u\\.cargo\\bin\\hello-update.disabled"],
  ];
  for (const [updater, platform, file] of cases) it(`${updater} on ${platform}`, () => expect(disabledFilePath(updater, "hello", platform)).toBe(file));
});

describe("disabledFromEnv", () => {
  it("unset and empty switch nothing off", () => {
    expect(disabledFromEnv(undefined, "hello")).toBeUndefined();
    expect(disabledFromEnv("", "hello")).toBeUndefined();
  });
  it("a value is the message; 1 the default one", () => {
    expect(disabledFromEnv(" managed by apt ", "hello")).toEqual({ message: "managed by apt", from: "UPKEEP_DISABLED", kind: "env" });
    expect(disabledFromEnv("1", "hello")?.message).toBe(DEFAULT);
  });
});

describe("disabledFromFile and disabledError", () => {
  it("a file's text is the message, its path in the hint", () => {
    const s = disabledFromFile("/b/hello-update.disabled", { text: "installed by Nix: update it with your system\n" }, "hello");
    const e = disabledError("hello", s);
    expect(e).toMatchObject({ code: "DISABLED", message: "Updates of hello are switched off: installed by Nix: update it with your system" });
    expect(e.hint).toBe("Switched off by the file /b/hello-update.disabled; remove it to let upkeep update hello again.");
    expect(e.details.disabled).toEqual({ message: "installed by Nix: update it with your system", from: "/b/hello-update.disabled", kind: "file" });
  });
  it("an unreadable file switches off with the default message and says why", () => {
    const s = disabledFromFile("/b/hello-update.disabled", { problem: "EACCES" }, "hello");
    expect(s).toEqual({ message: DEFAULT, from: "/b/hello-update.disabled", kind: "file", unreadable: "EACCES" });
    expect(disabledError("hello", s).hint).toContain("(it could not be read: EACCES, so the default message is shown)");
  });
  it("the variable is named in the hint", () => {
    const e = disabledError("hello", { message: "m", from: "UPKEEP_DISABLED", kind: "env" });
    expect(e.hint).toBe("Switched off by the environment variable UPKEEP_DISABLED; unset it to let upkeep update hello again.");
  });
});
