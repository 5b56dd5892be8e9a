import { describe, expect, it } from "vitest";
import { managedPrefix } from "../../src/core/managed.js";

// [directory, platform, manager name or undefined, command for "axolotlsay" contains]
const cases: [string, NodeJS.Platform, string | undefined, string][] = [
  ["/usr/bin", "linux", "your system's package manager", "apt upgrade axolotlsay"],
  ["/usr/sbin/", "linux", "your system's package manager", "apt"],
  ["/bin", "linux", "your system's package manager", "apt"],
  ["/usr/local/Cellar/axolotlsay/1.0/bin", "darwin", "Homebrew", "brew upgrade axolotlsay"],
  ["/opt/homebrew/bin", "darwin", "Homebrew", "brew upgrade axolotlsay"],
  ["/home/linuxbrew/.linuxbrew/bin", "linux", "Homebrew", "brew upgrade axolotlsay"],
  ["/nix/store/abc-axolotlsay-1.0/bin", "linux", "Nix", "nix profile upgrade"],
  ["/snap/axolotlsay/12/bin", "linux", "snap", "snap refresh axolotlsay"],
  ["/opt/local/bin", "darwin", "MacPorts", "port upgrade"],
  ["C:\\Users\\a\\scoop\\apps\\axolotlsay\\current", "win32", "Scoop", "scoop update axolotlsay"],
  ["C:\\Users\\a\\AppData\\Local\\Microsoft\\WinGet\\Packages\\axo", "win32", "winget", "winget upgrade axolotlsay"],
  ["C:\\ProgramData\\chocolatey\\bin", "win32", "Chocolatey", "choco upgrade"],
  ["/home/u/.cargo/bin", "linux", undefined, ""],
  ["/usr/local/bin", "linux", undefined, ""],
  ["/home/u/.local/bin", "linux", undefined, ""],
  ["/opt/axolotlsay/bin", "linux", undefined, ""],
  ["/usr/binaries", "linux", undefined, ""],
  ["C:\\Users\\a\\.cargo\\bin", "win32", undefined, ""],
];

describe("managedPrefix", () => {
  for (const [dir, platform, name, command] of cases) {
    it(`${dir} → ${name ?? "not managed"}`, () => {
      const m = managedPrefix(dir, platform);
      expect(m?.name).toBe(name);
      if (m) expect(m.command("axolotlsay")).toContain(command);
    });
  }
});
