import type { UpdaterOptions } from "../../config.js";
import { uninstall } from "../../update/uninstall.js";
import type { MachineOutput } from "../output.js";
import { emptyOutcome, failOutcome, machineDocument, outcomeJson, outcomesExitCode, outcomeText, uninstalled, type Outcome } from "../report.js";

/**
 * `upkeep uninstall APP…`: each named app in turn (each under its own lock), one failure not stopping
 * the others. Lines go to stdout, prefixed with the app; exit: the worst failure's status, else 0.
 */
export async function uninstallApps(
  apps: readonly string[],
  base: (app: string) => UpdaterOptions,
  out: MachineOutput,
  flags: { json: boolean; quiet: boolean },
): Promise<number> {
  const outcomes: Outcome[] = [];
  for (const app of apps) {
    const o = emptyOutcome(app);
    try {
      Object.assign(o, uninstalled(await uninstall(base(app))));
    } catch (caught) {
      failOutcome(o, caught, []);
    }
    outcomes.push(o);
    if (!flags.json) for (const line of outcomeText(o, flags.quiet)) out.stdout(`${app}: ${line}\n`);
  }
  if (flags.json) out.json(machineDocument("uninstall", outcomes.map(outcomeJson), null));
  return outcomesExitCode(outcomes);
}
