// The update notice's decisions, pure: when it must stay silent, whether a check and a notice are due
// (from the times of the last check and the last notice), and the one line it prints.
import { compareVersions } from "./compare.js";
import { strictVersion } from "./version.js";

/** What the environment says about the notice, as config.ts read it. */
export interface NoticeVars {
  /** `CI` is set (not empty). */
  ci: boolean;
  /** `NO_UPDATE_NOTIFIER` is set (not empty), the variable update-notifier honours. */
  noUpdateNotifier: boolean;
  /** `<APP>_NO_UPDATE_CHECK` by name, and whether it is set (not empty). */
  appOptOut: { name: string; set: boolean };
}

/** Everything that can keep the notice silent. */
export interface SilenceInput extends NoticeVars {
  /** The stream the line would go to is a terminal. */
  terminal: boolean;
  /** Updates are turned off by the packager: its message (undefined when they are not). */
  disabled?: string | undefined;
}

/** Why the notice stays silent (no check, no line), in order; empty when it may check and speak. */
export function silenceReasons(input: SilenceInput): string[] {
  const reasons: string[] = [];
  if (input.ci) reasons.push("CI is set");
  if (input.noUpdateNotifier) reasons.push("NO_UPDATE_NOTIFIER is set");
  if (input.appOptOut.set) reasons.push(`${input.appOptOut.name} is set`);
  // Updates turned off by the packager (UPKEEP_DISABLED, `<app>-update.disabled`): its message.
  if (input.disabled !== undefined) reasons.push("updates are disabled");
  if (!input.terminal) reasons.push("stderr is not a terminal");
  return reasons;
}

/** A time more than this far in the future means the clock was set back: the interval starts again. */
const FUTURE_SLACK_MS = 5 * 60_000;

/** True when the last event at `at` (ms since the epoch; undefined: never) is an interval or more ago. */
export function isDue(at: number | undefined, now: number, intervalMs: number): boolean {
  if (at === undefined) return true;
  return now - at >= intervalMs || at - now > FUTURE_SLACK_MS;
}

/** What to do on this start: check the network, and whether a notice may be printed. */
export interface NoticePlan {
  check: boolean;
  noticeDue: boolean;
}

/**
 * Plans one start from the times of the last check and the last notice: a check when none was made for
 * an interval (failed ones count), a notice when none was printed for an interval, each on its own.
 */
export function planNotice(times: { checkedAt?: number | undefined; notifiedAt?: number | undefined }, now: number, intervalMs: number): NoticePlan {
  return { check: isDue(times.checkedAt, now, intervalMs), noticeDue: isDue(times.notifiedAt, now, intervalMs) };
}

/** True when `latest` is newer than `installed`; false when either is not a strict semantic version. */
export function isNewer(latest: string, installed: string): boolean {
  if (strictVersion(latest) === undefined || strictVersion(installed) === undefined) return false;
  try {
    return compareVersions(latest, installed) > 0;
  } catch {
    return false;
  }
}

/** The notice's one line (without the newline). */
export function noticeLine(app: string, installed: string, latest: string, command: string): string {
  return `A new version of ${app} is available: ${installed} → ${latest}. Run ${command} to update.`;
}
