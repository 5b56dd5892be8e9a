// Signed releases over several runs of the CLI against one world (the rest of the fault table is in
// ./signed-releases.test.ts): key rotation through installer-written receipts, a cargo-dist-style
// installer that drops our key from the receipt, downgrades with a pin, no pin at all, and the
// machine-wide `upkeep update`. The releases change between runs (publish), as a real repository's do.
// Every refused release's installer writes the world's canary.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCliWith, type CliRun } from "../helpers/cli.js";
import { fakeRelease } from "../helpers/fake-app.js";
import { testKeyPair } from "../helpers/minisign.js";
import { INSTALLER, keyLines, pinInReceipt, publish, signedRelease, SUM, SUM_SIG, trustFileOf, warningsOf } from "../helpers/signed.js";
import { makeWorld, type World } from "../helpers/world.js";

const A = testKeyPair();
const B = testKeyPair();

// What a later run must leave alone: the receipt's bytes, what the binary prints, the bin dir's files.
// Returns a look at them again: the findings (none when nothing changed).
function frozen(w: World): () => string[] {
  const take = () => ({
    receipt: readFileSync(w.app.receiptPath, "utf8"),
    version: w.version(),
    bin: JSON.stringify(readdirSync(w.app.bin).sort()),
  });
  const before = take();
  return () => {
    const now = take();
    return (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== now[k]).map((k) => `${k}: was ${before[k]}, now ${now[k]}`);
  };
}

// The receipt's upkeep_public_keys (undefined when it has none).
const receiptKeys = (w: World): unknown => (JSON.parse(readFileSync(w.app.receiptPath, "utf8")) as Record<string, unknown>).upkeep_public_keys;

// The trust file's key lines ([] when it does not exist).
const trusted = (w: World): string[] => (existsSync(trustFileOf(w)) ? keyLines(readFileSync(trustFileOf(w), "utf8")) : []);

// A run that must have installed `version`, with what it says of the signature.
function expectUpdated(w: World, r: CliRun, version: string): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.json?.result).toBe("updated");
  expect(w.updatedFindings(version)).toEqual([]);
  expect(w.canaryFindings()).toEqual([]);
}

// A run refused with `code`, leaving what `still` froze as it was and running nothing.
function expectRefused(w: World, r: CliRun, code: string, still: () => string[]): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
  expect(r.json?.error?.code, r.stdout).toBe(code);
  expect(w.canaryFindings(), "an installer ran").toEqual([]);
  expect(still(), "the installed version changed").toEqual([]);
}

describe("13: key rotation through installer-written receipts", () => {
  it("1.0 pins A → 2.0 signed by A writes [A, B] → 3.0 signed only by B installs", async () => {
    const w = await makeWorld();
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("2.0.0", { sumKey: A, publicKeys: [A.publicKeyLine, B.publicKeyLine] }));
    const second = await w.run(["--json"]);
    expectUpdated(w, second, "2.0.0");
    expect(receiptKeys(w)).toEqual([A.publicKeyLine, B.publicKeyLine]);
    expect(trusted(w), "the pin of 1.0's receipt, kept before 2.0's installer ran").toEqual([A.publicKeyLine]);

    publish(w, signedRelease("3.0.0", { sumKey: B }));
    const third = await w.run(["--json"]);
    expectUpdated(w, third, "3.0.0");
    expect(third.json?.signature).toMatchObject({
      key_source: "receipt",
      keys: [A.keyId, B.keyId],
      verified: [{ signature: SUM_SIG, file: SUM, key: B.keyId }],
    });
    expect(trusted(w)).toEqual([A.publicKeyLine, B.publicKeyLine]);
  });

  it("1.0 pins A → 2.0 signed by A writes only [B] → 3.0 signed only by A is SIGNATURE_INVALID", async () => {
    const w = await makeWorld();
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("2.0.0", { sumKey: A, publicKeys: [B.publicKeyLine] }));
    expectUpdated(w, await w.run(["--json"]), "2.0.0");
    expect(receiptKeys(w)).toEqual([B.publicKeyLine]);

    publish(w, signedRelease("3.0.0", { sumKey: A, installerBody: w.hostileInstaller("3.0.0") }));
    const still = frozen(w);
    const r = await w.run(["--json"]);
    expectRefused(w, r, "SIGNATURE_INVALID", still);
    expect(r.json?.error?.message).toContain(`is signed by key ${A.keyId}, which is not a pinned key`);
    expect(r.json?.signature).toMatchObject({ key_source: "receipt", keys: [B.keyId], verified: [] });
  });
});

