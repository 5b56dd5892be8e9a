import type { UpdaterOptions } from "../../config.js";
import { UpdaterError } from "../../errors.js";
import { checkForUpdate, update } from "../../update/index.js";
import type { MachineOutput } from "../output.js";
import { emptyOutcome, failOutcome, machineDocument, outcomeJson, outcomesExitCode, outcomeText, succeeded, type Outcome } from "../report.js";

/**
 * `upkeep check` and `upkeep update`: each app in turn (each update takes its own lock), one failure not
 * stopping the others; after Ctrl-C no further app is started. With `everyApp` (--all, or no app named)
 * an app whose updates a packager switched off is reported `disabled` and does not fail the run. Each app's result lines go to stdout (the
 * installer's output to stderr). Exit: the worst failure's status (2 usage, 1 other), else 100 when `check`
 * found an update, else 0.
 */
export async function checkOrUpdate(
  command: "check" | "update",
  apps: readonly string[],
  base: (app: string) => UpdaterOptions,
  out: MachineOutput,
  flags: { json: boolean; quiet: boolean; signal?: AbortSignal | undefined; everyApp?: boolean },
): Promise<number> {
  const { json, quiet } = flags;
  const outcomes: Outcome[] = [];
  for (const app of apps) {
    const o = emptyOutcome(app);
    try {
      if (flags.signal?.aborted) throw new UpdaterError("INTERRUPTED", `Interrupted before ${app} was started; nothing was changed for it.`);
      if (command === "check") {
        Object.assign(o, succeeded(await checkForUpdate(base(app))));
      } else {
        // The installer's output is redacted by `out`; under --json it is not shown (no human lines).
        const options = base(app);
        const hooks = { ...options.hooks, ...(quiet || json ? {} : { installerOutput: (t: string) => out.stderr(t) }) };
        Object.assign(o, succeeded(await update({ ...options, hooks })));
      }
    } catch (caught) {
      // Redacted by `out` as it is printed.
      failOutcome(o, caught, []);
      // Over every app (--all, or none named), an app its packager switched off is skipped, not failed.
      if (flags.everyApp && o.error?.code === "DISABLED") o.result = "disabled";
    }
    outcomes.push(o);
    if (!json) for (const line of outcomeText(o, quiet)) out.stdout(`${app}: ${line}\n`);
  }
  if (json) out.json(machineDocument(command, outcomes.map(outcomeJson), null));
  return outcomesExitCode(outcomes);
}
