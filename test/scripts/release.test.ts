// scripts/release.mjs through its command line, as an app author runs it.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/fake-app.js";

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../scripts/release.mjs");

// A build tree: <work>/bins/<target>/<files> and <work>/upd/<target>/upkeep[.exe].
function tree(targets = ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"], o: { skipUpdater?: string } = {}) {
  const work = tmpDir();
  for (const t of targets) {
    const win = t.includes("windows");
    mkdirSync(path.join(work, "bins", t), { recursive: true });
    mkdirSync(path.join(work, "upd", t), { recursive: true });
    writeFileSync(path.join(work, "bins", t, win ? "axolotlsay.exe" : "axolotlsay"), `bin for ${t}\n`, { mode: 0o755 });
    writeFileSync(path.join(work, "bins", t, win ? "axo-helper.exe" : "axo-helper"), `helper for ${t}\n`, { mode: 0o755 });
    if (o.skipUpdater !== t) writeFileSync(path.join(work, "upd", t, win ? "upkeep.exe" : "upkeep"), `upkeep for ${t}\n`, { mode: 0o755 });
  }
  return work;
}

const run = (work: string, extra: string[] = [], base: Record<string, string> = {}) => {
  const args: Record<string, string> = {
    app: "axolotlsay",
    version: "1.2.3",
    repo: "axodotdev/axolotlsay",
    binaries: path.join(work, "bins"),
    updater: path.join(work, "upd"),
    out: path.join(work, "out"),
    ...base,
  };
  const argv = Object.entries(args).flatMap(([k, v]) => (v === "" ? [] : [`--${k}`, v]));
  return spawnSync(process.execPath, [script, ...argv, ...extra], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SOURCE_DATE_EPOCH: "1700000000" },
  });
};

