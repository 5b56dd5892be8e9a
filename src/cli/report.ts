// Over 200 lines: every output of both front doors in one place (closing lines, JSON documents, exit
// status), so people and scripts never see two versions of a run.
import { redact } from "../core/redact.js";
import { exitCodeFor, toUpdaterError, type ErrorCode, type UpdaterError, type WarningCode } from "../errors.js";
import type { CheckResult, SignatureReport, UninstallItem, UninstallResult, UpdateResult, Warning } from "../types.js";
import type { MachineOutput, Output } from "./output.js";

/** Warnings only `--json` reports (people see them with --verbose, as the run's detail lines). */
export const JSON_ONLY_WARNINGS: ReadonlySet<WarningCode> = new Set(["UNSIGNED"]);

/** The `schema` of every JSON document either front door prints. */
export const SCHEMA = "upkeep/1";

/**
 * What one app's run came to: `installed` (list), `ok`/`problems` (doctor), `uninstalled`/`would_uninstall`
 * (uninstall), the rest check and update; `disabled`: a packager switched its updates off and the run was
 * over every app (`--all`), so it was skipped, not failed (`error` still holds the DISABLED code, message
 * and hint). Named, it fails.
 */
export type Result =
  | "updated"
  | "up_to_date"
  | "update_available"
  | "would_update"
  | "failed"
  | "installed"
  | "ok"
  | "problems"
  | "disabled"
  | "uninstalled"
  | "would_uninstall";

/**
 * The error of a failed outcome; `restored` lists the files put back after a failed install, `lost`
 * those that could not be (written over in place through a hard-linked backup).
 */
export interface OutcomeError {
  code: ErrorCode;
  message: string;
  hint: string | null;
  restored?: string[];
  lost?: string[];
}

/** The outcome of one app in one CLI run, whatever happened. */
export interface Outcome {
  app: string | null;
  result: Result;
  oldVersion: string | null;
  newVersion: string | null;
  tag: string | null;
  installPrefix: string | null;
  /** The pinned keys and the signatures checked; null where no release was looked at (list, doctor, early failures). */
  signature: SignatureReport | null;
  warnings: Warning[];
  error: OutcomeError | null;
  /** An uninstall's lists (only on uninstall outcomes). */
  uninstall?: { removed: UninstallItem[]; left: (UninstallItem & { reason: string })[] };
}

/** An outcome with nothing known yet. */
export function emptyOutcome(app: string | null): Outcome {
  return { app, result: "failed", oldVersion: null, newVersion: null, tag: null, installPrefix: null, signature: null, warnings: [], error: null };
}

/** The per-app JSON object, the same in every document: snake_case keys, the same shape on success and failure. */
export function outcomeJson(o: Outcome): Record<string, unknown> {
  return {
    app: o.app,
    result: o.result,
    old_version: o.oldVersion,
    new_version: o.newVersion,
    tag: o.tag,
    install_prefix: o.installPrefix,
    signature: o.signature && signatureJson(o.signature),
    warnings: o.warnings,
    error: o.error,
    ...(o.uninstall ? { removed: o.uninstall.removed, left: o.uninstall.left } : {}),
  };
}

// `signature` as the JSON documents carry it: snake_case, like every other key.
function signatureJson(r: SignatureReport): Record<string, unknown> {
  return { key_source: r.keySource, key_from: r.keyFrom, keys: r.keys, verified: r.verified };
}

/** `<app>-update --json`: the per-app object itself, with the schema. */
export function appDocument(o: Outcome): Record<string, unknown> {
  return { schema: SCHEMA, ...outcomeJson(o) };
}

/** Every `upkeep <command> --json`: one envelope; `error` is a failure of the whole run (bad arguments). */
export function machineDocument(command: string | null, results: readonly Record<string, unknown>[], error: UpdaterError | null): Record<string, unknown> {
  const failed = error !== null || results.some((r) => r.result === "failed" || r.result === "problems");
  return { schema: SCHEMA, command, results, ok: !failed, error: error ? errorJson(error, []) : null };
}

/** An error as the JSON documents carry it, its text redacted. */
export function errorJson(e: UpdaterError, secrets: readonly string[]): OutcomeError {
  return {
    code: e.code,
    message: redact(e.message, [...secrets]),
    hint: e.hint ? redact(e.hint, [...secrets]) : null,
    ...(Array.isArray(e.details.restored) ? { restored: e.details.restored as string[] } : {}),
    ...(Array.isArray(e.details.lost) && e.details.lost.length > 0 ? { lost: e.details.lost as string[] } : {}),
  };
}

/**
 * Marks `o` failed by `caught`, keeping what the run had learnt before it failed: the warnings
 * (`details.warnings`) and the versions, tag and prefix (`details.known`, from the library).
 */
export function failOutcome(o: Outcome, caught: unknown, secrets: readonly string[]): Outcome {
  const e = toUpdaterError(caught);
  o.result = "failed";
  o.error = errorJson(e, secrets);
  if (Array.isArray(e.details.warnings)) o.warnings = e.details.warnings as Warning[];
  const known = (e.details.known ?? {}) as Partial<Record<"oldVersion" | "newVersion" | "tag" | "installPrefix", string>>;
  o.oldVersion = known.oldVersion ?? o.oldVersion;
  o.newVersion = known.newVersion ?? o.newVersion;
  o.tag = known.tag ?? o.tag;
  o.installPrefix = known.installPrefix ?? o.installPrefix;
  const signature = (e.details.signature ?? (e.details.known as { signature?: unknown } | undefined)?.signature) as SignatureReport | undefined;
  if (signature) o.signature = signature;
  return o;
}

