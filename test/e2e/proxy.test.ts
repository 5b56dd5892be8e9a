// Through a real forward proxy (tinyproxy): upkeep's requests and the installer's downloads go
// through it, NO_PROXY is respected, and proxy credentials never appear in any output.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { releaseFromDir } from "../helpers/fake-app.js";
import { makeRelease } from "../helpers/installers.js";
import { startTinyproxy, tinyproxyPath } from "../helpers/proxy.js";
import { makeWorld } from "../helpers/world.js";

const skip = tinyproxyPath ? "" : " (skipped: tinyproxy is not installed; npm run setup installs it)";
const AUTH = { user: "fleet", password: "pr0xy-s3cret" };

// No canary secrets here: the proxy variables are what each test sets.
const world = (o: { tls?: boolean } = {}) => makeWorld({ ...o, updater: "none", alias: false, secrets: false, env: { UPKEEP_TIMEOUT: "5" } });
const port = (origin: string) => new URL(origin).port;

describe.skipIf(!tinyproxyPath)(`through a forward proxy${skip}`, () => {
  it("HTTP_PROXY carries every request (with credentials), and the update works", async () => {
    const w = await world();
    const proxy = await startTinyproxy(AUTH);
    const r = await w.run(["--json"], { HTTP_PROXY: proxy.url });
    expect(r.json?.result).toBe("updated");
    const log = proxy.log();
    expect(log).toContain(`127.0.0.1:${port(w.gh.apiOrigin)}`);
    expect(log).toContain(`127.0.0.1:${port(w.gh.downloadOrigin)}`);
    expect(w.gh.log.length).toBeGreaterThan(0);
  });

  it("HTTPS_PROXY tunnels TLS to an HTTPS GitHub (the CA checked end to end)", async () => {
    const w = await world({ tls: true });
    const proxy = await startTinyproxy();
    const r = await w.run(["--check", "--json"], { HTTPS_PROXY: proxy.url });
    expect(r.code).toBe(100);
    expect(proxy.log()).toMatch(new RegExp(`CONNECT 127\\.0\\.0\\.1:${port(w.gh.apiOrigin)}`));
  });

  it("NO_PROXY is respected", async () => {
    const w = await world();
    const proxy = await startTinyproxy();
    const r = await w.run(["--check", "--json"], { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
    expect(r.code).toBe(100);
    expect(proxy.log()).not.toContain(`127.0.0.1:${port(w.gh.apiOrigin)}`);
  });

  it("wrong proxy credentials fail clearly and the password is never printed, even with --verbose", async () => {
    const w = await world();
    const proxy = await startTinyproxy(AUTH);
    const wrong = proxy.url.replace(AUTH.password, "wr0ng-passw0rd");
    for (const argv of [["--verbose"], ["--json"]]) {
      const r = await w.run(argv, { HTTP_PROXY: wrong });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain("wr0ng-passw0rd");
      expect(r.stdout + r.stderr).not.toContain(AUTH.password);
    }
    const r = await w.run(["--json"], { HTTP_PROXY: wrong });
    expect(r.json?.error.code).toBe("NETWORK");
    expect(r.json?.error.message).toMatch(/The proxy refused to connect to 127\.0\.0\.1:\d+ \(it answered 40[17]/);
    expect(r.json?.error.hint).toContain("user and password");
  });

  it("the installer's own downloads (curl) go through the proxy too", async () => {
    const v1 = makeRelease({ version: "1.0.0" });
    const w = await makeWorld({ installed: false, releases: [releaseFromDir(v1, "v1.0.0")], secrets: false });
    const proxy = await startTinyproxy(AUTH);
    const r = await new Promise<number | null>((resolve) => {
      const child = spawn("sh", [path.join(v1, "axolotlsay-installer.sh")], { env: { ...w.env, http_proxy: proxy.url }, stdio: "ignore" });
      child.on("close", resolve);
    });
    expect(r).toBe(0);
    expect(proxy.log()).toContain("/axodotdev/axolotlsay/releases/download/v1.0.0/axolotlsay-x86_64-unknown-linux-gnu.tar.xz");
    expect(w.version()).toContain("1.0.0");
  });
});
