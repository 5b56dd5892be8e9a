import path from "node:path";
import { resolveConfig, type Config, type Host, type UpdaterOptions } from "../../config.js";
import { toUpdaterError } from "../../errors.js";
import { createHttp } from "../../io/http.js";
import { isExecutable, probe } from "../../io/probe.js";
import { httpSettingsFor } from "../../update/http.js";
import { checkForUpdate } from "../../update/index.js";
import { locate, readReceipt, shadowWarnings } from "../../update/locate.js";
import type { MachineOutput } from "../output.js";
import { emptyOutcome, errorJson, machineDocument, outcomeJson, type Outcome } from "../report.js";

type Check = { name: string; status: "ok" | "warn" | "fail"; message: string };

/**
 * `upkeep doctor`: receipt, binaries, updater, PATH, source and token, checked for each app. Each app's
 * result is `ok` or `problems` (any check failed; `error` is the first failure with an error code).
 */
export async function doctor(host: Host, out: MachineOutput, json: boolean, apps: readonly string[], base: (app: string) => UpdaterOptions): Promise<number> {
  const reports: { outcome: Outcome; checks: Check[] }[] = [];
  for (const app of apps) {
    const checks: Check[] = [];
    const outcome = emptyOutcome(app);
    const add = (name: string, status: Check["status"], message: string): void => void checks.push({ name, status, message });
    const failed = (name: string, caught: unknown): void => {
      const e = toUpdaterError(caught);
      outcome.error ??= errorJson(e, []);
      add(name, "fail", `${e.code}: ${e.message}`);
    };
    const options = base(app);
    // A bad GitHub base is reported by the source and token checks, not thrown here.
    const config = resolveConfig(options, host, { githubBase: "when-used" });
    try {
      const loaded = await readReceipt(config);
      add("receipt", "ok", `${loaded.path}: ${app} ${loaded.receipt.version}`);
      outcome.oldVersion = loaded.receipt.version;
      const where = await locate(config, loaded);
      outcome.installPrefix = where.installRoot;
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
        add(
          "updater",
          help.exitCode === 0 ? "ok" : "fail",
          help.exitCode === 0
            ? `${where.updaterPath} runs (${v.exitCode === 0 ? v.output.trim() : "another updater"})`
            : `${where.updaterPath} does not run (${help.cannotRun ?? `exit status ${help.exitCode}`})`,
        );
      }
      const shadows = shadowWarnings(config, where.binDir, loaded.receipt.binaries);
      add("path", shadows.length ? "warn" : "ok", shadows.length ? shadows.map((s) => s.message).join(" ") : `${where.binDir} is not shadowed on PATH`);
    } catch (caught) {
      failed("receipt", caught);
    }
    if (!checks.some((c) => c.name === "receipt" && c.status === "fail")) {
      try {
        const r = await checkForUpdate({ ...options, hooks: {} });
        Object.assign(outcome, { app: r.app, newVersion: r.release.version, tag: r.release.tag, warnings: r.warnings });
        add("source", "ok", `reachable: latest ${r.release.version} (${r.updateAvailable ? "update available" : "up to date"})`);
        const unchecked = r.warnings.find((w) => w.code === "SIGNATURE_UNCHECKED");
        add(
          "signature",
          unchecked ? "warn" : "ok",
          r.signature.keySource
            ? `releases must be signed by key ${r.signature.keys.join(", ")} (pinned from ${r.signature.keyFrom})`
            : (unchecked?.message ?? "no signing key is pinned; updates are checked against the release's SHA-256 only"),
        );
      } catch (caught) {
        failed("source", caught);
      }
      add("token", ...(await tokenStatus(config)));
    }
    outcome.result = checks.some((c) => c.status === "fail") ? "problems" : "ok";
    reports.push({ outcome, checks });
  }
  if (json) {
    out.json(
      machineDocument(
        "doctor",
        reports.map((r) => ({ ...outcomeJson(r.outcome), checks: r.checks })),
        null,
      ),
    );
  } else {
    for (const r of reports) {
      out.stdout(`${r.outcome.app}: ${r.outcome.result === "ok" ? "ok" : "PROBLEMS"}\n`);
      for (const c of r.checks) out.stdout(`  [${c.status}] ${c.name.padEnd(8)} ${c.message}\n`);
    }
  }
  return reports.every((r) => r.outcome.result === "ok") ? 0 : 1;
}

// Where the token comes from (never its value) and GitHub's rate limit, from /rate_limit (which GitHub
// does not count against the limit).
async function tokenStatus(config: Config): Promise<[Check["status"], string]> {
  if (config.source) return ["ok", "not needed for a mirror"];
  const from = config.token?.from;
  let api: string;
  try {
    api = config.githubApiBase();
  } catch (caught) {
    return ["fail", toUpdaterError(caught).message];
  }
  const http = await createHttp({ ...httpSettingsFor(config), attempts: 1, cacheDir: undefined, verbose: undefined });
  try {
    const res = await http.get(`${api}/rate_limit`, { accept: "application/vnd.github+json" });
    const core =
      res.status === 200
        ? (JSON.parse(res.body.toString("utf8")) as { resources?: { core?: { limit: number; remaining: number } } }).resources?.core
        : undefined;
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