/**
 * The outcome of a finished check or update, for both front doors. `app` is the receipt's own spelling
 * of the name (Windows matches AXOLOTLSAY-UPDATE.EXE in any case).
 */
export function succeeded(r: CheckResult | UpdateResult): Partial<Outcome> {
  const common = { app: r.app, installPrefix: r.installPrefix, signature: r.signature, warnings: r.warnings };
  if ("release" in r) {
    return {
      ...common,
      result: r.updateAvailable ? "update_available" : "up_to_date",
      oldVersion: r.currentVersion,
      newVersion: r.release.version,
      tag: r.release.tag,
    };
  }
  return { ...common, result: r.result, oldVersion: r.oldVersion, newVersion: r.newVersion, tag: r.tag };
}

/** The outcome of a finished uninstall (or its dry run), for both front doors. */
export function uninstalled(r: UninstallResult): Partial<Outcome> {
  return {
    app: r.app,
    result: r.result,
    oldVersion: r.version,
    installPrefix: r.installPrefix,
    warnings: r.warnings,
    uninstall: { removed: r.removed, left: r.left },
  };
}

/** Exit status: 0 done or nothing to do, 100 when `--check` found an update, else the error's class. */
export function outcomeExitCode(o: Outcome): number {
  // Skipped in an --all run: as if up to date.
  if (o.result === "disabled") return 0;
  if (o.error) return exitCodeFor(o.error.code);
  return o.result === "update_available" ? 100 : 0;
}

/** Exit status of several apps: the worst error's class (2 over 1), else 100 when any update is available, else 0. */
export function outcomesExitCode(outcomes: readonly Outcome[]): number {
  const codes = outcomes.map(outcomeExitCode);
  const failed = codes.filter((c) => c !== 0 && c !== 100);
  if (failed.length) return Math.max(...failed);
  return codes.includes(100) ? 100 : 0;
}

/** How {@link writeAppOutcome} prints: the JSON document, or lines for people (errors in red on a terminal). */
export interface AppOutcomeStyle {
  json: boolean;
  quiet: boolean;
  color: boolean;
  secrets: readonly string[];
}

/** Prints `<app>-update`'s closing report (warnings redacted too) and returns the exit status. */
export function writeAppOutcome(out: Output, o: Outcome, style: AppOutcomeStyle): number {
  const secrets = [...style.secrets];
  o.warnings = o.warnings.map((w) => ({ ...w, message: redact(w.message, secrets) }));
  if (style.json) {
    out.stdout(`${JSON.stringify(appDocument(o))}\n`);
  } else {
    for (const line of outcomeText(o, style.quiet)) {
      out.stderr(`${redact(style.color && line.startsWith("error[") ? `\u001b[31m${line}\u001b[0m` : line, secrets)}\n`);
    }
  }
  return outcomeExitCode(o);
}

/** A failure of a whole `upkeep` run (arguments, settings, discovery): nothing was done for any app. */
export function writeMachineFailure(out: MachineOutput, json: boolean, command: string | null, caught: unknown): number {
  const e = toUpdaterError(caught);
  if (json) out.json(machineDocument(command, [], e));
  else out.stderr(`error[${e.code}]: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
  return exitCodeFor(e.code);
}

/**
 * The closing lines for people, using axoupdater's wording where it has one. With `quiet`, only a
 * successful update and errors are reported.
 */
export function outcomeText(o: Outcome, quiet: boolean): string[] {
  const lines: string[] = [];
  // UNSIGNED is for scripts (--json): most releases are unsigned, and a user can do nothing about it.
  if (!quiet) for (const w of o.warnings) if (!JSON_ONLY_WARNINGS.has(w.code)) lines.push(`warning: ${w.message}`);
  const app = o.app ?? "the app";
  switch (o.result) {
    case "updated":
      if (!quiet) lines.push(`Updated ${app} from ${o.oldVersion} to ${o.newVersion} (${o.tag}) in ${o.installPrefix}.`);
      if (!quiet && o.signature?.verified.length) {
        const keys = [...new Set(o.signature.verified.map((v) => v.key))].join(", ");
        lines.push(`Signature checked: ${o.signature.verified.map((v) => v.signature).join(" and ")} signed by key ${keys} for ${o.newVersion}.`);
      }
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
    case "disabled":
      if (!quiet) lines.push(`Skipped: ${o.error?.message ?? "updates are switched off."}`);
      break;
    case "uninstalled":
    case "would_uninstall":
      lines.push(...uninstallText(o, app, quiet));
      break;
    case "failed":
      if (o.error) {
        lines.push(`error[${o.error.code}]: ${o.error.message}`);
        if (o.error.hint) lines.push(`hint: ${o.error.hint}`);
      }
      break;
    default:
      break;
  }
  return lines;
}

// An uninstall's lines: each thing removed and each thing left with its reason, then one closing line.
function uninstallText(o: Outcome, app: string, quiet: boolean): string[] {
  const dry = o.result === "would_uninstall";
  const what = (i: UninstallItem): string => (i.line !== undefined ? `the line ${i.line} in ${i.path}` : i.path);
  const lines: string[] = [];
  if (!quiet) {
    for (const i of o.uninstall?.removed ?? []) lines.push(`${dry ? "would remove" : "removed"} ${what(i)}`);
    for (const i of o.uninstall?.left ?? []) lines.push(`left ${what(i)}: ${i.reason}`);
  }
  if (dry) {
    if (!quiet) lines.push(`Would uninstall ${app} ${o.oldVersion} from ${o.installPrefix}; nothing was changed (--dry-run).`);
  } else {
    lines.push(`Uninstalled ${app} ${o.oldVersion} from ${o.installPrefix}.`);
  }
  return lines;
}
