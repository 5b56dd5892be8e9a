// TLS through the built executable: a fake GitHub over HTTPS with a CA made for the test. Untrusted,
// it fails with TLS naming the host and the fix; given the CA, it works.
import { spawnSync } from "node:child_process";
import { runProcess } from "../helpers/run.js";
import { copyFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fakeRelease, installedApp } from "../helpers/fake-app.js";
import { startFakeGithub } from "../helpers/fake-github.js";
import { makeTestCa } from "../helpers/tls.js";

const exe = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/upkeep");

const run = (file: string, args: string[], env: Record<string, string>, cwd?: string) => runProcess(file, args, env, cwd);

async function world() {
  const ca = makeTestCa();
  const gh = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")], tls: { key: ca.key, cert: ca.cert } });
  const app = installedApp();
  const updater = path.join(app.bin, "axolotlsay-update");
  copyFileSync(exe, updater);
  const env = { ...app.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase, UPKEEP_TIMEOUT: "5" };
  return { ca, gh, app, updater, env };
}

describe("TLS (the executable)", () => {
  it("an untrusted certificate fails with TLS, naming the host and the fix", async () => {
    const w = await world();
    const r = await run(w.updater, ["--check", "--json"], w.env);
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe("TLS");
    expect(error.message).toContain(`The TLS certificate of ${new URL(w.gh.apiOrigin).host} is not trusted`);
    expect(error.hint).toContain("UPKEEP_CA_FILE");
    expect(error.hint).toContain("NODE_EXTRA_CA_CERTS");
    expect(w.gh.apiRequests()).toEqual([]); // no request got through the handshake
  });

  it("NODE_EXTRA_CA_CERTS makes it trusted", async () => {
    const w = await world();
    const r = await run(w.updater, ["--check", "--json"], { ...w.env, NODE_EXTRA_CA_CERTS: w.ca.caFile });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(100);
    expect(JSON.parse(r.stdout).new_version).toBe("2.0.0");
  });

  it("UPKEEP_CA_FILE makes it trusted: a full update over HTTPS", async () => {
    const w = await world();
    const r = await run(w.updater, [], { ...w.env, UPKEEP_CA_FILE: w.ca.caFile });
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    expect(r.code).toBe(0);
    expect(spawnSync(path.join(w.app.bin, "axolotlsay"), { encoding: "utf8" }).stdout).toBe("axolotlsay 2.0.0\n");
  });

  it("an unreadable CA file is a TLS error that names it", async () => {
    const w = await world();
    const r = await run(w.updater, ["--check", "--json"], { ...w.env, UPKEEP_CA_FILE: "/nonexistent/ca.pem" });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "TLS", message: expect.stringContaining("/nonexistent/ca.pem") });
  });
});