describe("scripts/release.mjs", () => {
  it("writes archives, updater copies, checksums and installers for every target", () => {
    const work = tree();
    const r = run(work);
    expect(r.stderr).toContain("wrote 17 files");
    expect(r.status).toBe(0);
    const out = path.join(work, "out");
    expect(readdirSync(out).sort()).toEqual(
      [
        "axolotlsay-installer.ps1",
        "axolotlsay-installer.sh",
        "axolotlsay-x86_64-pc-windows-msvc-update",
        "axolotlsay-x86_64-pc-windows-msvc-update.zip",
        "axolotlsay-x86_64-pc-windows-msvc.zip",
        "axolotlsay-x86_64-unknown-linux-gnu-update",
        "axolotlsay-x86_64-unknown-linux-gnu-update.xz",
        "axolotlsay-x86_64-unknown-linux-gnu.tar.xz",
      ]
        .flatMap((f) => [f, `${f}.sha256`])
        .concat("sha256.sum")
        .sort(),
    );
    // One top-level <app>-<target>/ directory per archive, executables kept executable.
    const tarList = spawnSync("tar", ["-tvJf", path.join(out, "axolotlsay-x86_64-unknown-linux-gnu.tar.xz")], { encoding: "utf8" }).stdout;
    expect(tarList).toMatch(/^drwxr-xr-x .* axolotlsay-x86_64-unknown-linux-gnu\/$/m);
    expect(tarList).toMatch(/^-rwxr-xr-x .* axolotlsay-x86_64-unknown-linux-gnu\/axolotlsay$/m);
    expect(tarList).toMatch(/axolotlsay-x86_64-unknown-linux-gnu\/axo-helper$/m);
    const zipList = spawnSync("unzip", ["-l", path.join(out, "axolotlsay-x86_64-pc-windows-msvc.zip")], { encoding: "utf8" }).stdout;
    expect(zipList).toContain("axolotlsay-x86_64-pc-windows-msvc/axolotlsay.exe");
    expect(zipList).toContain("axolotlsay-x86_64-pc-windows-msvc/axo-helper.exe");
    // Checksums: sha256sum agrees with every .sha256 file and with sha256.sum.
    const check = spawnSync("sha256sum", ["-c", "sha256.sum"], { cwd: out, encoding: "utf8" });
    expect(check.status).toBe(0);
    expect(check.stdout.trim().split("\n")).toHaveLength(8);
    for (const f of readdirSync(out).filter((f) => f.endsWith(".sha256"))) {
      expect(spawnSync("sha256sum", ["-c", f], { cwd: out }).status, f).toBe(0);
    }
    expect(readFileSync(path.join(out, "axolotlsay-x86_64-unknown-linux-gnu-update"), "utf8")).toBe("upkeep for x86_64-unknown-linux-gnu\n");
    // The installer downloads from the release by default and lists both executables.
    const sh = readFileSync(path.join(out, "axolotlsay-installer.sh"), "utf8");
    expect(sh).toContain("DEFAULT_BASE_URL='https://github.com/axodotdev/axolotlsay/releases/download/v1.2.3'");
    expect(sh).toMatch(/^(ARTIFACTS=')?archive x86_64-unknown-linux-gnu axolotlsay-x86_64-unknown-linux-gnu\.tar\.xz [0-9a-f]{64} axo-helper,axolotlsay$/m);
    expect(sh).not.toContain("windows");
    expect(spawnSync("sh", ["-n", path.join(out, "axolotlsay-installer.sh")]).status).toBe(0);
  });

  it("is reproducible with SOURCE_DATE_EPOCH", () => {
    const work = tree(["x86_64-unknown-linux-gnu"]);
    expect(run(work).status).toBe(0);
    expect(run(work, [], { out: path.join(work, "out2") }).status).toBe(0);
    expect(readFileSync(path.join(work, "out2", "sha256.sum"), "utf8")).toBe(readFileSync(path.join(work, "out", "sha256.sum"), "utf8"));
  });

  it("--base-url renders installers that download from a mirror", () => {
    const work = tree(["x86_64-unknown-linux-gnu"]);
    expect(run(work, ["--base-url", "https://mirror.example.com/axolotlsay/1.2.3/"]).status).toBe(0);
    expect(readFileSync(path.join(work, "out", "axolotlsay-installer.sh"), "utf8")).toContain("DEFAULT_BASE_URL='https://mirror.example.com/axolotlsay/1.2.3'");
    expect(readFileSync(path.join(work, "out", "axolotlsay-installer.ps1"), "utf8")).toContain(
      "$DefaultBaseUrl = 'https://mirror.example.com/axolotlsay/1.2.3'",
    );
  });

  // [label, how to break the input, expected exit status, message]
  const refusals: [string, (work: string) => { extra?: string[]; base?: Record<string, string> }, number, string][] = [
    ["a target without an updater", () => ({}), 1, "missing updater for target x86_64-pc-windows-msvc"],
    ["a version with a leading v", () => ({ base: { version: "v1.2.3" } }), 1, "is not a semantic version"],
    ["a partial version", () => ({ base: { version: "1.2" } }), 1, "is not a semantic version"],
    ["an output dir that is not empty", (w) => (mkdirSync(path.join(w, "out")), writeFileSync(path.join(w, "out", "old"), "x"), {}), 1, "is not empty"],
    ["an unknown target", (w) => (mkdirSync(path.join(w, "bins", "riscv64-unknown-linux-gnu")), {}), 1, 'unknown target "riscv64-unknown-linux-gnu"'],
    ["an app name that is no variable name", () => ({ base: { app: "my.app" } }), 1, "must start with a letter"],
    ["a repo without owner", () => ({ base: { repo: "axolotlsay" } }), 1, "must look like OWNER/NAME"],
    ["a missing option", () => ({ base: { updater: "" } }), 1, "--updater is required"],
    ["a base URL that is not http(s)", () => ({ extra: ["--base-url", "ftp://x"] }), 1, "must be a plain http(s) URL"],
    ["an unknown option", () => ({ extra: ["--sign"] }), 2, "Unknown option '--sign'"],
  ];
  for (const [label, breakIt, status, message] of refusals) {
    it(`refuses ${label}`, () => {
      const work = tree(["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"], label.includes("updater") ? { skipUpdater: "x86_64-pc-windows-msvc" } : {});
      const { extra, base } = breakIt(work);
      const r = run(work, extra ?? [], base ?? {});
      expect(r.status).toBe(status);
      expect(r.stderr).toContain(message);
      const out = path.join(work, "out");
      if (!label.includes("not empty")) expect(spawnSync("ls", [out]).status === 0 ? readdirSync(out) : []).toEqual([]);
    });
  }
});

describe("scripts/release-self.mjs (upkeep's own release)", () => {
  it("releases every built target as upkeep-<target> archives plus upkeep-<target>-update", () => {
    const from = tmpDir();
    for (const [t, exe] of [
      ["x86_64-unknown-linux-gnu", "upkeep"],
      ["x86_64-pc-windows-msvc", "upkeep.exe"],
    ]) {
      mkdirSync(path.join(from, t!));
      writeFileSync(path.join(from, t!, exe!), `upkeep for ${t}\n`, { mode: 0o755 });
    }
    const out = path.join(tmpDir(), "out");
    const self = path.resolve(path.dirname(script), "release-self.mjs");
    const r = spawnSync(process.execPath, [self, "--out", out, "--from", from, "--repo", "me/upkeep"], { encoding: "utf8" });
    expect(r.stderr).toContain("for 2 targets");
    expect(r.status).toBe(0);
    const files = readdirSync(out);
    for (const f of [
      "upkeep-x86_64-unknown-linux-gnu.tar.xz",
      "upkeep-x86_64-pc-windows-msvc.zip",
      "upkeep-x86_64-unknown-linux-gnu-update",
      "upkeep-installer.sh",
      "upkeep-installer.ps1",
      "sha256.sum",
    ]) {
      expect(files).toContain(f);
    }
    expect(spawnSync("tar", ["-tJf", path.join(out, "upkeep-x86_64-unknown-linux-gnu.tar.xz")], { encoding: "utf8" }).stdout).toContain(
      "upkeep-x86_64-unknown-linux-gnu/upkeep\n",
    );
    expect(readFileSync(path.join(out, "upkeep-installer.sh"), "utf8")).toContain("https://github.com/me/upkeep/releases/download/v");
  });
});
