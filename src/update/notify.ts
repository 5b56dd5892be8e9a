// The update notice for apps: at most one check per interval, at most one line per interval, a deadline,
// and silence wherever a line would be unwelcome. Never rejects, never prints anything but that line.
import { defaultNoticeStream, noticeVars, resolveConfig, type Env, type UpdaterOptions } from "../config.js";
import { isNewer, noticeLine, planNotice, silenceReasons } from "../core/notice.js";
import { UpdaterError } from "../errors.js";
import { noticeFiles, readNoticeState, writeNoticeFile, type CheckRecord } from "../io/notice-state.js";
import type { Platform } from "../types.js";
import { disabledSwitch } from "./disabled.js";
import { checkForUpdate, loadReceipt } from "./index.js";

/** Where the notice's line goes: anything with `write`; it is printed only when `isTTY` is true. */
export interface NoticeStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/** Options of {@link notifyIfOutdated}. */
export interface NotifyOptions {
  /** The app; default from this executable's name, as `<app>-update`. */
  app?: string;
  /** At most one check, and at most one line, per this many hours (default 24). */
  intervalHours?: number;
  /** Give up silently after this many milliseconds (default 1000). */
  deadlineMs?: number;
  /** Environment to use instead of `process.env` (HOME, XDG_CACHE_HOME, CI, the opt-out variables…). */
  env?: Env;
  /** Where the line goes; default `process.stderr`. Silent unless `stream.isTTY` is true. */
  stream?: NoticeStream;
  /** GitHub token; default from AXOUPDATER_GITHUB_TOKEN, <APP>_GITHUB_TOKEN, GITHUB_TOKEN. */
  token?: string;
  /** A static mirror to check instead of the receipt's source. */
  source?: string;
  platform?: Platform;
  cwd?: string;
  /** upkeep's cache directory (the notice's files go in its `notify/`); default the user's. */
  cacheDir?: string;
  /** Aborting it gives up at once, silently. */
  signal?: AbortSignal;
  /** The `<app>-update` this runs as (the CLI passes its own path): a `<app>-update.disabled` beside it silences the notice. */
  executablePath?: string;
}

/** What {@link notifyIfOutdated} did. */
export interface NotifyResult {
  /** `notified`: the line was printed; `no_update`: nothing newer (or not due); `silent`: it stayed quiet on purpose; `failed`: it gave up. */
  outcome: "notified" | "no_update" | "silent" | "failed";
  /** Why it was silent or failed (`CI is set`, `deadline`, an error code…). */
  reason?: string;
  /** A network check was started. */
  checked: boolean;
  installedVersion?: string;
  latestVersion?: string;
  /** The line printed (without the newline). */
  line?: string;
}

const DEFAULT_DEADLINE_MS = 1000;
const HOUR_MS = 3_600_000;

/**
 * Tells the user, in one line on stderr, that a newer version of the app is out: for an app to call at
 * start-up. At most one network check per `intervalHours` (failed checks count; the result is cached in
 * upkeep's cache directory and the conditional-request cache is used) and at most one line per interval;
 * silent with `CI`, `NO_UPDATE_NOTIFIER` or `<APP>_NO_UPDATE_CHECK` set, when the stream is not a
 * terminal, and when the cache cannot be written (no request is then made). Gives up silently at the
 * deadline. The promise never rejects.
 */
export function notifyIfOutdated(options: NotifyOptions = {}): Promise<NotifyResult> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const intervalHours = options.intervalHours ?? 24;
  if (!(Number.isFinite(deadlineMs) && deadlineMs > 0 && deadlineMs <= 60_000))
    return Promise.resolve({ outcome: "failed", reason: `USAGE: deadlineMs ${String(deadlineMs)} is not between 1 and 60000`, checked: false });
  if (!(Number.isFinite(intervalHours) && intervalHours >= 0))
    return Promise.resolve({ outcome: "failed", reason: `USAGE: intervalHours ${String(intervalHours)} is not a number of hours`, checked: false });
  const controller = new AbortController();
  const progress = { checked: false };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: NotifyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // Whatever is still under way (a request) is stopped; a line is never printed after this.
      controller.abort();
      resolve(result);
    };
    const onAbort = (): void => finish({ outcome: "failed", reason: "interrupted", checked: progress.checked });
    // Unreferenced: the deadline never keeps an app's process alive.
    const timer = setTimeout(() => finish({ outcome: "failed", reason: "deadline", checked: progress.checked }), deadlineMs);
    timer.unref?.();
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    notice(options, intervalHours * HOUR_MS, deadlineMs, controller.signal, progress).then(finish, (error: unknown) =>
      finish({ outcome: "failed", reason: UpdaterError.is(error) ? error.code : String(error), checked: progress.checked }),
    );
  });
}

