import { appFromHost, checkWorkingDir, frontDoorEnv, resolveConfig, secretsToRedact, type Host, type ProgressEvent } from "../config.js";
import { redact } from "../core/redact.js";
import type { CliArgs } from "./args.js";
import { jitter } from "./jitter.js";
import { runNotify } from "./notify.js";
import type { Output } from "./output.js";
import { createSpinner, verboseHooks } from "./progress.js";
import { emptyOutcome, failOutcome, succeeded, uninstalled, writeAppOutcome, type Outcome } from "./report.js";

/**
 * The `<app>-update` command line once its arguments are parsed (front.ts answered --help, -V and usage
 * errors): library call → messages and exit status. Human text goes to stderr; stdout carries only the
 * `--json` document.
 */
export async function runAppUpdate(host: Host, out: Output, args: CliArgs): Promise<number> {
  if (args.notify) return runNotify(host, out, args);
  const fromEnv = frontDoorEnv(host);
  const color = host.stderrIsTTY && !fromEnv.noColor;
  const outcome: Outcome = emptyOutcome(null);
  // Known before the app is: a message about a bad environment must not print a token either.
  let secrets = secretsToRedact(undefined, undefined, host.env);
  let spinner: ReturnType<typeof createSpinner> | undefined;
  const say = (line: string): void => out.stderr(`${redact(line, secrets)}\n`);

  try {
    const app = appFromHost(host.invokedAs, host.platform, host.env);
    outcome.app = app;
    secrets = secretsToRedact(app, args.token, host.env);
    checkWorkingDir(host.env, host);
    const chatty = !args.quiet && !args.json;
    // A spinner only for people watching a terminal: never in pipes, --quiet or --json.
    spinner = chatty && host.stderrIsTTY ? createSpinner((t) => out.stderr(t)) : undefined;
    const verbose = args.verbose
      ? verboseHooks((stamp, line) => {
          spinner?.pause();
          say(`  ${stamp} ${line}`);
        })
      : undefined;
    const steps = [verbose?.progress, spinner?.update].filter((f) => f !== undefined);
    const options = {
      app,
      request: args.request,
      force: args.force,
      dryRun: args.dryRun,
      ...(args.token ? { token: args.token } : {}),
      ...(args.timeoutSeconds !== undefined ? { timeoutSeconds: args.timeoutSeconds } : {}),
      ...(args.source ? { source: args.source } : {}),
      ...(args.publicKeys ? { publicKeys: args.publicKeys } : {}),
      ...(args.allowLegacySignature ? { allowLegacySignature: true } : {}),
      env: host.env,
      platform: host.platform,
      cwd: host.cwd,
      cacheDir: host.cacheDir,
      ...(host.signal ? { signal: host.signal } : {}),
      hooks: {
        ...(verbose ? { verbose: verbose.verbose } : {}),
        // Under --json no human line reaches stderr: the installer's output is not shown at all (its last
        // lines are in the error message when it fails).
        ...(args.quiet || args.json
          ? {}
          : {
              installerOutput: (text: string) => {
                spinner?.pause();
                out.stderr(redact(text, secrets));
              },
            }),
        ...(steps.length
          ? {
              progress: (e: ProgressEvent) => {
                for (const step of steps) step(e);
              },
            }
          : {}),
      },
    };
    // Every setting judged before anything is read, waited for or sent (the library judges them again).
    resolveConfig(options, host);
    if (chatty && !args.uninstall) say("Checking for updates...");
    if (args.jitterSeconds) await jitter(args.jitterSeconds * (host.random ?? Math.random)(), host.signal);
    const executablePath = await (await import("../io/paths.js")).locateInvoked(host.invokedAs, host.cwd, fromEnv.path, host.platform);
    // Loaded only once there is work to do: --help, -V and usage errors stay fast.
    if (args.uninstall) {
      const { uninstall } = await import("../update/uninstall.js");
      Object.assign(outcome, uninstalled(await uninstall({ ...options, executablePath })));
    } else {
      const { checkForUpdate, update } = await import("../update/index.js");
      const r = args.check ? await checkForUpdate({ ...options, executablePath }) : await update({ ...options, executablePath });
      Object.assign(outcome, succeeded(r));
    }
  } catch (caught) {
    failOutcome(outcome, caught, secrets);
  }

  spinner?.pause();
  return writeAppOutcome(out, outcome, { json: args.json, quiet: args.quiet, color, secrets });
}
