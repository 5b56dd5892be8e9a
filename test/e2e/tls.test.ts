// TLS through the built executable: a fake GitHub over HTTPS with a CA made for the test. Untrusted,
// it fails with TLS naming the host and the fix; given the CA, it works.
import { describe, expect, it } from "vitest";
import { runProcess as run } from "../helpers/run.js";
import { makeWorld } from "../helpers/world.js";

// The CA is made, but not trusted: each test says how (or whether) it is.
const world = () => makeWorld({ tls: true, trustCa: false, updater: "copy", env: { UPKEEP_TIMEOUT: "5" }, secrets: false, alias: false });

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
    const r = await run(w.updater, ["--check", "--json"], { ...w.env, NODE_EXTRA_CA_CERTS: w.ca!.caFile });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(100);
    expect(JSON.parse(r.stdout).new_version).toBe("2.0.0");
  });

  it("UPKEEP_CA_FILE makes it trusted: a full update over HTTPS", async () => {
    const w = await world();
    const r = await run(w.updater, [], { ...w.env, UPKEEP_CA_FILE: w.ca!.caFile });
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe("New release 2.0.0 installed!");
    expect(r.code).toBe(0);
    expect(w.version()).toBe("axolotlsay 2.0.0");
  });

  it("an unreadable CA file is a TLS error that names it", async () => {
    const w = await world();
    const r = await run(w.updater, ["--check", "--json"], { ...w.env, UPKEEP_CA_FILE: "/nonexistent/ca.pem" });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "TLS", message: expect.stringContaining("/nonexistent/ca.pem") });
  });
});