// The notice's steps: silence → plan (from the files' times) → check (recorded first) → re-read the
// installed version → record the notice → print.
async function notice(
  options: NotifyOptions,
  intervalMs: number,
  deadlineMs: number,
  signal: AbortSignal,
  progress: { checked: boolean },
): Promise<NotifyResult> {
  const base: UpdaterOptions = {
    ...(options.app !== undefined ? { app: options.app } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.source !== undefined ? { source: options.source } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.executablePath !== undefined ? { executablePath: options.executablePath } : {}),
    timeoutSeconds: Math.min(3600, Math.max(0.1, deadlineMs / 1000)),
    attempts: 1,
    signal,
  };
  const config = resolveConfig(base);
  const stream = options.stream ?? defaultNoticeStream();
  // The packager's switch (UPKEEP_DISABLED, `<app>-update.disabled` beside this updater); a switch beside
  // the receipt's updater is found by the check itself, which refuses before any request.
  const disabled = (await disabledSwitch(config))?.message;
  const reasons = silenceReasons({ ...noticeVars(config.app, config.env), terminal: stream.isTTY === true, disabled });
  if (reasons.length) return { outcome: "silent", reason: reasons.join("; "), checked: false };

  const files = noticeFiles(config.cacheDir, config.app);
  const state = await readNoticeState(files);
  const plan = planNotice(state, Date.now(), intervalMs);
  let record: CheckRecord | undefined = state.record;
  if (plan.check) {
    const before = { app: config.app, ok: false, latest: record?.latest, tag: record?.tag };
    // Recorded before it is made: a check that cannot be recorded would be made at every start.
    if (!(await writeNoticeFile(files.check, { ...before, error: "PENDING" })))
      return { outcome: "silent", reason: "the cache directory cannot be written", checked: false };
    progress.checked = true;
    const options = { ...base, app: config.app };
    record = await checkForUpdate(options).then(
      (r): CheckRecord => ({ app: config.app, ok: true, current: r.currentVersion, latest: r.release.version, tag: r.release.tag }),
      (error: unknown): CheckRecord => ({ ...before, error: UpdaterError.is(error) ? error.code : "INTERNAL" }),
    );
    if (!signal.aborted) await writeNoticeFile(files.check, record);
  }
  const latest = record?.latest;
  const result = { checked: progress.checked, ...(latest ? { latestVersion: latest } : {}) };
  if (signal.aborted) return { outcome: "failed", reason: "deadline", ...result };
  if (!plan.noticeDue || !latest) return { outcome: "no_update", ...(record?.ok === false && record.error ? { reason: record.error } : {}), ...result };
  // Read again right before telling: the app may have been updated since the check.
  const installed = (await loadReceipt({ ...base, app: config.app })).receipt.version;
  if (!isNewer(latest, installed)) return { outcome: "no_update", installedVersion: installed, ...result };
  if (!(await writeNoticeFile(files.notice, { app: config.app, installed, latest })))
    return { outcome: "silent", reason: "the cache directory cannot be written", installedVersion: installed, ...result };
  if (signal.aborted) return { outcome: "failed", reason: "deadline", installedVersion: installed, ...result };
  const line = noticeLine(config.app, installed, latest, `${config.app}-update`);
  stream.write(`${line}\n`);
  return { outcome: "notified", installedVersion: installed, line, ...result };
}