describe("14: a cargo-dist-style installer that rewrites the receipt without our key keeps the pin", () => {
  it("2.0 (signed by A) drops the key from the receipt; the trust file still pins A for 3.0", async () => {
    const w = await makeWorld();
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("2.0.0", { sumKey: A }));
    const second = await w.run(["--json"]);
    expectUpdated(w, second, "2.0.0");
    expect(second.json?.signature?.key_source).toBe("receipt");
    expect(receiptKeys(w), "the plain installer writes no keys").toBeUndefined();
    expect(readFileSync(trustFileOf(w), "utf8")).toBe(A.publicKeyFile);

    publish(w, signedRelease("3.0.0", { sumKey: B, installerBody: w.hostileInstaller("3.0.0") }));
    const still = frozen(w);
    const refused = await w.run(["--json"]);
    expectRefused(w, refused, "SIGNATURE_INVALID", still);
    expect(refused.json?.error?.message).toContain(`pinned from the trust file ${trustFileOf(w)}`);
    expect(refused.json?.signature).toMatchObject({ key_source: "trust_file", key_from: trustFileOf(w), keys: [A.keyId], verified: [] });

    publish(w, signedRelease("3.0.0", { sumKey: A }));
    const third = await w.run(["--json"]);
    expectUpdated(w, third, "3.0.0");
    expect(third.json?.signature).toMatchObject({ key_source: "trust_file", verified: [{ signature: SUM_SIG, file: SUM, key: A.keyId }] });
  });
});

describe("15: downgrades with a key pinned", () => {
  it("latest is an older (genuinely signed) release: never installed, not even with --force", async () => {
    const w = await makeWorld({ installed: "2.0.0" });
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("1.0.0", { sumKey: A, installerBody: w.hostileInstaller("1.0.0") }));
    w.snapshot();
    for (const argv of [["--json"], ["--json", "--force"]]) {
      const r = await w.run(argv);
      expect(r.code, `${argv.join(" ")}: ${r.stdout}`).toBe(0);
      expect(r.json?.result, argv.join(" ")).toBe("up_to_date");
      expect(r.json?.signature).toMatchObject({ key_source: "receipt", keys: [A.keyId], verified: [] });
    }
    expect(
      w.gh.log.filter((l) => l.path.includes(INSTALLER) || /\/assets\/\d+$/.test(l.path)),
      "an asset was downloaded",
    ).toEqual([]);
    expect(w.canaryFindings()).toEqual([]);
    expect(w.intactFindings()).toEqual([]);
  });

  it.each([
    ["--version", "1.0.0"],
    ["--tag", "v1.0.0"],
  ])("%s %s installs the older release, with a DOWNGRADE warning", async (option, value) => {
    const w = await makeWorld({ installed: "2.0.0" });
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("1.0.0", { sumKey: A }));
    const r = await w.run(["--json", option, value]);
    expectUpdated(w, r, "1.0.0");
    expect(warningsOf(r).map((x) => x.code)).toContain("DOWNGRADE");
    expect(r.json?.signature?.verified).toEqual([{ signature: SUM_SIG, file: SUM, key: A.keyId }]);
  });

  it("--version 1.0.0 still checks the older release's signature: one by B is SIGNATURE_INVALID", async () => {
    const w = await makeWorld({ installed: "2.0.0" });
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("1.0.0", { sumKey: B, installerBody: w.hostileInstaller("1.0.0") }));
    w.snapshot();
    const r = await w.run(["--json", "--version", "1.0.0"]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.json?.error?.code).toBe("SIGNATURE_INVALID");
    expect(w.canaryFindings()).toEqual([]);
    expect(w.intactFindings()).toEqual([]);
  });
});

