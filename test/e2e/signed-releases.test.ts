// The fault table of signed releases (issue 13): a key pinned for axolotlsay, and a release that an
// attacker changed (or that is fine). Every failing row serves only installers that write the world's
// canary, and asserts the exit code, the error code and message, that no installer ran, that the
// previous install still runs byte-identical, and that `--json` names the pinned key. The good rows
// assert the update and which key verified what. Signatures come from test/helpers/minisign.ts, an
// independent signer (nothing of src/). Multi-run stories (rotation, cargo-dist's receipt, downgrades,
// no pin, the machine-wide command) are in test/e2e/signed-releases-stories.test.ts.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CliRun } from "../helpers/cli.js";
import { fakeRelease, installerScript } from "../helpers/fake-app.js";
import type { FakeRelease } from "../helpers/fake-github.js";
import { testKeyPair } from "../helpers/minisign.js";
import {
  body,
  dropAsset,
  INSTALLER,
  INSTALLER_SIG,
  keyLines,
  mirrorAssets,
  pinInReceipt,
  publish,
  setBody,
  signedRelease,
  SUM,
  SUM_SIG,
  sumOf,
  trustedComment,
  trustFileOf,
  warningsOf,
  writeTrustFile,
} from "../helpers/signed.js";
import { makeWorld, writeMirror, type World } from "../helpers/world.js";

const A = testKeyPair();
const B = testKeyPair();
const ENV_KEY = "AXOLOTLSAY_UPKEEP_PUBLIC_KEY";

// The release 2.0.0 whose installer is the hostile one: everything signed over it is a signature
// over a script that must never run.
const hostile = (w: World) => ({ installerBody: w.hostileInstaller() });

// A release's assets but its checksum file and signatures, for a sum listing what is published.
const payload = (r: FakeRelease) => r.assets.filter((a) => a.name !== SUM && !a.name.endsWith(".minisig"));

/** One failing row: what the world publishes and pins, and how the run must fail. */
interface FaultRow {
  name: string;
  /** The releases published (newest first), made once the world (and its canary) exists. */
  releases?: (w: World) => FakeRelease[];
  /** The receipt's `upkeep_public_keys` (default [A]); null leaves the field out. */
  receiptKeys?: string[] | null;
  /** The trust file's text, written before the run. */
  trustFile?: string;
  argv?: string[];
  env?: Record<string, string>;
  /** Replaces `w.run(["--json", ...argv], env)`. */
  run?: (w: World) => Promise<CliRun>;
  exit?: number;
  code: string;
  /** What the error message must contain. */
  message?: (string | RegExp)[];
  /** Key ids `--json`'s signature.keys must hold (default [A]); null: the run fails before keys are known. */
  keys?: string[] | null;
}

