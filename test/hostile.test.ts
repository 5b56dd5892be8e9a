// The hostile-input table: what an adversary or an unlucky user can throw at upkeep, a row per case,
// grouped by family. Each row asserts the exit status, the error code and message, that nothing
// unverified ran (every hostile script writes a canary file outside the prefix), that no secret leaked
// (four distinct canary values, searched in stdout, stderr, every file under HOME — TMPDIR, the cache
// and the prefix are inside it — and every non-API server's request log), and, for a failure, that
// the previous install still runs with its receipt, alias and updater byte-identical.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeWorld } from "./helpers/world.js";
import type { Family, HostileRow } from "./hostile/row.js";
import { apiRows } from "./hostile/api.js";
import { environmentRows } from "./hostile/environment.js";
import { fsRows } from "./hostile/fs.js";
import { mirrorRows } from "./hostile/mirrors.js";
import { receiptRows } from "./hostile/receipts.js";
import { secretRows } from "./hostile/secrets.js";

const families: [Family, HostileRow[]][] = [
  ["receipts", receiptRows],
  ["API bodies", apiRows],
  ["mirrors", mirrorRows],
  ["secrets", secretRows],
  ["file system and concurrency", fsRows],
  ["environment", environmentRows],
];

describe("hostile-input table", () => {
  it("has at least 8 rows in every family", () => {
    for (const [family, rows] of families) expect(rows.length, family).toBeGreaterThanOrEqual(8);
  });

  for (const [family, rows] of families) {
    describe(family, () => {
      for (const row of rows) {
        it(row.name, async () => {
          const w = await makeWorld(row.world);
          await row.setup?.(w);
          w.snapshot();
          const r = await (row.run ? row.run(w) : w.run(["--json"]));
          const error = r.json?.error as { code?: string; message?: string } | null | undefined;
          expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(row.exit);
          if (row.code === null) {
            expect(error ?? null, r.stdout).toBeNull();
            if (row.result) expect(r.json?.result).toBe(row.result);
          } else if (r.json) {
            expect(error?.code, r.stdout).toBe(row.code);
          } else {
            expect(r.stderr).toContain(`error[${row.code}]`);
          }
          if (row.message !== undefined) {
            const text = r.json ? `${error?.message ?? ""}` : r.stderr;
            if (typeof row.message === "string") expect(text).toContain(row.message);
            else expect(text).toMatch(row.message);
          }
          expect(w.canaryFindings(), "a hostile script ran").toEqual([]);
          expect(w.leakFindings(r), "a secret leaked").toEqual([]);
          if (row.intact ?? row.code !== null) expect(w.intactFindings(), "the previous install is not intact").toEqual([]);
          await row.check?.(w, r);
        });
      }
    });
  }
});

// The world's checks return findings; fed a planted fault, each must find it (or the rows above prove nothing).
describe("the world's checks catch planted faults", () => {
  it("intactFindings: a changed receipt, updater, alias, binary, a stray file and a lock left behind", async () => {
    const w = await makeWorld({ secrets: false });
    expect(w.intactFindings()).toEqual([]);
    writeFileSync(w.app.receiptPath, `${readFileSync(w.app.receiptPath, "utf8")} `);
    writeFileSync(w.updater, "#!/bin/sh\n");
    rmSync(path.join(w.app.bin, "axo"));
    symlinkSync(w.updater, path.join(w.app.bin, "axo"));
    writeFileSync(path.join(w.app.bin, "axolotlsay"), '#!/bin/sh\necho "axolotlsay 2.0.0"\n');
    writeFileSync(path.join(w.app.bin, ".axolotlsay.upkeep-backup"), "");
    mkdirSync(path.join(w.cache, "locks"), { recursive: true });
    writeFileSync(path.join(w.cache, "locks", "axolotlsay.lock"), "");
    const found = w.intactFindings().join("\n");
    for (const what of [
      "the previous version does not run",
      "receipt not byte-identical",
      "updater not byte-identical",
      "alias changed",
      "the alias no longer runs",
      "stray file",
      "lock left behind",
    ]) {
      expect(found).toContain(what);
    }
    w.snapshot();
    expect(w.intactFindings()).toEqual([
      'the previous version does not run: axolotlsay --version printed "axolotlsay 2.0.0\\n"',
      `lock left behind: ${path.join(w.cache, "locks", "axolotlsay.lock")}`,
    ]);
  });

  it("updatedFindings: the old version, an old alias and receipt, a backup left behind", async () => {
    const w = await makeWorld({ secrets: false });
    writeFileSync(path.join(w.app.bin, ".axolotlsay.upkeep-backup"), "");
    expect(w.updatedFindings()).toEqual([
      'axolotlsay --version printed "axolotlsay 1.0.0\\n", not axolotlsay 2.0.0',
      'the alias printed "axolotlsay 1.0.0\\n", not axolotlsay 2.0.0',
      'the receipt says version "1.0.0", not 2.0.0',
      "backup or staging left in the bin dir: .axolotlsay.upkeep-backup",
    ]);
    expect(w.updatedFindings("1.0.0")).toEqual(["backup or staging left in the bin dir: .axolotlsay.upkeep-backup"]);
  });

  it("canaryFindings and leakFindings: a canary written, a secret in stderr, in a file under HOME, in a mirror request", async () => {
    const w = await makeWorld();
    expect(w.canaryFindings()).toEqual([]);
    expect(w.leakFindings({ stdout: "", stderr: "" })).toEqual([]);
    spawnSync("sh", ["-c", w.canaryLine]);
    expect(w.canaryFindings()).toHaveLength(1);
    writeFileSync(path.join(w.app.home, "tmp", "log"), w.secrets.proxyPassword);
    await fetch(`${w.mirror.url}x`, { headers: { authorization: `Bearer ${w.secrets.GITHUB_TOKEN}` } });
    expect(w.leakFindings({ stdout: "", stderr: `token ${w.secrets.AXOLOTLSAY_GITHUB_TOKEN}` })).toEqual([
      `secret ${w.secrets.AXOLOTLSAY_GITHUB_TOKEN.slice(0, 12)}… leaked into stderr`,
      `secret ${w.secrets.proxyPassword.slice(0, 12)}… leaked into ${path.join(w.app.home, "tmp", "log")}`,
      `secret ${w.secrets.GITHUB_TOKEN.slice(0, 12)}… leaked into mirror request /x`,
    ]);
  });
});
