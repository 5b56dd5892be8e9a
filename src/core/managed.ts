import type { Platform } from "../types.js";

/** A package manager that owns a directory, and how its users update. */
export interface Manager {
  name: string;
  /** The command to run instead, for `app`. */
  command: (app: string) => string;
}

// [path pattern (posix, or lower-cased Windows with forward slashes), manager]
const POSIX: [RegExp, Manager][] = [
  [/^\/nix\/store\//, { name: "Nix", command: (a) => `nix profile upgrade ${a} (or update your Nix configuration)` }],
  [/^\/snap\//, { name: "snap", command: (a) => `sudo snap refresh ${a}` }],
  [/^\/var\/lib\/snapd\//, { name: "snap", command: (a) => `sudo snap refresh ${a}` }],
  [/^\/opt\/homebrew\//, { name: "Homebrew", command: (a) => `brew upgrade ${a}` }],
  [/^\/usr\/local\/(Cellar|Caskroom|Homebrew)\//, { name: "Homebrew", command: (a) => `brew upgrade ${a}` }],
  [/^\/home\/linuxbrew\/\.linuxbrew\//, { name: "Homebrew", command: (a) => `brew upgrade ${a}` }],
  [/^\/opt\/local\//, { name: "MacPorts", command: (a) => `sudo port upgrade ${a}` }],
  [
    /^\/(usr\/)?(s?bin|lib|lib64|libexec)\//,
    { name: "your system's package manager", command: (a) => `your distribution's update command (e.g. sudo apt upgrade ${a} or sudo dnf upgrade ${a})` },
  ],
  [/^\/usr\/share\//, { name: "your system's package manager", command: (a) => `your distribution's update command (e.g. sudo apt upgrade ${a})` }],
];
const WINDOWS: [RegExp, Manager][] = [
  [/\/scoop\/(apps|shims)\//, { name: "Scoop", command: (a) => `scoop update ${a}` }],
  [/\/appdata\/local\/microsoft\/winget\/(packages|links)\//, { name: "winget", command: (a) => `winget upgrade ${a}` }],
  [/\/program files( \(x86\))?\/windowsapps\//, { name: "the Microsoft Store", command: () => "the Microsoft Store's update" }],
  [/^[a-z]:\/programdata\/chocolatey\//, { name: "Chocolatey", command: (a) => `choco upgrade ${a}` }],
];

/**
 * The package manager owning `dir`, if any: updating there behind its back would break it, and its
 * own command updates the app anyway.
 */
export function managedPrefix(dir: string, platform: Platform): Manager | undefined {
  if (platform === "win32") {
    const p = `${dir.replaceAll("\\", "/").toLowerCase().replace(/\/+$/, "")}/`;
    return WINDOWS.find(([re]) => re.test(p))?.[1];
  }
  const p = `${dir.replace(/\/+$/, "")}/`;
  return POSIX.find(([re]) => re.test(p))?.[1];
}
