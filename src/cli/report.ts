// Output rendering for people: the closing lines, the --json document and the exit status of a run.
import { exitCodeFor, type ErrorCode } from "../errors.js";
import type { Warning } from "../types.js";

/** The outcome of one CLI run, whatever happened. */
export interface Outcome {
  app: string | null;
  result: "updated" | "up_to_date" | "update_available" | "would_update" | "failed";
  oldVersion: string | null;
  newVersion: string | null;
  tag: string | null;
  installPrefix: string | null;
  warnings: Warning[];
  /** `restored` lists the files put back after a failed install. */
  error: { code: ErrorCode; message: string; hint: string | null; restored?: string[] } | null;
}

/** The `--json` document: one object, snake_case keys, the same shape on success and failure. */
export function outcomeJson(o: Outcome): Record<string, unknown> {
  return {
    app: o.app,
    result: o.result,
    old_version: o.oldVersion,
    new_version: o.newVersion,
    tag: o.tag,
    install_prefix: o.installPrefix,
    warnings: o.warnings,
    error: o.error,
  };
}

/** Exit status: 0 done or nothing to do, 100 when `--check` found an update, else the error's class. */
export function outcomeExitCode(o: Outcome): number {
  if (o.error) return exitCodeFor(o.error.code);
  return o.result === "update_available" ? 100 : 0;
}

/**
 * The closing lines for people, using axoupdater's wording where it has one. With `quiet`, only a
 * successful update and errors are reported.
 */
export function outcomeText(o: Outcome, quiet: boolean): string[] {
  const lines: string[] = [];
  if (!quiet) for (const w of o.warnings) lines.push(`warning: ${w.message}`);
  const app = o.app ?? "the app";
  switch (o.result) {
    case "updated":
      if (!quiet) lines.push(`Updated ${app} from ${o.oldVersion} to ${o.newVersion} (${o.tag}) in ${o.installPrefix}.`);
      lines.push(`New release ${o.newVersion} installed!`);
      break;
    case "up_to_date":
      if (!quiet) lines.push(`${app} ${o.oldVersion} is up to date.`, "Already up to date; not upgrading");
      break;
    case "update_available":
      if (!quiet) lines.push(`Update available: ${app} ${o.oldVersion} → ${o.newVersion} (${o.tag}).`);
      break;
    case "would_update":
      if (!quiet) lines.push(`Would update ${app} from ${o.oldVersion} to ${o.newVersion} (${o.tag}); nothing was changed (--dry-run).`);
      break;
    case "failed":
      if (o.error) {
        lines.push(`error[${o.error.code}]: ${o.error.message}`);
        if (o.error.hint) lines.push(`hint: ${o.error.hint}`);
      }
      break;
  }
  return lines;
}
