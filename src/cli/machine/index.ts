import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Output } from "./cli.js";
import { checkWorkingDir, resolveConfig, secretsToRedact, type Config, type Host, type UpdaterOptions } from "./config.js";
import { githubApiBase } from "./core/github.js";
import { redact } from "./core/redact.js";
import { outcomeExitCode, outcomeJson, outcomeText, type Outcome } from "./core/report.js";
import { toUpdaterError, UpdaterError } from "./errors.js";
import { createHttp } from "./io/http.js";
import { executableFileSync, isExecutable, probe } from "./io/probe.js";
import { locate, readReceipt, shadowWarnings } from "./locate.js";
import { checkForUpdate, httpSettingsFor, update } from "./updater.js";
import { VERSION } from "./version.js";

// `upkeep` run under its own name: the machine-wide companion of every <app>-update.

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

/** One app as `upkeep list` shows it. */
interface Listed {
  app: string;
  version: string | null;
  install_prefix: string | null;
  source: string | null;
  receipt: string | null;
  updater: string | null;
  error: { code: string; message: string } | null;
}

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
  const found = await discoverApps(host);
  for (const app of [...found, ...named]) for (const s of secretsToRedact(app, values.token, host.env)) secrets.add(s);
  try {
    checkWorkingDir(host.env, host);
  } catch (error) {
    return fail(out, json, toUpdaterError(error));
  }
  if (command === "list") return list(host, out, json, found);
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
  if (command === "doctor") return doctor(host, out, json, apps, base);

  const outcomes: Outcome[] = [];
  for (const app of apps) {
    const o: Outcome = { app, result: "failed", oldVersion: null, newVersion: null, tag: null, installPrefix: null, warnings: [], error: null };
    try {
      if (command === "check") {
        const r = await checkForUpdate(base(app));
        Object.assign(o, { result: r.updateAvailable ? "update_available" : "up_to_date", oldVersion: r.currentVersion, newVersion: r.release.version, tag: r.release.tag, installPrefix: r.installPrefix, warnings: r.warnings });
      } else {
        // The installer's output is redacted by `out`; under --json it is not shown (no human lines).
        const r = await update({ ...base(app), hooks: { ...base(app).hooks, ...(values.quiet || json ? {} : { installerOutput: (t: string) => out.stderr(t) }) } });
        Object.assign(o, { result: r.result, oldVersion: r.oldVersion, newVersion: r.newVersion, tag: r.tag, installPrefix: r.installPrefix, warnings: r.warnings });
      }
    } catch (caught) {
      const e = toUpdaterError(caught);
      o.error = { code: e.code, message: e.message, hint: e.hint ?? null };
      if (Array.isArray(e.details.warnings)) o.warnings = e.details.warnings as Outcome["warnings"];
    }
    outcomes.push(o);
    if (!json) for (const line of outcomeText(o, values.quiet ?? false)) out.stderr(`${app}: ${line}\n`);
  }
  const failed = outcomes.some((o) => o.error);
  if (json) out.json({ command, results: outcomes.map(outcomeJson), ok: !failed });
  if (failed) return 1;
  return outcomes.some((o) => outcomeExitCode(o) === 100) ? 100 : 0;
}

/** Where machine mode writes: `out` of the CLI, with every secret hidden. */
interface MachineOutput extends Output {
  json(doc: unknown): void;
}