const rows: FaultRow[] = [
  {
    name: "2: no signature with a key pinned",
    releases: (w) => [signedRelease("2.0.0", hostile(w))],
    code: "SIGNATURE_MISSING",
    message: [/v2\.0\.0 of axolotlsay is not signed/, A.keyId, "Nothing was run"],
  },
  {
    name: "2b: a signed sha256.sum that does not list the installer, and no installer signature",
    releases: (w) => {
      const r = signedRelease("2.0.0", { ...hostile(w), noSum: true });
      const sum = sumOf(payload(r).filter((a) => a.name.endsWith(".tar.xz")));
      return [setBody(setBody(r, SUM, sum), SUM_SIG, A.sign(Buffer.from(sum), trustedComment("2.0.0", SUM)))];
    },
    code: "SIGNATURE_MISSING",
    message: [`over its installer ${INSTALLER}`, A.keyId],
  },
  {
    name: "3: an attacker's installer and sha256.sum, signed with another key (B)",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: B })],
    code: "SIGNATURE_INVALID",
    message: [`is signed by key ${B.keyId}, which is not a pinned key`, `against key ${A.keyId}`],
  },
  {
    name: "3c: signed by B but claiming A's key id (forged key number)",
    releases: (w) => {
      const r = signedRelease("2.0.0", hostile(w));
      return [setBody(r, SUM_SIG, B.sign(Buffer.from(body(r, SUM)), trustedComment("2.0.0", SUM), { keyNum: A.keyNum }))];
    },
    code: "SIGNATURE_INVALID",
    message: [`${SUM_SIG}: does not match ${SUM} (key ${A.keyId})`],
  },
  {
    name: "3d: sha256.sum.minisig published without the sha256.sum it signs (the installer signed by A too)",
    releases: (w) => [dropAsset(signedRelease("2.0.0", { ...hostile(w), sumKey: A, installerKey: A }), SUM)],
    code: "SIGNATURE_INVALID",
    message: [`${SUM_SIG}: signs ${SUM}, which the release does not publish`],
  },
  {
    name: "3b: a genuine installer signature beside a sha256.sum signature by another key: every signature is checked",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), installerKey: A, sumKey: B })],
    code: "SIGNATURE_INVALID",
    message: [`${SUM_SIG}: is signed by key ${B.keyId}`],
  },
  {
    name: "4: sha256.sum edited to list the hostile installer, under its genuine signature",
    releases: (w) => {
      const r = setBody(signedRelease("2.0.0", { sumKey: A }), INSTALLER, w.hostileInstaller());
      return [setBody(r, SUM, sumOf(payload(r)))];
    },
    code: "SIGNATURE_INVALID",
    message: [`${SUM_SIG}: does not match ${SUM} (key ${A.keyId}): the file was changed after it was signed`],
  },
  {
    name: "5: trusted comment edited (an old signature's version:1.0.0 changed to 2.0.0)",
    releases: (w) => {
      const r = signedRelease("2.0.0", { ...hostile(w), sumKey: A, signedVersion: "1.0.0" });
      return [setBody(r, SUM_SIG, body(r, SUM_SIG).replace("version:1.0.0", "version:2.0.0"))];
    },
    code: "SIGNATURE_INVALID",
    message: [`its trusted comment was changed after signing (key ${A.keyId})`],
  },
  {
    name: "6: 1.0.0's genuine sha256.sum and signature replayed as v2.0.0",
    releases: (w) => {
      const old = signedRelease("1.0.0", { installerBody: w.hostileInstaller("1.0.0"), sumKey: A });
      return [{ ...old, tag: "v2.0.0" }];
    },
    code: "SIGNATURE_INVALID",
    message: ["was made for version 1.0.0, not 2.0.0 being installed"],
  },
  {
    name: "7: installer swapped under a genuine signed sha256.sum (GitHub's digest matches the swap)",
    releases: (w) => [setBody(signedRelease("2.0.0", { sumKey: A }), INSTALLER, w.hostileInstaller())],
    code: "SIGNATURE_INVALID",
    message: [`${SUM} (signed by key ${A.keyId}) lists ${INSTALLER} with SHA-256`, "the installer was replaced after signing"],
  },
  {
    name: "7b: installer swapped under its own genuine signature (no sha256.sum)",
    releases: (w) => [setBody(signedRelease("2.0.0", { noSum: true, installerKey: A }), INSTALLER, w.hostileInstaller())],
    code: "SIGNATURE_INVALID",
    message: [`${INSTALLER_SIG}: does not match ${INSTALLER}`],
  },
  {
    name: "8: legacy Ed signature, not allowed",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: A, legacy: true })],
    code: "SIGNATURE_INVALID",
    message: ["legacy minisign signature", "--allow-legacy-signature", "AXOLOTLSAY_UPKEEP_ALLOW_LEGACY_SIGNATURE=1"],
  },
  {
    name: "8d: legacy Ed signature, AXOLOTLSAY_UPKEEP_ALLOW_LEGACY_SIGNATURE=0 does not allow it",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: A, legacy: true })],
    env: { AXOLOTLSAY_UPKEEP_ALLOW_LEGACY_SIGNATURE: "0" },
    code: "SIGNATURE_INVALID",
    message: ["legacy minisign signature"],
  },
  {
    name: "9: signature file is garbage text",
    releases: (w) => [setBody(signedRelease("2.0.0", hostile(w)), SUM_SIG, "this is not a signature\n")],
    code: "SIGNATURE_INVALID",
    message: [`${SUM_SIG}: is not a minisign signature`],
  },
  {
    name: "9: signature file cut short (its trusted comment and comment signature lost)",
    releases: (w) => {
      const r = signedRelease("2.0.0", { ...hostile(w), sumKey: A });
      return [setBody(r, SUM_SIG, body(r, SUM_SIG).split("\n").slice(0, 2).join("\n"))];
    },
    code: "SIGNATURE_INVALID",
    message: ["is not a minisign signature: it has 2 lines"],
  },
  {
    name: "9: genuine signature whose trusted comment names another file (file:axolotlsay-installer.sh over sha256.sum)",
    releases: (w) => {
      const r = signedRelease("2.0.0", hostile(w));
      return [setBody(r, SUM_SIG, A.sign(Buffer.from(body(r, SUM)), trustedComment("2.0.0", INSTALLER)))];
    },
    code: "SIGNATURE_INVALID",
    message: [`not file:${SUM}`],
  },
  {
    name: "9: genuine signature whose trusted comment has two version: fields",
    releases: (w) => {
      const r = signedRelease("2.0.0", hostile(w));
      return [setBody(r, SUM_SIG, A.sign(Buffer.from(body(r, SUM)), `version:2.0.0 version:1.0.0 file:${SUM}`))];
    },
    code: "SIGNATURE_INVALID",
    message: ["exactly one version: field, and holds 2"],
  },
  {
    name: "9: genuine signature whose trusted comment has no version: at all",
    releases: (w) => {
      const r = signedRelease("2.0.0", hostile(w));
      return [setBody(r, SUM_SIG, A.sign(Buffer.from(body(r, SUM)), `file:${SUM}`))];
    },
    code: "SIGNATURE_INVALID",
    message: ["exactly one version: field, and holds 0"],
  },
  {
    name: "9: trust file is garbage (no receipt key): refused, not ignored",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: A })],
    receiptKeys: null,
    trustFile: "this is no key\n",
    code: "SIGNATURE_INVALID",
    message: ["is not a list of minisign public keys"],
    keys: null,
  },
  {
    name: '9: receipt key malformed (upkeep_public_keys: ["nope"])',
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: A })],
    receiptKeys: ["nope"],
    code: "RECEIPT_INVALID",
    message: ["upkeep_public_keys[0]"],
    keys: null,
  },
  {
    name: `9: ${ENV_KEY} malformed`,
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: A })],
    env: { [ENV_KEY]: "RWnotakey" },
    exit: 2,
    code: "USAGE",
    message: [`${ENV_KEY} "RWnotakey" is not a minisign public key`],
    keys: null,
  },
  {
    name: "9: --public-key malformed",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: A })],
    argv: ["--public-key", "garbage"],
    exit: 2,
    code: "USAGE",
    message: ['--public-key "garbage" is not a minisign public key'],
    keys: null,
  },
  {
    name: "10: --public-key A beats a receipt pinning B: B's signature is refused",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: B })],
    receiptKeys: [B.publicKeyLine],
    argv: ["--public-key", A.publicKeyLine],
    code: "SIGNATURE_INVALID",
    message: [`pinned from --public-key`, `is signed by key ${B.keyId}`],
  },
  {
    name: "10: a trust file pinning A refuses a release signed by B",
    releases: (w) => [signedRelease("2.0.0", { ...hostile(w), sumKey: B })],
    receiptKeys: null,
    trustFile: A.publicKeyFile,
    code: "SIGNATURE_INVALID",
    message: ["pinned from the trust file", `is signed by key ${B.keyId}`],
  },
  {
    name: "11: through a mirror: the attacker's installer signed by B",
    run: (w) => {
      writeMirror(w.mirrorDir, [{ tag: "v2.0.0", version: "2.0.0", assets: mirrorAssets(signedRelease("2.0.0", { ...hostile(w), sumKey: B })) }]);
      return w.run(["--json", "--source", w.mirror.url]);
    },
    code: "SIGNATURE_INVALID",
    message: [`is signed by key ${B.keyId}`],
  },
  {
    name: "11: through a mirror that dropped the signatures",
    run: (w) => {
      const r = dropAsset(signedRelease("2.0.0", { ...hostile(w), sumKey: A }), SUM_SIG);
      writeMirror(w.mirrorDir, [{ tag: "v2.0.0", version: "2.0.0", assets: mirrorAssets(r) }]);
      return w.run(["--json", "--source", w.mirrorDir]);
    },
    code: "SIGNATURE_MISSING",
  },
];

