import path from "node:path";
import { UpdaterError } from "../errors.js";
import type { Platform } from "../types.js";

/** The variable that switches updates off for every app (its value the message), read by config.ts. */
export const DISABLED_VAR = "UPKEEP_DISABLED";

/** How much of a `<app>-update.disabled` file is read: the message is a sentence, not a document. */
export const DISABLED_FILE_LIMIT = 4096;

/** Why updating an app is switched off: the packager's message and where the switch is. */
export interface DisabledSwitch {
  /** The packager's message (trimmed, control characters removed), or a default one. */
  message: string;
  /** The `<app>-update.disabled` file's path, or `UPKEEP_DISABLED`. */
  from: string;
  kind: "file" | "env";
  /** The file exists but could not be read (its error code); the default message is used. */
  unreadable?: string;
}

/** The switch file beside the `<app>-update` an update replaces: its link, never the shared store's file. */
export function disabledFilePath(updaterPath: string, app: string, platform: Platform): string {
  const p = platform === "win32" ? path.win32 : path.posix;
  return p.join(p.dirname(updaterPath), `${app}-update.disabled`);
}

/** The message a packager's text gives: one trimmed, printable line; empty (or `1`, `true`, `yes`) gives the default. */
export function disabledMessage(text: string, app: string): string {
  // Shown on a terminal and as one line (`upkeep list` columns): no escape sequences or other control
  // characters, and line breaks and tabs become single spaces.
  const clean = text
    .replace(/\uFFFD+$/, "") // a multi-byte character cut by the read limit
    .replace(/[\t\n\r\v\f]+/g, " ")
    .replace(/\p{Cc}/gu, "")
    .replace(/ {2,}/g, " ")
    .trim();
  if (clean === "" || /^(1|true|yes)$/i.test(clean)) return `this copy of ${app} is managed by whoever packaged it; update ${app} the way it was installed.`;
  return clean;
}

/** The switch UPKEEP_DISABLED gives (config.ts passes undefined when it is unset or empty). */
export function disabledFromEnv(value: string | undefined, app: string): DisabledSwitch | undefined {
  if (value === undefined || value === "") return undefined;
  return { message: disabledMessage(value, app), from: DISABLED_VAR, kind: "env" };
}

/** The switch a `<app>-update.disabled` file gives: its text, or the default message when it is unreadable. */
export function disabledFromFile(file: string, read: { text: string } | { problem: string }, app: string): DisabledSwitch {
  if ("problem" in read) return { message: disabledMessage("", app), from: file, kind: "file", unreadable: read.problem };
  return { message: disabledMessage(read.text, app), from: file, kind: "file" };
}

/** The DISABLED refusal: the packager's message, and in the hint where the switch is and how to lift it. */
export function disabledError(app: string, s: DisabledSwitch): UpdaterError {
  const where =
    s.kind === "env"
      ? `the environment variable ${DISABLED_VAR}; unset it to let upkeep update ${app} again`
      : `the file ${s.from}${s.unreadable ? ` (it could not be read: ${s.unreadable}, so the default message is shown)` : ""}; remove it to let upkeep update ${app} again`;
  return new UpdaterError("DISABLED", `Updates of ${app} are switched off: ${s.message}`, {
    hint: `Switched off by ${where}.`,
    details: { disabled: { message: s.message, from: s.from, kind: s.kind } },
  });
}
