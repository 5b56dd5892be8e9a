import type { UpdaterOptions } from "../../config.js";
import { toUpdaterError } from "../../errors.js";
import { checkForUpdate, update } from "../../update/index.js";
import type { MachineOutput } from "../output.js";
import { outcomeExitCode, outcomeJson, outcomeText, type Outcome } from "../report.js";

/**
 * `upkeep check` and `upkeep update`: each app in turn (each update takes its own lock), one failure not
 * stopping the others. Exit 1 when any failed, else 100 when `check` found an update, else 0.
 */
export async function checkOrUpdate(
  command: "check" | "update",
  apps: readonly string[],
  base: (app: string) => UpdaterOptions,
  out: MachineOutput,
  flags: { json: boolean; quiet: boolean },
): Promise<number> {
  const { json, quiet } = flags;
  const outcomes: Outcome[] = [];
  for (const app of apps) {
    const o: Outcome = { app, result: "failed", oldVersion: null, newVersion: null, tag: null, installPrefix: null, warnings: [], error: null };
    try {
      if (command === "check") {
        const r = await checkForUpdate(base(app));
        Object.assign(o, { result: r.updateAvailable ? "update_available" : "up_to_date", oldVersion: r.currentVersion, newVersion: r.release.version, tag: r.release.tag, installPrefix: r.installPrefix, warnings: r.warnings });
      } else {
        // The installer's output is redacted by `out`; under --json it is not shown (no human lines).
        const r = await update({ ...base(app), hooks: { ...base(app).hooks, ...(quiet || json ? {} : { installerOutput: (t: string) => out.stderr(t) }) } });
        Object.assign(o, { result: r.result, oldVersion: r.oldVersion, newVersion: r.newVersion, tag: r.tag, installPrefix: r.installPrefix, warnings: r.warnings });
      }
    } catch (caught) {
      const e = toUpdaterError(caught);
      o.error = { code: e.code, message: e.message, hint: e.hint ?? null };
      if (Array.isArray(e.details.warnings)) o.warnings = e.details.warnings as Outcome["warnings"];
    }
    outcomes.push(o);
    if (!json) for (const line of outcomeText(o, quiet)) out.stderr(`${app}: ${line}\n`);
  }
  const failed = outcomes.some((o) => o.error);
  if (json) out.json({ command, results: outcomes.map(outcomeJson), ok: !failed });
  if (failed) return 1;
  return outcomes.some((o) => outcomeExitCode(o) === 100) ? 100 : 0;
}