describe("signed releases: the fault table (a key pinned; nothing runs)", () => {
  it.each(rows)("$name → $code", async (row) => {
    const w = await makeWorld();
    publish(w, ...(row.releases?.(w) ?? []));
    pinInReceipt(w, row.receiptKeys === undefined ? [A.publicKeyLine] : row.receiptKeys);
    if (row.trustFile !== undefined) writeTrustFile(w, row.trustFile);
    w.snapshot();
    const r = await (row.run ? row.run(w) : w.run(["--json", ...(row.argv ?? [])], row.env));
    const error = r.json?.error as { code?: string; message?: string } | null | undefined;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(row.exit ?? 1);
    expect(error?.code, r.stdout).toBe(row.code);
    for (const m of row.message ?? []) {
      if (typeof m === "string") expect(error?.message).toContain(m);
      else expect(error?.message).toMatch(m);
    }
    expect(w.canaryFindings(), "an installer ran").toEqual([]);
    expect(w.intactFindings(), "the previous install is not intact").toEqual([]);
    const keys = row.keys === undefined ? [A.keyId] : row.keys;
    if (keys) {
      expect(r.json?.signature?.keys, "signature.keys").toEqual(expect.arrayContaining(keys));
      expect(r.json?.signature?.verified).toEqual([]);
    }
    expect(r.json?.result).toBe("failed");
  });
});

