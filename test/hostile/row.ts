// One row of the hostile-input table (test/hostile.test.ts): a world, what the row plants or serves,
// how it runs, and what must come out. Every row is also checked for: no hostile script executed (the
// canary), no secret leaked, and — for a failure — the previous install intact and byte-identical.
import type { CliRun } from "../helpers/cli.js";
import type { World, WorldOptions } from "../helpers/world.js";

/** The families the table is grouped by. */
export type Family = "receipts" | "API bodies" | "mirrors" | "secrets" | "file system and concurrency" | "environment";

/** One hostile or unlucky case. */
export interface HostileRow {
  /** What it covers: the finding number of issue 10 or the distinct path. */
  name: string;
  world?: WorldOptions;
  /** Plants files, serves bodies; runs before the "before" snapshot. */
  setup?(w: World): void | Promise<void>;
  /** How upkeep is run (default: the CLI in-process with `--json`). */
  run?(w: World): Promise<CliRun>;
  exit: number;
  /** The error code; null when the row must succeed. */
  code: string | null;
  /** Part of the error message (or of stderr when there is no JSON). */
  message?: string | RegExp;
  /** `result` of the JSON on success (updated, up_to_date, …). */
  result?: string;
  /** Assert the previous install is intact (default: when the row fails). */
  intact?: boolean;
  /** Further checks of this row. */
  check?(w: World, r: CliRun): void | Promise<void>;
}
