import { appFromHost, frontDoorEnv, notifyDeadlineMs, type Host } from "../config.js";
import type { CliArgs } from "./args.js";
import type { Output } from "./output.js";

/**
 * `<app>-update --notify`, for an app to spawn at start-up: the library's notice with the host's
 * environment and stderr. Prints at most the one line, and exits 0 whatever happens (usage errors were
 * answered by front.ts, with exit 2).
 */
export async function runNotify(host: Host, out: Output, args: CliArgs): Promise<number> {
  try {
    const app = appFromHost(host.invokedAs, host.platform, host.env);
    // Loaded only now: the notice's code is not needed by any other run.
    const { notifyIfOutdated } = await import("../update/notify.js");
    // The link's own path: a packager's `<app>-update.disabled` beside it keeps the notice silent.
    const executablePath = await (await import("../io/paths.js")).locateInvoked(host.invokedAs, host.cwd, frontDoorEnv(host).path, host.platform);
    await notifyIfOutdated({
      app,
      env: host.env,
      platform: host.platform,
      cwd: host.cwd,
      cacheDir: host.cacheDir,
      // performance.now() is the time since this process started: the app waits for all of it.
      // The whole run's budget, counted from the process's start (the executable's start-up included).
      deadlineMs: Math.max(1, Math.round(notifyDeadlineMs(host.env) - performance.now())),
      ...(executablePath ? { executablePath } : {}),
      ...(args.token ? { token: args.token } : {}),
      ...(args.source ? { source: args.source } : {}),
      ...(host.signal ? { signal: host.signal } : {}),
      stream: { write: (text: string) => out.stderr(text), isTTY: host.stderrIsTTY },
    });
  } catch {
    // Not even a wrongly named updater may disturb the app that spawned it.
  }
  return 0;
}