/** One good row: where the key is pinned, what the release carries, and what must be reported. */
interface GoodRow {
  name: string;
  releases: (w: World) => FakeRelease[];
  /** The receipt's `upkeep_public_keys` (default [A]); null leaves the field out. */
  receiptKeys?: string[] | null;
  trustFile?: string;
  argv?: string[];
  env?: Record<string, string>;
  run?: (w: World) => Promise<CliRun>;
  source: "receipt" | "option" | "env" | "trust_file";
  /** `key_from` (a function of the world for file paths). */
  from: (w: World) => string;
  keys: string[];
  verified: { signature: string; file: string; key: string }[];
  /** The key lines the trust file holds afterwards; null: it does not exist. */
  trustAfter: string[] | null;
}

const viaSum = { signature: SUM_SIG, file: SUM, key: A.keyId };
const viaInstaller = { signature: INSTALLER_SIG, file: INSTALLER, key: A.keyId };
const fromReceipt = (w: World) => w.app.receiptPath;
// Key A, pinned by the receipt the installed 1.0.0 wrote: most good rows start there.
const pinnedByReceipt: Pick<GoodRow, "source" | "from" | "keys"> = { source: "receipt", from: fromReceipt, keys: [A.keyId] };

const goodRows: GoodRow[] = [
  {
    name: "1: good signature over sha256.sum listing the installer; the receipt's key is kept in the trust file",
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    ...pinnedByReceipt,
    verified: [viaSum],
    trustAfter: [A.publicKeyLine],
  },
  {
    name: "1b: good signature directly over the installer, no sha256.sum at all",
    releases: () => [signedRelease("2.0.0", { noSum: true, installerKey: A })],
    ...pinnedByReceipt,
    verified: [viaInstaller],
    trustAfter: [A.publicKeyLine],
  },
  {
    name: "1c: both signatures, both good: both reported",
    releases: () => [signedRelease("2.0.0", { sumKey: A, installerKey: A })],
    ...pinnedByReceipt,
    verified: [viaSum, viaInstaller],
    trustAfter: [A.publicKeyLine],
  },
  {
    name: "8b: legacy Ed signature with --allow-legacy-signature",
    releases: () => [signedRelease("2.0.0", { sumKey: A, legacy: true })],
    argv: ["--allow-legacy-signature"],
    ...pinnedByReceipt,
    verified: [viaSum],
    trustAfter: [A.publicKeyLine],
  },
  {
    name: "8c: legacy Ed signature with AXOLOTLSAY_UPKEEP_ALLOW_LEGACY_SIGNATURE=1",
    releases: () => [signedRelease("2.0.0", { sumKey: A, legacy: true })],
    env: { AXOLOTLSAY_UPKEEP_ALLOW_LEGACY_SIGNATURE: "1" },
    ...pinnedByReceipt,
    verified: [viaSum],
    trustAfter: [A.publicKeyLine],
  },
  {
    name: "10: --public-key A, the receipt pinning nothing (not recorded in the trust file)",
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    receiptKeys: null,
    argv: ["--public-key", A.publicKeyLine],
    source: "option",
    from: () => "--public-key",
    keys: [A.keyId],
    verified: [viaSum],
    trustAfter: null,
  },
  {
    name: "10: --public-key given twice (B, then A): either may sign",
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    receiptKeys: null,
    argv: ["--public-key", B.publicKeyLine, "--public-key", A.publicKeyLine],
    source: "option",
    from: () => "--public-key",
    keys: [B.keyId, A.keyId],
    verified: [viaSum],
    trustAfter: null,
  },
  {
    name: `10: ${ENV_KEY} (two keys, comma-separated)`,
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    receiptKeys: null,
    env: { [ENV_KEY]: `${B.publicKeyLine}, ${A.publicKeyLine}` },
    source: "env",
    from: () => ENV_KEY,
    keys: [B.keyId, A.keyId],
    verified: [viaSum],
    trustAfter: null,
  },
  {
    name: "10: the trust file only (two .pub files one after the other)",
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    receiptKeys: null,
    trustFile: B.publicKeyFile + A.publicKeyFile,
    source: "trust_file",
    from: trustFileOf,
    keys: [B.keyId, A.keyId],
    verified: [viaSum],
    trustAfter: [B.publicKeyLine, A.publicKeyLine],
  },
  {
    name: "10: precedence: --public-key A passes a release signed by A although the receipt pins B",
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    receiptKeys: [B.publicKeyLine],
    argv: ["--public-key", A.publicKeyLine],
    source: "option",
    from: () => "--public-key",
    keys: [A.keyId],
    verified: [viaSum],
    trustAfter: null,
  },
  {
    name: `10: precedence: ${ENV_KEY}=A beats the receipt's B and the trust file's B`,
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    receiptKeys: [B.publicKeyLine],
    trustFile: B.publicKeyFile,
    env: { [ENV_KEY]: A.publicKeyLine },
    source: "env",
    from: () => ENV_KEY,
    keys: [A.keyId],
    verified: [viaSum],
    trustAfter: [B.publicKeyLine],
  },
  {
    name: "10: precedence: the receipt's A beats the trust file's B (and replaces it)",
    releases: () => [signedRelease("2.0.0", { sumKey: A })],
    trustFile: B.publicKeyFile,
    ...pinnedByReceipt,
    verified: [viaSum],
    trustAfter: [A.publicKeyLine],
  },
  {
    name: "11: through a mirror (HTTP) carrying sha256.sum and its signature",
    releases: () => [],
    run: (w) => {
      writeMirror(w.mirrorDir, [{ tag: "v2.0.0", version: "2.0.0", assets: mirrorAssets(signedRelease("2.0.0", { sumKey: A })) }]);
      return w.run(["--json", "--source", w.mirror.url]);
    },
    ...pinnedByReceipt,
    verified: [viaSum],
    trustAfter: [A.publicKeyLine],
  },
];

