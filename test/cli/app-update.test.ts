import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import type { Host } from "../../src/config.js";
import { runCliWith } from "../helpers/cli.js";
import { fakeRelease, installedApp, tmpDir, type InstalledAppOptions } from "../helpers/fake-app.js";
import { startFakeGithub, type FakeGithubOptions } from "../helpers/fake-github.js";
import { APP_DOCUMENT_KEYS } from "../fixtures/documents.js";

// An installed axolotlsay 1.0.0 in a throw-away HOME, and a fake GitHub publishing 2.0.0.
async function world(o: { app?: InstalledAppOptions; gh?: FakeGithubOptions } = {}) {
  const gh = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")], ...o.gh });
  const app = installedApp(o.app);
  const logFile = path.join(app.home, "installer-log.txt");
  const env: Record<string, string> = {
    ...app.env,
    AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase,
    FAKE_INSTALLER_LOG: logFile,
  };
  const run = (argv: string[] = [], extra: Record<string, string> = {}, invokedAs?: string) =>
    runCliWith({ argv, env: { ...env, ...extra }, ...(invokedAs ? { invokedAs } : { invokedAs: path.join(app.bin, "axolotlsay-update") }) });
  const appVersion = () => execFileSync(path.join(app.bin, "axolotlsay"), { encoding: "utf8" }).trim();
  const installerLog = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : undefined);
  const installerEnv = () =>
    Object.fromEntries(
      (installerLog() ?? "")
        .split("\n")
        .slice(1)
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  return { gh, app, env, run, appVersion, installerLog, installerEnv, receipt: () => readFileSync(app.receiptPath, "utf8") };
}

