import { describe, expect, it } from "vitest";
import { installerAssetName, installerBodyProblem, installerCommand, installerEnv, MAX_INSTALLER_BYTES } from "../../src/core/installer.js";

describe("installer asset and command", () => {
  // [platform, asset, program, args]
  const cases: [NodeJS.Platform, string, string, string[]][] = [
    ["linux", "axolotlsay-installer.sh", "sh", ["/t/x.sh"]],
    ["darwin", "axolotlsay-installer.sh", "sh", ["/t/x.sh"]],
    ["freebsd", "axolotlsay-installer.sh", "sh", ["/t/x.sh"]],
    ["win32", "axolotlsay-installer.ps1", "powershell", ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", "/t/x.sh"]],
  ];
  for (const [platform, asset, file, args] of cases) {
    it(platform, () => {
      expect(installerAssetName("axolotlsay", platform)).toBe(asset);
      expect(installerCommand(platform, "/t/x.sh")).toEqual({ file, args });
    });
  }
  it("keeps a path with spaces as one argument", () => {
    expect(installerCommand("win32", "C:\\Users\\A B\\t\\i.ps1").args.at(-1)).toBe("C:\\Users\\A B\\t\\i.ps1");
  });
});

describe("installerEnv (the cargo-dist contract)", () => {
  const base = { app: "akaikatana-repack", platform: "linux" as const, installRoot: "/home/a/.cargo", modifyPath: true };
  it("forces the install dir under both names and drops PSModulePath", () => {
    const env = installerEnv({ ...base, env: { PATH: "/bin", PSModulePath: "x", HOME: "/home/a" } });
    expect(env).toEqual({
      PATH: "/bin",
      HOME: "/home/a",
      CARGO_DIST_FORCE_INSTALL_DIR: "/home/a/.cargo",
      AKAIKATANA_REPACK_INSTALL_DIR: "/home/a/.cargo",
    });
  });
  it("sets <APP>_NO_MODIFY_PATH=1 only when the receipt says modify_path false", () => {
    expect(installerEnv({ ...base, modifyPath: false, env: {} }).AKAIKATANA_REPACK_NO_MODIFY_PATH).toBe("1");
    expect(installerEnv({ ...base, env: {} }).AKAIKATANA_REPACK_NO_MODIFY_PATH).toBeUndefined();
  });
  it("passes the token as <APP>_GITHUB_TOKEN and pins XDG_CONFIG_HOME when asked", () => {
    const env = installerEnv({ ...base, env: {}, token: "tok123", configHome: "/home/a/.config" });
    expect(env.AKAIKATANA_REPACK_GITHUB_TOKEN).toBe("tok123");
    expect(env.XDG_CONFIG_HOME).toBe("/home/a/.config");
  });
  it("removes switches that would suppress the receipt or the updater", () => {
    const env = installerEnv({ ...base, env: { AKAIKATANA_REPACK_UNMANAGED_INSTALL: "/x", AKAIKATANA_REPACK_DISABLE_UPDATE: "1", KEEP: "1" } });
    expect(Object.keys(env).sort()).toEqual(["AKAIKATANA_REPACK_INSTALL_DIR", "CARGO_DIST_FORCE_INSTALL_DIR", "KEEP"]);
  });
  it("overrides the user's own forced dir, and on Windows matches names case-insensitively", () => {
    const env = installerEnv({
      ...base,
      platform: "win32",
      installRoot: "C:\\x",
      env: { Psmodulepath: "p", cargo_dist_force_install_dir: "D:\\y", Path: "C:\\w" },
    });
    expect(env).toEqual({ Path: "C:\\w", CARGO_DIST_FORCE_INSTALL_DIR: "C:\\x", AKAIKATANA_REPACK_INSTALL_DIR: "C:\\x" });
  });
});

describe("installerBodyProblem", () => {
  const b = (s: string) => Buffer.from(s);
  // [label, body, kind, content type, problem substring or undefined]
  const cases: [string, Buffer, "sh" | "ps1", string | undefined, string | undefined][] = [
    ["a shell script", b("#!/bin/sh\necho hi\n"), "sh", "application/octet-stream", undefined],
    ["empty", b(""), "sh", undefined, "empty"],
    ["an HTML error page", b("<!DOCTYPE html><html>404</html>"), "sh", undefined, "HTML"],
    ["HTML by content type", b("#!/bin/sh\n"), "sh", "text/html; charset=utf-8", "HTML"],
    ["no shebang", b("echo hi\n"), "sh", undefined, "#!"],
    ["leading spaces before #!", b("  #!/bin/sh\n"), "sh", undefined, "#!"],
    ["a PowerShell script", b("\uFEFFparam()\r\nWrite-Output hi\r\n"), "ps1", undefined, undefined],
    ["HTML instead of PowerShell", b("\n <html><body>login</body></html>"), "ps1", undefined, "HTML"],
    ["too big", Buffer.alloc(MAX_INSTALLER_BYTES + 1, 35), "sh", undefined, "limit"],
  ];
  for (const [label, body, kind, type, want] of cases) {
    it(label, () => {
      const problem = installerBodyProblem(body, kind, type);
      if (want === undefined) expect(problem).toBeUndefined();
      else expect(problem).toContain(want);
    });
  }
});
