// scripts/keygen.mjs's logic: a key pair written as minisign -G writes it, refusals with exit codes.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parsePublicKeys } from "../../src/core/minisign.js";
import { main } from "../../src/release/keygen.js";
import { readSecretKey, secretKeyIsEncrypted } from "../../src/release/minisign-keys.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("keygen main", () => {
  let out: string[] = [];
  let err: string[] = [];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it("--no-password writes NAME.key (mode 0600, unencrypted) and NAME.pub of the same key, and prints the key", async () => {
    const dir = path.join(tmpDir(), "keys");
    expect(await main(["--out", dir, "--no-password", "--name", "app"])).toBe(0);
    const secret = readFileSync(path.join(dir, "app.key"), "utf8");
    expect(statSync(path.join(dir, "app.key")).mode & 0o777).toBe(0o600);
    expect(secretKeyIsEncrypted(secret)).toBe(false);
    const key = readSecretKey(secret, undefined, "app.key");
    const pub = parsePublicKeys(readFileSync(path.join(dir, "app.pub"), "utf8"));
    expect(pub.ok && pub.value.map((k) => k.id)).toEqual([key.id]);
    expect(out.join("")).toContain(`key id: ${key.id}`);
  });

  it("encrypts with the password it is given (minisign's scrypt limits), readable with it only", async () => {
    const dir = tmpDir();
    expect(await main(["--out", dir], { password: "a long passphrase" })).toBe(0);
    const secret = readFileSync(path.join(dir, "minisign.key"), "utf8");
    expect(secretKeyIsEncrypted(secret)).toBe(true);
    expect(readSecretKey(secret, "a long passphrase", "k").id).toMatch(/^[1-9A-F][0-9A-F]{0,15}$/);
    expect(() => readSecretKey(secret, "wrong", "k")).toThrow("wrong password");
    // Three scrypt runs of about 1 GiB each, slow on a loaded 2-core runner.
  }, 180_000);

  it.each([
    [[], {}, "--out DIR is required"],
    [["--out", "x"], {}, "no password: set UPKEEP_SIGN_PASSWORD"],
    [["--out", "x"], { password: "" }, "(it is empty)"],
    [["--out", "x", "--no-password"], { password: "p" }, "UPKEEP_SIGN_PASSWORD is set and --no-password given"],
    [["--out", "x", "--no-password", "--name", "../up"], {}, "--name must be a file name"],
    [["--bogus"], {}, "Unknown option"],
  ])("exits 2 on a usage error: %j %j", async (argv, host, message) => {
    expect(await main(argv, host)).toBe(2);
    expect(err.join("")).toContain(message);
    expect(existsSync("x")).toBe(false);
  });

  it("refuses to overwrite a key pair unless --force, and replaces it with --force", async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, "minisign.key"), "old");
    expect(await main(["--out", dir, "--no-password"])).toBe(1);
    expect(err.join("")).toContain("already exists: pass --force");
    expect(readFileSync(path.join(dir, "minisign.key"), "utf8")).toBe("old");
    expect(await main(["--out", dir, "--no-password", "--force"])).toBe(0);
    expect(readFileSync(path.join(dir, "minisign.key"), "utf8")).toContain("minisign secret key");
  });

  it("prints its usage for --help, exit 0", async () => {
    expect(await main(["--help"])).toBe(0);
    expect(out.join("")).toContain("Usage: UPKEEP_SIGN_PASSWORD=");
  });
});