describe("17: no key pinned: updates as before, with a warning", () => {
  it("an unsigned release: UNSIGNED in --json, not in the people's output", async () => {
    const json = await makeWorld();
    const r = await json.run(["--json"]);
    expectUpdated(json, r, "2.0.0");
    const unsigned = warningsOf(r).find((x) => x.code === "UNSIGNED");
    expect(unsigned?.message).toContain("v2.0.0 publishes no minisign signature");
    expect(r.json?.signature).toEqual({ key_source: null, key_from: null, keys: [], verified: [] });

    const people = await makeWorld();
    const text = await people.run([]);
    expect(text.code, text.stderr).toBe(0);
    expect(people.updatedFindings()).toEqual([]);
    expect(`${text.stdout}${text.stderr}`).not.toContain("minisign");
    expect(`${text.stdout}${text.stderr}`).not.toContain("UNSIGNED");
  });

  it("a signed release: SIGNATURE_UNCHECKED in --json and for people, naming the trust file", async () => {
    const json = await makeWorld();
    publish(json, signedRelease("2.0.0", { sumKey: A }));
    const r = await json.run(["--json"]);
    expectUpdated(json, r, "2.0.0");
    const unchecked = warningsOf(r).find((x) => x.code === "SIGNATURE_UNCHECKED");
    expect(unchecked?.message).toContain(trustFileOf(json));
    expect(unchecked?.message).toContain("AXOLOTLSAY_UPKEEP_PUBLIC_KEY");
    expect(existsSync(trustFileOf(json)), "no key is pinned on first sight").toBe(false);

    const people = await makeWorld();
    publish(people, signedRelease("2.0.0", { sumKey: A }));
    const text = await people.run([]);
    expect(text.code, text.stderr).toBe(0);
    expect(people.updatedFindings()).toEqual([]);
    const out = `${text.stdout}${text.stderr}`;
    expect(out).toContain("warning: Release v2.0.0 is signed");
    expect(out).toContain(trustFileOf(people));
  });
});

describe("12: the machine-wide upkeep update", () => {
  // `upkeep` under its own name, in the world's HOME.
  const upkeep = (w: World, argv: string[]) => runCliWith({ argv, env: w.env, invokedAs: "/usr/local/bin/upkeep" });

  it("upkeep update axolotlsay refuses a release signed by another key: SIGNATURE_INVALID, exit 1", async () => {
    const w = await makeWorld();
    pinInReceipt(w, [A.publicKeyLine]);
    publish(w, signedRelease("2.0.0", { sumKey: B, installerBody: w.hostileInstaller() }));
    w.snapshot();
    const r = await upkeep(w, ["update", "axolotlsay", "--json"]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.json).toMatchObject({ schema: "upkeep/1", ok: false, error: null });
    const result = r.json?.results?.[0];
    expect(result).toMatchObject({ app: "axolotlsay", result: "failed", error: { code: "SIGNATURE_INVALID" } });
    expect(result?.signature?.keys).toEqual([A.keyId]);
    expect(w.canaryFindings()).toEqual([]);
    expect(w.intactFindings()).toEqual([]);
  });

  it("upkeep update axolotlsay --public-key A installs a release signed by A", async () => {
    const w = await makeWorld();
    publish(w, signedRelease("2.0.0", { sumKey: A }));
    const r = await upkeep(w, ["update", "axolotlsay", "--json", "--public-key", A.publicKeyLine]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json?.results?.[0]).toMatchObject({ result: "updated", signature: { key_source: "option", verified: [{ key: A.keyId }] } });
    expect(w.updatedFindings()).toEqual([]);
  });

  it("upkeep update --all --public-key X is USAGE: the key is one app's", async () => {
    const w = await makeWorld();
    publish(w, fakeRelease("2.0.0", { installerBody: w.hostileInstaller() }));
    w.snapshot();
    const r = await upkeep(w, ["update", "--all", "--public-key", A.publicKeyLine, "--json"]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.json).toMatchObject({ results: [], ok: false, error: { code: "USAGE", message: expect.stringContaining("name exactly one APP") } });
    expect(w.canaryFindings()).toEqual([]);
    expect(w.intactFindings()).toEqual([]);
  });
});