describe("signed releases: good signatures install", () => {
  it.each(goodRows)("$name", async (row) => {
    const w = await makeWorld();
    publish(w, ...row.releases(w));
    pinInReceipt(w, row.receiptKeys === undefined ? [A.publicKeyLine] : row.receiptKeys);
    if (row.trustFile !== undefined) writeTrustFile(w, row.trustFile);
    const r = await (row.run ? row.run(w) : w.run(["--json", ...(row.argv ?? [])], row.env));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.json?.error).toBeNull();
    expect(r.json?.result).toBe("updated");
    expect(w.updatedFindings()).toEqual([]);
    expect(w.canaryFindings()).toEqual([]);
    expect(r.json?.signature).toEqual({ key_source: row.source, key_from: row.from(w), keys: row.keys, verified: row.verified });
    const codes = warningsOf(r).map((x) => x.code);
    expect(codes).not.toContain("UNSIGNED");
    expect(codes).not.toContain("SIGNATURE_UNCHECKED");
    const trust = trustFileOf(w);
    if (row.trustAfter === null) expect(existsSync(trust), `${trust} was written`).toBe(false);
    else expect(keyLines(readFileSync(trust, "utf8"))).toEqual(row.trustAfter);
  });

  it("1: people are told which signature and key were checked", async () => {
    const w = await makeWorld();
    publish(w, signedRelease("2.0.0", { sumKey: A }));
    pinInReceipt(w, [A.publicKeyLine]);
    const r = await w.run([]);
    expect(r.code, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(`Signature checked: ${SUM_SIG} signed by key ${A.keyId} for 2.0.0.`);
    expect(w.updatedFindings()).toEqual([]);
  });

  it("16: AXOUPDATER_INSTALLER_PATH with a key pinned and an unsigned release: the local installer runs, LOCAL_INSTALLER_UNSIGNED", async () => {
    const w = await makeWorld();
    // The release's own installer must not run: the local one replaces it.
    publish(w, fakeRelease("2.0.0", hostile(w)));
    pinInReceipt(w, [A.publicKeyLine]);
    const local = path.join(w.root, "local-installer.sh");
    writeFileSync(local, installerScript({ version: "2.0.0" }), { mode: 0o755 });
    const r = await w.run(["--json"], { AXOUPDATER_INSTALLER_PATH: local });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json?.result).toBe("updated");
    expect(w.updatedFindings()).toEqual([]);
    expect(w.canaryFindings()).toEqual([]);
    const warnings = warningsOf(r);
    expect(warnings.find((x) => x.code === "LOCAL_INSTALLER_UNSIGNED")?.message).toContain(local);
    expect(r.json?.signature).toMatchObject({ key_source: "receipt", keys: [A.keyId], verified: [] });
    expect(w.gh.log.filter((l) => l.path.endsWith(INSTALLER))).toEqual([]);
  });

  it("18: --check --json with a pin reports the keys and verifies nothing", async () => {
    const w = await makeWorld();
    publish(w, signedRelease("2.0.0", { sumKey: A }));
    pinInReceipt(w, [A.publicKeyLine]);
    w.snapshot();
    const r = await w.run(["--check", "--json"]);
    expect(r.code, r.stdout).toBe(100);
    expect(r.json?.result).toBe("update_available");
    expect(r.json?.signature).toEqual({ key_source: "receipt", key_from: w.app.receiptPath, keys: [A.keyId], verified: [] });
    expect(w.intactFindings()).toEqual([]);
    expect(existsSync(trustFileOf(w)), "a check records nothing").toBe(false);
  });
});
