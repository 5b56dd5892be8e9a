import { checkSharedSettings, checkWorkingDir, frontDoorEnv, resolveConfig, secretsToRedact, type Host, type UpdaterOptions } from "../../config.js";
import { UpdaterError } from "../../errors.js";
import { appsWithReceiptFiles, appsWithReceipts } from "../../io/receipt-file.js";
import type { Command, MachineArgs } from "../args.js";
import { redactingOutput } from "../front.js";
import { jitter } from "../jitter.js";
import type { MachineOutput, Output } from "../output.js";
import { verboseHooks } from "../progress.js";
import { writeMachineFailure } from "../report.js";

// `upkeep` run under its own name: the machine-wide companion of every <app>-update, with the same flags
// (args.ts). Each command is its own module, loaded once the arguments are known to be good (front.ts
// parsed them and answered --help, -V and usage errors).

/** Runs `upkeep <command> …` once the first phase (front.ts) has parsed a command; returns the exit status. */
export async function runMachine(host: Host, raw: Output, args: MachineArgs & { command: Command }): Promise<number> {
  // Everything printed passes through here, so no token or proxy password is ever shown: the secrets of
  // every app (each may have its own <APP>_GITHUB_TOKEN), added as they become known.
  const secrets = new Set(secretsToRedact(undefined, undefined, host.env));
  const out = redactingOutput(raw, secrets);
  const { command, json } = args;
  for (const s of secretsToRedact(undefined, args.token, host.env)) secrets.add(s);
  try {
    checkWorkingDir(host.env, host);
    const base = (app: string): UpdaterOptions => ({
      app,
      request: args.request,
      force: args.force,
      dryRun: args.dryRun,
      env: host.env,
      platform: host.platform,
      cwd: host.cwd,
      cacheDir: host.cacheDir,
      ...(host.signal ? { signal: host.signal } : {}),
      ...(args.source ? { source: args.source } : {}),
      ...(args.token ? { token: args.token } : {}),
      ...(args.timeoutSeconds !== undefined ? { timeoutSeconds: args.timeoutSeconds } : {}),
      ...(args.publicKeys ? { publicKeys: args.publicKeys } : {}),
      ...(args.allowLegacySignature ? { allowLegacySignature: true } : {}),
      hooks: args.verbose ? verboseHooks((stamp, l) => out.stderr(`  ${stamp} ${app}: ${l}\n`)) : {},
    });
    // Every app's settings are judged before anything is read, waited for or sent: a bad one is USAGE for the
    // whole run. list and doctor report a bad GitHub base as a finding instead (they run no update).
    const judge = (app: string): void => {
      for (const s of secretsToRedact(app, args.token, host.env)) secrets.add(s);
      resolveConfig(base(app), host, command === "check" || command === "update" ? {} : { githubBase: "when-used" });
    };
    // What is no one app's is judged even when no app is found.
    checkSharedSettings({ ...base("upkeep"), app: undefined }, host);
    args.apps.forEach(judge);
    const fromEnv = frontDoorEnv(host);
    const found = fromEnv.receiptDir !== undefined ? await appsWithReceiptFiles(fromEnv.receiptDir) : await appsWithReceipts(fromEnv.receiptRoots);
    const unknown = args.apps.filter((a) => !found.includes(a));
    if (unknown.length) {
      throw new UpdaterError("RECEIPT_NOT_FOUND", `No install receipt for ${unknown.join(", ")} (found: ${found.join(", ") || "none"}).`, {
        hint: "Run upkeep list to see the apps.",
      });
    }
    const apps = args.apps.length ? args.apps : found;
    if (!args.apps.length) apps.forEach(judge);
    if (args.jitterSeconds) await jitter(args.jitterSeconds * (host.random ?? Math.random)(), host.signal);
    return await dispatch(command, host, out, { ...args, all: args.all || args.apps.length === 0 }, apps, base);
  } catch (error) {
    return writeMachineFailure(out, json, command, error);
  }
}

async function dispatch(
  command: Command,
  host: Host,
  out: MachineOutput,
  args: MachineArgs,
  apps: readonly string[],
  base: (app: string) => UpdaterOptions,
): Promise<number> {
  switch (command) {
    case "list":
      return (await import("./list.js")).list(host, out, args.json, apps);
    case "doctor":
      return (await import("./doctor.js")).doctor(host, out, args.json, apps, base);
    case "check":
    case "update":
      return (await import("./check-update.js")).checkOrUpdate(command, apps, base, out, {
        json: args.json,
        quiet: args.quiet,
        signal: host.signal,
        everyApp: args.all,
      });
    case "uninstall":
      return (await import("./uninstall.js")).uninstallApps(apps, base, out, { json: args.json, quiet: args.quiet });
  }
}
