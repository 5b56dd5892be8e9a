// `<app>-update --notify` as an app spawns it at start-up: the built executable (dist/upkeep, linked as
// axolotlsay-update) in a throw-away HOME, on a terminal from util-linux `script`, against the fake GitHub
// on loopback counting requests. Time is driven through the notice files' mtimes (utimes), never a clock
// variable; every environment is built here, without CI (the runner's own CI=true never reaches the child).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, chmodSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defer } from "../helpers/cleanup.js";
import { which } from "../helpers/installers.js";
import { runProcess } from "../helpers/run.js";
import { makeWorld, type World } from "../helpers/world.js";

const SCRIPT = which("script");
const LINE = "A new version of axolotlsay is available: 1.0.0 → 2.0.0. Run axolotlsay-update to update.";
// The default budget of a --notify run; every row but the stalled one gives it 10 s
// (UPKEEP_NOTIFY_DEADLINE_MS), so a loaded machine cannot turn a due line into silence.
const DEADLINE_MS = 1500;

// A world with the real executable as axolotlsay-update and no canary secrets (nothing here is about them).
async function world(): Promise<World> {
  return makeWorld({ updater: "link", alias: false, secrets: false });
}

// The child's environment: the world's, plus `extra`, and never CI unless a row sets it.
function envOf(w: World, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...w.env, SHELL: "/bin/sh", UPKEEP_NOTIFY_DEADLINE_MS: "10000", ...extra };
  if (!("CI" in extra)) delete env.CI;
  return env;
}

/** Runs `axolotlsay-update ARGS` on a terminal (default) or with piped stderr; output is stdout+stderr, without CRs. */
async function notify(w: World, o: { args?: string[]; env?: Record<string, string>; terminal?: boolean } = {}) {
  const argv = [w.updater, ...(o.args ?? ["--notify"])];
  const env = envOf(w, o.env ?? {});
  const started = performance.now();
  const r =
    o.terminal === false
      ? await runProcess(argv[0] as string, argv.slice(1), env, w.home)
      : await runProcess(SCRIPT, ["-qec", argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" "), "/dev/null"], env, w.home);
  return { code: r.code, ms: performance.now() - started, text: `${r.stdout}${r.stderr}`.replaceAll("\r", "") };
}

const files = (w: World) => ({ check: path.join(w.cache, "notify", "axolotlsay.check.json"), notice: path.join(w.cache, "notify", "axolotlsay.notice.json") });
const latestRequests = (w: World) => w.gh.apiRequests(/\/releases\/latest$/);
// Moves a file's mtime `hours` into the past.
const age = (file: string, hours: number): void => {
  const t = new Date(Date.now() - hours * 3_600_000);
  utimesSync(file, t, t);
};

