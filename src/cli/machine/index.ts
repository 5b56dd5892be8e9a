import { parseArgs } from "node:util";
import { checkWorkingDir, frontDoorEnv, secretsToRedact, type Host, type UpdaterOptions } from "../../config.js";
import { redact } from "../../core/redact.js";
import { toUpdaterError, UpdaterError } from "../../errors.js";
import { appsWithReceipts } from "../../io/receipt-file.js";
import { VERSION } from "../../version.js";
import type { MachineOutput, Output } from "../output.js";

// `upkeep` run under its own name: the machine-wide companion of every <app>-update. Each command is
// its own module, loaded once the arguments are known to be good (so --help and usage errors stay fast).

const HELP = `upkeep ${VERSION}: updates every app installed with an upkeep or cargo-dist installer

Usage: upkeep <COMMAND> [--all | APP...] [OPTIONS]

Commands:
  list                 Every app with an install receipt for this user
  check [--all|APP…]   Look for updates; exit 100 if any is available
  update [--all|APP…]  Update them, one lock per app; one failure does not stop the others
  doctor [--all|APP…]  Receipt, binaries, updater, PATH, source and token, for each app

Options:
      --all                All apps found by \`upkeep list\` (check, update and doctor default to it)
      --json               One JSON document on stdout
  -q, --quiet              Print only what changed or failed (for cron)
  -v, --verbose            Print each request and step
      --source <URL|DIR>   Use this mirror for every app
      --token <TOKEN>      GitHub token
      --timeout <SECONDS>  Network timeout per request
      --jitter <SECONDS>   First wait a random time up to this long
  -V, --version            Print upkeep's version
  -h, --help               Print help

Exit codes: 0 ok, 1 something failed, 2 usage error, 100 an update is available (check).
To update one app, run <app>-update, the same program installed under that app's name.
`;

const usage = (message: string): UpdaterError => new UpdaterError("USAGE", message, { hint: "Run upkeep --help to see the commands." });

/** Runs `upkeep <command> …`; returns the exit status. */
export async function runMachine(host: Host, raw: Output): Promise<number> {
  // Everything printed passes through here, so no token or proxy password is ever shown: the secrets of
  // every app (each may have its own <APP>_GITHUB_TOKEN), added as they become known.
  const secrets = new Set(secretsToRedact(undefined, undefined, host.env));
  const hide = (text: string): string => redact(text, [...secrets].sort((a, b) => b.length - a.length));
  const out: MachineOutput = {
    stdout: (text) => raw.stdout(hide(text)),
    stderr: (text) => raw.stderr(hide(text)),
    // Strings redacted one by one: redacting the serialized text could match across JSON fields.
    json: (doc) => raw.stdout(`${JSON.stringify(doc, (_key, value: unknown) => (typeof value === "string" ? hide(value) : value))}\n`),
  };
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: host.argv,
      allowPositionals: true,
      strict: true,
      options: {
        all: { type: "boolean" },
        json: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        verbose: { type: "boolean", short: "v" },
        source: { type: "string" },
        token: { type: "string" },
        timeout: { type: "string" },
        jitter: { type: "string" },
        version: { type: "boolean", short: "V" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return fail(out, host.argv.includes("--json"), usage((error as Error).message.replace(/\. To specify.*$/s, "")));
  }
  if (values.help) {
    out.stdout(HELP);
    return 0;
  }
  if (values.version) {
    out.stdout(`upkeep ${VERSION}\n`);
    return 0;
  }
  const [command, ...named] = positionals;
  const json = values.json ?? false;
  if (!command || !["list", "check", "update", "doctor"].includes(command)) {
    if (!json) out.stderr(HELP);
    return fail(out, json, usage(command ? `unknown command '${command}'` : "name a command: list, check, update or doctor"));
  }
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds >= 0.1 && timeoutSeconds <= 3600)) return fail(out, json, usage(`--timeout "${values.timeout}" is not a number of seconds between 0.1 and 3600`));
  const jitter = values.jitter === undefined ? 0 : Number(values.jitter);
  if (!(jitter >= 0 && jitter <= 86400)) return fail(out, json, usage(`--jitter "${values.jitter}" is not a number of seconds between 0 and 86400`));

  for (const s of secretsToRedact(undefined, values.token, host.env)) secrets.add(s);
  const found = await appsWithReceipts(frontDoorEnv(host).receiptRoots);
  for (const app of [...found, ...named]) for (const s of secretsToRedact(app, values.token, host.env)) secrets.add(s);
  try {
    checkWorkingDir(host.env, host);
  } catch (error) {
    return fail(out, json, toUpdaterError(error));
  }
  if (command === "list") return (await import("./list.js")).list(host, out, json, found);
  if (named.length > 0 && values.all) return fail(out, json, usage("name apps or pass --all, not both"));
  const unknown = named.filter((a) => !found.includes(a));
  if (unknown.length) return fail(out, json, new UpdaterError("RECEIPT_NOT_FOUND", `No install receipt for ${unknown.join(", ")} (found: ${found.join(", ") || "none"}).`, { hint: "Run upkeep list to see the apps." }));
  const apps = named.length ? named : found;
  const base = (app: string): UpdaterOptions => ({
    app,
    env: host.env,
    platform: host.platform,
    cwd: host.cwd,
    cacheDir: host.cacheDir,
    ...(host.signal ? { signal: host.signal } : {}),
    ...(values.source ? { source: values.source } : {}),
    ...(values.token ? { token: values.token } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    hooks: values.verbose ? { verbose: (l) => out.stderr(`  ${app}: ${l}\n`) } : {},
  });
  if (jitter > 0) await new Promise((r) => setTimeout(r, jitter * 1000 * (host.random ?? Math.random)()));
  if (command === "doctor") return (await import("./doctor.js")).doctor(host, out, json, apps, base);
  return (await import("./check-update.js")).checkOrUpdate(command === "check" ? "check" : "update", apps, base, out, { json, quiet: values.quiet ?? false });
}

function fail(out: MachineOutput, json: boolean, e: UpdaterError): number {
  if (json) out.json({ error: { code: e.code, message: e.message, hint: e.hint ?? null } });
  else out.stderr(`error[${e.code}]: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
  return e.code === "USAGE" ? 2 : 1;
}