function fail(out: MachineOutput, json: boolean, e: UpdaterError): number {
  if (json) out.json({ error: { code: e.code, message: e.message, hint: e.hint ?? null } });
  else out.stderr(`error[${e.code}]: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
  return e.code === "USAGE" ? 2 : 1;
}

/** Apps with a receipt in any of the places <app>-update looks, sorted. */
export async function discoverApps(host: Host): Promise<string[]> {
  const roots = [host.env.XDG_CONFIG_HOME, host.platform === "win32" ? host.env.LOCALAPPDATA : host.home && path.join(host.home, ".config")].filter(
    (r): r is string => Boolean(r),
  );
  const apps = new Set<string>();
  for (const root of roots) {
    for (const name of await readdir(root).catch(() => [] as string[])) {
      if (await stat(path.join(root, name, `${name}-receipt.json`)).then((s) => s.isFile(), () => false)) apps.add(name);
    }
  }
  return [...apps].sort();
}

async function list(host: Host, out: MachineOutput, json: boolean, apps: string[]): Promise<number> {
  const rows: Listed[] = [];
  for (const app of apps) {
    const config = resolveConfig({ app, env: host.env, platform: host.platform, cwd: host.cwd, cacheDir: host.cacheDir }, host);
    try {
      const loaded = await readReceipt(config);
      const where = await locate(config, loaded);
      const { source } = loaded.receipt;
      rows.push({
        app,
        version: loaded.receipt.version,
        install_prefix: where.installRoot,
        source: source.releaseType === "mirror" ? `mirror ${source.url ?? "?"}` : `${source.releaseType} ${source.owner}/${source.name}`,
        receipt: loaded.path,
        updater: executableFileSync(where.updaterPath) ? where.updaterPath : null,
        error: null,
      });
    } catch (caught) {
      const e = toUpdaterError(caught);
      rows.push({ app, version: null, install_prefix: null, source: null, receipt: null, updater: null, error: { code: e.code, message: e.message } });
    }
  }
  if (json) {
    out.json({ apps: rows });
  } else if (rows.length === 0) {
    out.stderr("No apps with an install receipt were found for this user.\n");
  } else {
    for (const r of rows) {
      out.stdout(
        r.error
          ? `${r.app}\t(receipt unreadable: ${r.error.message})\n`
          : `${r.app}\t${r.version}\t${r.install_prefix}\t${r.source}\t${r.updater ? "updater present" : "no updater"}\n`,
      );
    }
  }
  return rows.some((r) => r.error) ? 1 : 0;
}

type Check = { name: string; status: "ok" | "warn" | "fail"; message: string };

async function doctor(host: Host, out: MachineOutput, json: boolean, apps: string[], base: (app: string) => UpdaterOptions): Promise<number> {
  const reports: { app: string; ok: boolean; checks: Check[] }[] = [];
  for (const app of apps) {
    const checks: Check[] = [];
    const add = (name: string, status: Check["status"], message: string): void => void checks.push({ name, status, message });
    const options = base(app);
    const config = resolveConfig(options, host);
    try {
      const loaded = await readReceipt(config);
      add("receipt", "ok", `${loaded.path}: ${app} ${loaded.receipt.version}`);
      const where = await locate(config, loaded);
      const bins = loaded.receipt.binaries.map((b) => path.join(where.binDir, b));
      const missing = [];
      for (const b of bins) if (!(await isExecutable(b))) missing.push(b);
      add("binaries", missing.length ? "fail" : "ok", missing.length ? `missing or not executable: ${missing.join(", ")}` : bins.join(", ") || "none listed");
      if (!(await isExecutable(where.updaterPath))) {
        add("updater", "fail", `${where.updaterPath} is missing: reinstall ${app} to get it`);
      } else {
        const env = Object.fromEntries(Object.entries(host.env).filter((e): e is [string, string] => e[1] !== undefined));
        const v = await probe(where.updaterPath, ["-V"], env, 10_000);
        const help = v.exitCode === 0 ? v : await probe(where.updaterPath, ["--help"], env, 10_000);
        add("updater", help.exitCode === 0 ? "ok" : "fail", help.exitCode === 0 ? `${where.updaterPath} runs (${v.exitCode === 0 ? v.output.trim() : "another updater"})` : `${where.updaterPath} does not run (${help.cannotRun ?? `exit status ${help.exitCode}`})`);
      }
      const shadows = shadowWarnings(config, where.binDir, loaded.receipt.binaries);
      add("path", shadows.length ? "warn" : "ok", shadows.length ? shadows.map((s) => s.message).join(" ") : `${where.binDir} is not shadowed on PATH`);
    } catch (caught) {
      const e = toUpdaterError(caught);
      add("receipt", "fail", `${e.code}: ${e.message}`);
    }
    if (!checks.some((c) => c.name === "receipt" && c.status === "fail")) {
      try {
        const r = await checkForUpdate({ ...options, hooks: {} });
        add("source", "ok", `reachable: latest ${r.release.version} (${r.updateAvailable ? "update available" : "up to date"})`);
      } catch (caught) {
        const e = toUpdaterError(caught);
        add("source", "fail", `${e.code}: ${e.message}`);
      }
      add("token", ...(await tokenStatus(config)));
    }
    reports.push({ app, ok: !checks.some((c) => c.status === "fail"), checks });
  }
  if (json) {
    out.json({ apps: reports, ok: reports.every((r) => r.ok) });
  } else {
    for (const r of reports) {
      out.stdout(`${r.app}: ${r.ok ? "ok" : "PROBLEMS"}\n`);
      for (const c of r.checks) out.stdout(`  [${c.status}] ${c.name.padEnd(8)} ${c.message}\n`);
    }
  }
  return reports.every((r) => r.ok) ? 0 : 1;
}

// Where the token comes from (never its value) and GitHub's rate limit, from /rate_limit (which GitHub
// does not count against the limit).
async function tokenStatus(config: Config): Promise<[Check["status"], string]> {
  if (config.source) return ["ok", "not needed for a mirror"];
  const from = config.token?.from;
  const api = githubApiBase(config.app, config.env);
  const http = await createHttp({ ...httpSettingsFor(config), attempts: 1, cacheDir: undefined, verbose: undefined });
  try {
    const res = await http.get(`${api}/rate_limit`, { accept: "application/vnd.github+json" });
    const core = res.status === 200 ? (JSON.parse(res.body.toString("utf8")) as { resources?: { core?: { limit: number; remaining: number } } }).resources?.core : undefined;
    const who = from ? `from ${from}` : "none";
    if (res.status === 401) return ["fail", `the token ${who} is rejected by GitHub (401)`];
    if (!core) return ["ok", `${who}; rate limit unknown (${res.status})`];
    return [core.remaining === 0 ? "fail" : "ok", `${who}; ${core.remaining} of ${core.limit} API requests left this hour`];
  } catch (caught) {
    return ["warn", `rate limit unknown: ${toUpdaterError(caught).message}`];
  } finally {
    await http.close();
  }
}
