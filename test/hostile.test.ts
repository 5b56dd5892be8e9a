// The hostile-input table: what an adversary or an unlucky user can throw at upkeep, a row per case,
// grouped by family. Each row asserts the exit status, the error code and message, that nothing
// unverified ran (every hostile script writes a canary file outside the prefix), that no secret leaked
// (four distinct canary values, searched in stdout, stderr, every file under HOME — TMPDIR, the cache
// and the prefix are inside it — and every non-API server's request log), and, for a failure, that
// the previous install still runs with its receipt, alias and updater byte-identical.
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
          w.expectNoCanary();
          w.expectNoLeak(r);
          if (row.intact ?? row.code !== null) w.expectIntact();
          await row.check?.(w, r);
        });
      }
    });
  }
});