describe("cli: updating", () => {
  it("updates an app installed cargo-home style, with axoupdater's messages", async () => {
    const w = await world();
    const r = await w.run();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe("Checking for updates...");
    expect(r.stderr).toContain(`installing to ${w.app.bin}`);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    expect(w.appVersion()).toBe("axolotlsay 2.0.0");
    expect(JSON.parse(w.receipt()).version).toBe("2.0.0");
  });

  it("gives the installer the cargo-dist environment contract", async () => {
    const w = await world();
    await w.run(["update"], { PSModulePath: "/ps", AXOLOTLSAY_DISABLE_UPDATE: "1", AXOLOTLSAY_UNMANAGED_INSTALL: "/elsewhere" });
    const log = w.installerLog() ?? "";
    expect(log.split("\n")[0]).toBe("argv:");
    const env = w.installerEnv();
    expect(env.CARGO_DIST_FORCE_INSTALL_DIR).toBe(w.app.prefix);
    expect(env.AXOLOTLSAY_INSTALL_DIR).toBe(w.app.prefix);
    expect(env.PSModulePath).toBeUndefined();
    expect(env.AXOLOTLSAY_DISABLE_UPDATE).toBeUndefined();
    expect(env.AXOLOTLSAY_UNMANAGED_INSTALL).toBeUndefined();
    expect(env.AXOLOTLSAY_NO_MODIFY_PATH).toBeUndefined();
    expect(env.AXOLOTLSAY_GITHUB_TOKEN).toBeUndefined();
    expect(env.AXOLOTLSAY_INSTALLER_GHE_BASE_URL).toBe(w.gh.gheBase);
    expect(env.HOME).toBe(w.app.home);
    // The installer was fetched from the download host, without any credentials.
    const downloads = w.gh.log.filter((l) => l.server === "download");
    expect(downloads.map((d) => d.path)).toEqual(["/axodotdev/axolotlsay/releases/download/v2.0.0/axolotlsay-installer.sh"]);
  });

  it("keeps PATH untouched when the first install did (modify_path false → <APP>_NO_MODIFY_PATH=1)", async () => {
    const w = await world({ app: { receipt: { modify_path: false } } });
    expect((await w.run()).code).toBe(0);
    expect(w.installerEnv().AXOLOTLSAY_NO_MODIFY_PATH).toBe("1");
    expect(JSON.parse(w.receipt()).modify_path).toBe(false);
  });

  it("strips the 0.10–0.14 `/bin` prefix before forcing the install dir", async () => {
    const w = await world();
    const receipt = JSON.parse(w.receipt());
    writeFileSync(w.app.receiptPath, JSON.stringify({ ...receipt, install_prefix: w.app.bin, provider: { source: "cargo-dist", version: "0.12.0" } }));
    expect((await w.run()).code).toBe(0);
    expect(w.installerEnv().CARGO_DIST_FORCE_INSTALL_DIR).toBe(w.app.prefix);
    expect(w.appVersion()).toBe("axolotlsay 2.0.0");
  });

  it("updates a flat layout in place", async () => {
    const w = await world({ app: { layout: "flat" }, gh: { releases: [fakeRelease("2.0.0", { layout: "flat" })] } });
    const r = await w.run([], {}, path.join(w.app.bin, "axolotlsay-update"));
    expect(r.code).toBe(0);
    expect(w.appVersion()).toBe("axolotlsay 2.0.0");
  });

  it("finds the receipt under XDG_CONFIG_HOME and has the installer rewrite that one", async () => {
    const w = await world();
    const xdg = path.join(w.app.home, "xdg");
    execFileSync("mkdir", ["-p", path.join(xdg, "axolotlsay")]);
    execFileSync("mv", [w.app.receiptPath, path.join(xdg, "axolotlsay", "axolotlsay-receipt.json")]);
    expect((await w.run([], { XDG_CONFIG_HOME: xdg })).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(xdg, "axolotlsay", "axolotlsay-receipt.json"), "utf8")).version).toBe("2.0.0");
  });

  it("pins XDG_CONFIG_HOME for the installer when the receipt was found in ~/.config despite it being set", async () => {
    const w = await world();
    const xdg = path.join(w.app.home, "xdg-empty");
    expect((await w.run([], { XDG_CONFIG_HOME: xdg })).code).toBe(0);
    expect(w.installerEnv().XDG_CONFIG_HOME).toBe(path.join(w.app.home, ".config"));
    expect(JSON.parse(w.receipt()).version).toBe("2.0.0");
  });

  it("says up to date and downloads nothing when current", async () => {
    const w = await world({ app: { version: "2.0.0" } });
    const r = await w.run();
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("Already up to date; not upgrading");
    expect(w.gh.log.filter((l) => l.server === "download")).toEqual([]);
    expect(w.installerLog()).toBeUndefined();
  });

  it("--version downgrades, --tag installs exactly that tag", async () => {
    const w = await world({ app: { version: "2.0.0" } });
    expect((await w.run(["--version", "1.0.0"])).code).toBe(0);
    expect(w.appVersion()).toBe("axolotlsay 1.0.0");
    expect((await w.run(["--tag", "v2.0.0"])).code).toBe(0);
    expect(w.appVersion()).toBe("axolotlsay 2.0.0");
  });

  it("--prerelease moves to a flagged prerelease; plain latest does not", async () => {
    const w = await world({ gh: { releases: [fakeRelease("3.0.0-rc.1", { prerelease: true }), fakeRelease("2.0.0")] } });
    expect((await w.run(["--check", "--json"])).json?.new_version).toBe("2.0.0");
    expect((await w.run(["--prerelease"])).code).toBe(0);
    expect(w.appVersion()).toBe("axolotlsay 3.0.0-rc.1");
  });

  it("--force reinstalls the same version", async () => {
    const w = await world({ app: { version: "2.0.0" } });
    const r = await w.run(["--force"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("New release 2.0.0 installed!");
    expect(w.installerLog()).toBeDefined();
  });

  it("--quiet prints only the success line", async () => {
    const w = await world();
    const r = await w.run(["--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("New release 2.0.0 installed!\n");
  });

  it("AXOUPDATER_INSTALLER_PATH runs a local installer instead of downloading one", async () => {
    const w = await world();
    const local = path.join(tmpDir(), "my installer.sh");
    writeFileSync(local, (w.gh.releases[0]!.assets[0]!.body as string).replace('echo "axolotlsay 2.0.0"', 'echo "axolotlsay local"'));
    const r = await w.run([], { AXOUPDATER_INSTALLER_PATH: local });
    expect(r.code).toBe(0);
    expect(w.appVersion()).toBe("axolotlsay local");
    expect(w.gh.log.filter((l) => l.server === "download")).toEqual([]);
  });
});

describe("cli: --check, --dry-run and --json", () => {
  it("--check exits 100 when an update exists and changes nothing", async () => {
    const w = await world();
    const before = w.receipt();
    const r = await w.run(["--check"]);
    expect(r.code).toBe(100);
    expect(r.stderr).toContain("Update available: axolotlsay 1.0.0 → 2.0.0 (v2.0.0).");
    expect(w.receipt()).toBe(before);
    expect(w.appVersion()).toBe("axolotlsay 1.0.0");
    expect(w.gh.log.filter((l) => l.server === "download")).toEqual([]);
  });

  it("--check exits 0 when up to date", async () => {
    const w = await world({ app: { version: "2.0.0" } });
    const r = await w.run(["--check", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ result: "up_to_date", old_version: "2.0.0", new_version: "2.0.0", error: null });
  });

  it("--dry-run says what it would do, downloads and changes nothing", async () => {
    const w = await world();
    const r = await w.run(["--dry-run", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      schema: "upkeep/1",
      app: "axolotlsay",
      result: "would_update",
      old_version: "1.0.0",
      new_version: "2.0.0",
      tag: "v2.0.0",
      install_prefix: w.app.prefix,
      signature: { key_source: null, key_from: null, keys: [], verified: [] },
      warnings: [{ code: "UNSIGNED", message: "Release v2.0.0 publishes no minisign signature, so who made its installer was not checked." }],
      error: null,
    });
    expect(w.gh.log.filter((l) => l.server === "download")).toEqual([]);
    expect(w.appVersion()).toBe("axolotlsay 1.0.0");
  });

  it("--json prints exactly one object on stdout and no human lines", async () => {
    const w = await world();
    const r = await w.run(["--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(r.json).toMatchObject({
      app: "axolotlsay",
      result: "updated",
      old_version: "1.0.0",
      new_version: "2.0.0",
      tag: "v2.0.0",
      install_prefix: w.app.prefix,
    });
    expect(r.stderr).not.toContain("Checking for updates");
    expect(r.stderr).not.toContain("New release");
    // Not the installer's lines either: under --json its output is not shown at all.
    expect(r.stderr).toBe("");
  });

  it("--json reports failures in the same shape", async () => {
    const w = await world();
    const r = await w.run(["--json", "--version", "7.7.7"]);
    expect(r.code).toBe(1);
    // The versions and prefix known before the failure are kept, not nulled.
    expect(r.json).toMatchObject({
      app: "axolotlsay",
      result: "failed",
      old_version: "1.0.0",
      new_version: null,
      install_prefix: w.app.prefix,
      error: { code: "RELEASE_NOT_FOUND" },
    });
    expect(Object.keys(r.json ?? {})).toEqual(APP_DOCUMENT_KEYS);
  });

  it("a failed install keeps the release it was installing (new_version, tag) in the JSON", async () => {
    const w = await world({ gh: { releases: [fakeRelease("2.0.0", { prelude: "exit 3" })] } });
    const r = await w.run(["--json"]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({
      schema: "upkeep/1",
      result: "failed",
      old_version: "1.0.0",
      new_version: "2.0.0",
      tag: "v2.0.0",
      install_prefix: w.app.prefix,
      error: { code: "INSTALLER_FAILED" },
    });
  });

  it("a failure keeps the warnings gathered before it (JSON and text)", async () => {
    const w = await world({ gh: { releases: [fakeRelease("2.0.0", { installerDigest: null, prelude: "exit 3" })] } });
    const r = await w.run(["--json"]);
    expect(r.json).toMatchObject({
      result: "failed",
      error: { code: "INSTALLER_FAILED" },
      warnings: [expect.objectContaining({ code: "NO_CHECKSUM" }), expect.objectContaining({ code: "UNSIGNED" })],
    });
    const text = await w.run();
    expect(text.stderr).toMatch(/warning: The release publishes no SHA-256[^\n]*\nerror\[INSTALLER_FAILED\]/);
  });

  it("AXOUPDATER_CONFIG_WORKING_DIR from a deleted working directory: a clear RECEIPT_NOT_FOUND, in JSON", async () => {
    const w = await world();
    let stdout = "";
    const host: Host = {
      env: { ...w.env, AXOUPDATER_CONFIG_WORKING_DIR: "1" },
      platform: "linux",
      home: w.app.home,
      cwd: w.app.home,
      cwdMissing: true,
      tmpDir: w.env.TMPDIR!,
      invokedAs: path.join(w.app.bin, "axolotlsay-update"),
      argv: ["--json"],
      stderrIsTTY: false,
      cacheDir: path.join(w.app.home, ".cache", "upkeep"),
    };
    const code = await runCli(host, { stdout: (t) => (stdout += t), stderr: () => {} });
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatchObject({
      code: "RECEIPT_NOT_FOUND",
      message: expect.stringContaining("the current directory no longer exists (it was deleted)"),
    });
    // Without the variable, a deleted working directory does not matter.
    const ok = await runCli({ ...host, env: w.env }, { stdout: () => {}, stderr: () => {} });
    expect(ok).toBe(0);
  });

  it("warns (text and JSON) when the release publishes no checksum", async () => {
    const w = await world({ gh: { releases: [fakeRelease("2.0.0", { installerDigest: null })] } });
    const r = await w.run(["--json"]);
    expect(r.json?.result).toBe("updated");
    expect(r.json?.warnings).toEqual([expect.objectContaining({ code: "NO_CHECKSUM" }), expect.objectContaining({ code: "UNSIGNED" })]);
  });

  it("-V and --help print to stdout and exit 0, whatever the name", async () => {
    const w = await world();
    expect((await w.run(["-V"], {}, "/usr/bin/upkeep")).stdout).toMatch(/^upkeep \d+\.\d+\.\d+\n$/);
    const help = await w.run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: axolotlsay-update [update] [OPTIONS]");
    expect(help.stderr).toBe("");
  });
});

describe("cli: terminals and odd paths", () => {
  it("colours errors on a terminal, not with NO_COLOR, not when piped", async () => {
    const w = await world();
    const env = { ...w.env, HOME: tmpDir() };
    const tty = await runCliWith({ env, stderrIsTTY: true });
    expect(tty.stderr).toContain("\u001b[31merror[RECEIPT_NOT_FOUND]");
    expect((await runCliWith({ env: { ...env, NO_COLOR: "1" }, stderrIsTTY: true })).stderr).not.toContain("\u001b[");
    expect((await runCliWith({ env })).stderr).not.toContain("\u001b[");
  });

  it("shows a spinner for the download and the installer on a terminal, never when piped, --quiet or --json", async () => {
    const w = await world();
    const tty = await runCliWith({ env: w.env, invokedAs: path.join(w.app.bin, "axolotlsay-update"), stderrIsTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain("\r\u001b[2K");
    expect(tty.stderr).toMatch(/Downloading axolotlsay-installer\.sh \(\d/);
    expect(tty.stderr).toContain("Running axolotlsay-installer.sh");
    expect(tty.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    for (const [argv, isTTY] of [
      [["--force"], false],
      [["--force", "--quiet"], true],
      [["--force", "--json"], true],
    ] as const) {
      const r = await runCliWith({ argv: [...argv], env: w.env, invokedAs: path.join(w.app.bin, "axolotlsay-update"), stderrIsTTY: isTTY });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain("\r");
      expect(r.stderr).not.toContain("Downloading");
    }
  });

  it("works with spaces in TMPDIR and in the install prefix", async () => {
    const w = await world();
    const spaced = path.join(w.app.home, "my temp dir");
    execFileSync("mkdir", ["-p", spaced]);
    const prefix = path.join(w.app.home, "Program Files", "axo lotl");
    execFileSync("mkdir", ["-p", path.join(prefix, "bin")]);
    writeFileSync(w.app.receiptPath, JSON.stringify({ ...JSON.parse(w.receipt()), install_prefix: prefix }));
    const r = await w.run([], { TMPDIR: spaced }, path.join(prefix, "bin", "axolotlsay-update"));
    expect(r.code).toBe(0);
    expect(execFileSync(path.join(prefix, "bin", "axolotlsay"), { encoding: "utf8" })).toBe("axolotlsay 2.0.0\n");
    expect(w.installerEnv().CARGO_DIST_FORCE_INSTALL_DIR).toBe(prefix);
  });
});

describe("cli: --jitter", () => {
  it("waits a random share of the given seconds before the first request", async () => {
    const w = await world({ app: { version: "2.0.0" } });
    const started = Date.now();
    const r = await runCliWith({ argv: ["--check", "--jitter", "0.8"], env: w.env, invokedAs: path.join(w.app.bin, "axolotlsay-update"), random: () => 0.5 });
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    const quick = Date.now();
    await runCliWith({ argv: ["--check", "--jitter", "0.8"], env: w.env, invokedAs: path.join(w.app.bin, "axolotlsay-update"), random: () => 0 });
    expect(Date.now() - quick).toBeLessThan(390);
    expect((await w.run(["--jitter", "soon"])).code).toBe(2);
  });
});

describe("cli: conditional requests", () => {
  it("repeat checks send If-None-Match and are answered by 304s from the cache", async () => {
    const w = await world();
    const first = await w.run(["--check", "--json"]);
    expect(first.code).toBe(100);
    const again = await w.run(["--check", "--json", "--verbose"]);
    expect(again.code).toBe(100);
    expect(again.json?.new_version).toBe("2.0.0");
    const api = w.gh.apiRequests();
    expect(api).toHaveLength(2);
    expect(api[1]?.headers["if-none-match"]).toBe(api[0] && (api[1]?.headers["if-none-match"] as string));
    expect(api[1]?.status).toBe(304);
    expect(api[0]?.status).toBe(200);
  });

  it("a corrupted cache is ignored and rewritten", async () => {
    const w = await world();
    await w.run(["--check"]);
    const dir = path.join(w.app.home, ".cache", "upkeep", "http");
    for (const f of readdirSync(dir)) writeFileSync(path.join(dir, f), "garbage");
    expect((await w.run(["--check", "--json"])).json?.new_version).toBe("2.0.0");
    expect(w.gh.apiRequests().at(-1)?.headers["if-none-match"]).toBeUndefined();
    await w.run(["--check"]);
    expect(w.gh.apiRequests().at(-1)?.status).toBe(304);
  });
});

describe("cli: PATH shadowing", () => {
  it("warns after an update, and with --check, when another copy comes first on PATH", async () => {
    const w = await world();
    const other = path.join(w.app.home, "old-bin");
    execFileSync("mkdir", ["-p", other]);
    writeFileSync(path.join(other, "axolotlsay"), "#!/bin/sh\necho stale\n", { mode: 0o755 });
    const PATH = `${other}:${w.app.bin}:/usr/bin:/bin`;
    const check = await w.run(["--check", "--json"], { PATH });
    expect(check.json?.warnings).toEqual([
      expect.objectContaining({ code: "UNSIGNED" }),
      expect.objectContaining({ code: "PATH_SHADOWED", message: expect.stringContaining(`${other}/axolotlsay`) }),
    ]);
    const r = await w.run([], { PATH });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: Running \`axolotlsay\` starts ${other}/axolotlsay, not the updated ${w.app.bin}/axolotlsay`);
    expect((await w.run(["--json"], { PATH: `${w.app.bin}:${other}:/usr/bin:/bin` })).json?.warnings).toEqual([]);
  });
});

describe("cli: tokens", () => {
  it("--token goes to the API and the installer, never to the download host or the output", async () => {
    const w = await world();
    const token = "ghp_cli_secret_123";
    const r = await w.run(["--token", token, "--verbose"]);
    expect(r.code).toBe(0);
    for (const l of w.gh.log) {
      if (l.server === "api") expect(l.headers.authorization).toBe(`Bearer ${token}`);
      else expect(l.headers.authorization).toBeUndefined();
    }
    // With a token the asset comes through the API (works for private repos), redirected to storage.
    expect(w.gh.log.some((l) => l.server === "api" && /\/releases\/assets\/\d+$/.test(l.path))).toBe(true);
    expect(w.installerEnv().AXOLOTLSAY_GITHUB_TOKEN).toBe(token);
    expect(r.stderr + r.stdout).not.toContain(token);
  });

  // [variable, value] — precedence is --token, AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN, GITHUB_TOKEN
  const order: [Record<string, string>, string][] = [
    [{ AXOUPDATER_GITHUB_TOKEN: "tok_axo_1", AXOLOTLSAY_GITHUB_TOKEN: "tok_app_1", GITHUB_TOKEN: "tok_gh_1" }, "tok_axo_1"],
    [{ AXOLOTLSAY_GITHUB_TOKEN: "tok_app_2", GITHUB_TOKEN: "tok_gh_2" }, "tok_app_2"],
    [{ GITHUB_TOKEN: "tok_gh_3" }, "tok_gh_3"],
  ];
  for (const [vars, used] of order) {
    it(`uses ${used} from ${Object.keys(vars).join(" + ")}`, async () => {
      const w = await world({ app: { version: "2.0.0" } });
      await w.run([], vars);
      expect(w.gh.apiRequests()[0]?.headers.authorization).toBe(`Bearer ${used}`);
    });
  }
});

// Every error code, through the CLI: [code, exit status, message substring, how to provoke it]
type Provoke = (w: Awaited<ReturnType<typeof world>>) => Promise<Awaited<ReturnType<typeof runCliWith>>>;
const errorCases: [string, number, string, Provoke, FakeGithubOptions?, InstalledAppOptions?][] = [
  ["USAGE", 2, "mutually exclusive", (w) => w.run(["--tag", "v2.0.0", "--version", "2.0.0"])],
  ["USAGE", 2, "unknown option '--yes'", (w) => w.run(["--yes"])],
  [
    "USAGE",
    2,
    "AXOLOTLSAY_INSTALLER_GHE_BASE_URL and AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL",
    (w) => w.run([], { AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL: "https://example.com" }),
  ],
  ["APP_NAME", 2, 'runs as "axoupdater", not as "<app>-update"', (w) => w.run([], {}, path.join(w.app.bin, "axoupdater"))],
  ["APP_NAME", 2, "App name calculated as `axoupdater'", (w) => w.run([], {}, path.join(w.app.bin, "axoupdater-update"))],
  ["RECEIPT_NOT_FOUND", 1, "Unable to load receipt for app axolotlsay", (w) => w.run([], { HOME: tmpDir() })],
  ["RECEIPT_INVALID", 1, "axolotlsay-receipt.json is invalid", (w) => w.run(), undefined, { receiptText: '{"install_prefix": 3}' }],
  ["RECEIPT_MISMATCH", 1, "but the receipt", (w) => w.run([], {}, path.join(tmpDir(), "bin", "axolotlsay-update"))],
  [
    "SOURCE_UNSUPPORTED",
    1,
    'release source "gitlab"',
    (w) => w.run(),
    undefined,
    { receipt: { source: { app_name: "axolotlsay", name: "a", owner: "o", release_type: "gitlab" } } },
  ],
  ["RELEASE_NOT_FOUND", 1, "The version 9.9.9 was not found", (w) => w.run(["--version", "9.9.9"])],
  ["NO_INSTALLER", 1, "has no axolotlsay-installer.sh", (w) => w.run(), { releases: [fakeRelease("2.0.0", { noShellInstaller: true })] }],
  [
    "RATE_LIMITED",
    1,
    "rate limit exceeded",
    (w) => {
      w.gh.inject({
        match: /releases/,
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 600) },
      });
      return w.run();
    },
  ],
  [
    "BAD_TOKEN",
    1,
    "GitHub rejected the token",
    (w) => {
      w.gh.inject({ match: /releases/, status: 401, body: '{"message":"Bad credentials"}' });
      return w.run([], { GITHUB_TOKEN: "ghp_expired_token" });
    },
  ],
  ["NETWORK", 1, "Could not reach 127.0.0.1:9", (w) => w.run([], { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: "http://127.0.0.1:9" })],
  [
    "TIMEOUT",
    1,
    "No answer from",
    (w) => {
      w.gh.inject({ match: /releases\/latest/, hang: true });
      return w.run(["--timeout", "0.2"]);
    },
  ],
  [
    "DOWNLOAD_FAILED",
    1,
    "is an HTML page",
    (w) => w.run(),
    { releases: [fakeRelease("2.0.0", { installerBody: "<!DOCTYPE html><html>Sign in</html>", installerDigest: null })] },
  ],
  [
    "DOWNLOAD_FAILED",
    1,
    "failed: 404",
    (w) => {
      w.gh.inject({ server: "download", match: /installer\.sh$/, status: 404, body: "Not Found" });
      return w.run();
    },
  ],
  [
    "CHECKSUM_MISMATCH",
    1,
    "Checksum mismatch for axolotlsay-installer.sh",
    (w) => w.run(),
    { releases: [fakeRelease("2.0.0", { installerDigest: `sha256:${"0".repeat(64)}` })] },
  ],
  [
    "INSTALLER_FAILED",
    1,
    "exited with status 3",
    (w) => w.run(),
    { releases: [fakeRelease("2.0.0", { prelude: "echo 'cannot write to /nowhere' >&2; exit 3" })] },
  ],
];

describe("cli: every error code, with its exit status and message", () => {
  for (const [code, exit, message, provoke, gh, app] of errorCases) {
    it(`${code}: ${message}`, async () => {
      const w = await world({ ...(gh ? { gh } : {}), ...(app ? { app } : {}) });
      const before = existsSync(w.app.receiptPath) ? w.receipt() : undefined;
      const r = await provoke(w);
      expect(r.code).toBe(exit);
      expect(r.stderr).toContain(`error[${code}]: `);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toMatch(/\nhint: .+/);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // never a stack trace
      // Nothing was installed and the receipt is as it was.
      expect(w.appVersion()).toBe("axolotlsay 1.0.0");
      if (before !== undefined) expect(w.receipt()).toBe(before);
      if (code !== "INSTALLER_FAILED") expect(w.installerLog()).toBeUndefined();
    });
  }

  it("INSTALLER_FAILED carries the installer's last lines", async () => {
    const w = await world({ gh: { releases: [fakeRelease("2.0.0", { prelude: "echo first line; echo 'cannot write to /nowhere' >&2; exit 3" })] } });
    const r = await w.run(["--json"]);
    expect(r.json?.error).toMatchObject({ code: "INSTALLER_FAILED" });
    expect(r.json?.error.message).toContain("cannot write to /nowhere");
    expect(r.json?.error.message).toContain("first line");
  });

  it("a usage error in --json mode is still one JSON object", async () => {
    const w = await world();
    const r = await w.run(["--json", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ result: "failed", error: { code: "USAGE" } });
  });
});