describe.skipIf(!SCRIPT)(`<app>-update --notify on a terminal${SCRIPT ? "" : " (skipped: util-linux script is not installed)"}`, () => {
  it("checks once and prints one line; within the interval it neither asks nor prints", async () => {
    const w = await world();
    const first = await notify(w);
    expect(first).toMatchObject({ code: 0, text: `${LINE}\n` });
    expect(latestRequests(w)).toHaveLength(1);
    expect(JSON.parse(readFileSync(files(w).check, "utf8"))).toMatchObject({ ok: true, latest: "2.0.0", current: "1.0.0" });

    const second = await notify(w);
    expect(second).toMatchObject({ code: 0, text: "" });
    expect(latestRequests(w)).toHaveLength(1);
  });

  it("an old check is made again (conditionally, with the ETag), but the line only once per interval", async () => {
    const w = await world();
    await notify(w);
    age(files(w).check, 25);
    const again = await notify(w);
    expect(again).toMatchObject({ code: 0, text: "" });
    const requests = latestRequests(w);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers["if-none-match"]).toMatch(/^"/);
    expect(requests[1]?.status).toBe(304);
    expect(statSync(files(w).check).mtimeMs).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it("a notice due after a recent check is told from the cached result, without a request", async () => {
    const w = await world();
    await notify(w);
    age(files(w).notice, 25);
    const r = await notify(w);
    expect(r).toMatchObject({ code: 0, text: `${LINE}\n` });
    expect(latestRequests(w)).toHaveLength(1);
  });

  it("re-reads the installed version before telling: an app updated meanwhile is not told", async () => {
    const w = await world();
    await notify(w);
    const receipt = JSON.parse(readFileSync(w.app.receiptPath, "utf8")) as Record<string, unknown>;
    w.updateReceipt({ ...receipt, version: "2.0.0" });
    age(files(w).notice, 25);
    const r = await notify(w);
    expect(r).toMatchObject({ code: 0, text: "" });
    expect(latestRequests(w)).toHaveLength(1);
  });

  for (const failure of ["500", "closed"] as const) {
    it(`a failed check (${failure === "500" ? "server error 500" : "connection closed"}) counts as a check: silent, exit 0, no retry within the interval`, async () => {
      const w = await world();
      if (failure === "500") w.gh.inject({ match: /\/releases\/latest$/, status: 500 });
      // A port that was just free: nothing listens there.
      const closed = failure === "closed" ? `http://127.0.0.1:${await freePort()}` : undefined;
      const env: Record<string, string> = closed ? { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: closed } : {};
      const r = await notify(w, { env });
      expect(r).toMatchObject({ code: 0, text: "" });
      expect(latestRequests(w)).toHaveLength(failure === "500" ? 1 : 0);
      expect(JSON.parse(readFileSync(files(w).check, "utf8"))).toMatchObject({ ok: false });
      // The server works again; within the interval nobody asks it.
      const next = await notify(w);
      expect(next).toMatchObject({ code: 0, text: "" });
      expect(latestRequests(w)).toHaveLength(failure === "500" ? 1 : 0);
    });
  }

  const silent: [string, Record<string, string>][] = [
    ["CI=1", { CI: "1" }],
    ["NO_UPDATE_NOTIFIER=1", { NO_UPDATE_NOTIFIER: "1" }],
    ["AXOLOTLSAY_NO_UPDATE_CHECK=1", { AXOLOTLSAY_NO_UPDATE_CHECK: "1" }],
    ["UPKEEP_DISABLED (the packager's switch)", { UPKEEP_DISABLED: "installed by Nix" }],
  ];
  for (const [name, env] of silent) {
    it(`with ${name}: no request, no line, no file, exit 0`, async () => {
      const w = await world();
      const r = await notify(w, { env });
      expect(r).toMatchObject({ code: 0, text: "" });
      expect(w.gh.log).toHaveLength(0);
      expect(existsSync(path.join(w.cache, "notify"))).toBe(false);
    });
  }

  it("a packager's axolotlsay-update.disabled beside the updater: no request, no line, exit 0", async () => {
    const w = await world();
    writeFileSync(path.join(path.dirname(w.updater), "axolotlsay-update.disabled"), "installed by Nix: update it with your system\n");
    const r = await notify(w);
    expect(r).toMatchObject({ code: 0, text: "" });
    expect(w.gh.log).toHaveLength(0);
    expect(existsSync(path.join(w.cache, "notify"))).toBe(false);
  });

  it("a read-only cache directory: no request, no crash, no line, exit 0", async () => {
    const w = await world();
    const how = readOnlyCache(w.cache);
    const r = await notify(w);
    expect(r, how).toMatchObject({ code: 0, text: "" });
    expect(w.gh.log, how).toHaveLength(0);
  });

  it(`a stalled server: the whole process returns within the deadline (${DEADLINE_MS} ms) + 300 ms, prints nothing, exits 0`, async () => {
    const w = await world();
    const stalled = await stalledServer();
    // Warm the page cache for the 100 MB executable, so the bound measures the notice, not the first read from disk.
    await notify(w, { args: ["-V"], terminal: false });
    // The default budget: no UPKEEP_NOTIFY_DEADLINE_MS (empty is ignored).
    const r = await notify(w, { env: { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: stalled.url, UPKEEP_NOTIFY_DEADLINE_MS: "" } });
    expect(stalled.connections()).toBe(1);
    expect(r).toMatchObject({ code: 0, text: "" });
    expect(r.ms, `the run took ${Math.round(r.ms)} ms`).toBeLessThanOrEqual(DEADLINE_MS + 300);
  });

  it("a usage error is the one failure: exit 2", async () => {
    const w = await world();
    for (const args of [
      ["--notify", "--json"],
      ["--notify", "--check"],
    ]) {
      const r = await notify(w, { args });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.text).toContain("--notify cannot be used with");
    }
    expect(w.gh.log).toHaveLength(0);
  });
});

describe("<app>-update --notify without a terminal", () => {
  it("stderr not a terminal (a pipe): no request, no line, exit 0", async () => {
    const w = await world();
    const r = await notify(w, { terminal: false });
    expect(r).toMatchObject({ code: 0, text: "" });
    expect(w.gh.log).toHaveLength(0);
  });
});

// Makes upkeep's cache directory unwritable and says how: chmod 0555 where that stops writes; as root (where
// it does not) the cache path becomes a regular file, so creating anything under it fails (ENOTDIR).
function readOnlyCache(cache: string): string {
  mkdirSync(cache, { recursive: true });
  chmodSync(cache, 0o555);
  defer(() => chmodSync(cache, 0o755));
  try {
    writeFileSync(path.join(cache, "probe"), "");
  } catch {
    return "cache dir chmod 0555";
  }
  rmSync(cache, { recursive: true, force: true });
  writeFileSync(cache, "not a directory\n");
  return "running as root (chmod does not stop writes): the cache path is a regular file";
}

// A loopback TCP server that accepts connections and never answers.
async function stalledServer(): Promise<{ url: string; connections(): number }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  defer(
    () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(resolve);
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, connections: () => count };
}

// A loopback port nothing listens on (bound, then closed).
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
