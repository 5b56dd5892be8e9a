import { resolveConfig, type Host } from "../../config.js";
import { executableFileSync } from "../../io/probe.js";
import { disabledSwitch } from "../../update/disabled.js";
import { locate, readReceipt } from "../../update/locate.js";
import type { MachineOutput } from "../output.js";
import { emptyOutcome, failOutcome, machineDocument, outcomeJson } from "../report.js";

/** What `upkeep list` adds to the common per-app object. */
interface ListExtra {
  source: string | null;
  receipt: string | null;
  updater: string | null;
  /** A packager switched its updates off (UPKEEP_DISABLED or `<app>-update.disabled`): their message and where. */
  disabled: { message: string; from: string } | null;
}

/**
 * `upkeep list`: each app found, with its version (`old_version`: the one installed), prefix, source,
 * receipt and updater (null when missing), and whether a packager switched its updates off (a last
 * `disabled: <message>` column). Rows on stdout; exit 1 when a receipt is unreadable.
 */
export async function list(host: Host, out: MachineOutput, json: boolean, apps: readonly string[]): Promise<number> {
  const rows: (ReturnType<typeof emptyOutcome> & ListExtra)[] = [];
  for (const app of apps) {
    const row = { ...emptyOutcome(app), source: null, receipt: null, updater: null, disabled: null } as (typeof rows)[number];
    try {
      // No GitHub here: a bad base URL is doctor's finding, not list's.
      const config = resolveConfig({ app, env: host.env, platform: host.platform, cwd: host.cwd, cacheDir: host.cacheDir }, host, { githubBase: "when-used" });
      const loaded = await readReceipt(config);
      const where = await locate(config, loaded);
      const { source } = loaded.receipt;
      const off = await disabledSwitch(config, where.updaterPath);
      Object.assign(row, {
        app: config.app,
        result: "installed",
        oldVersion: loaded.receipt.version,
        installPrefix: where.installRoot,
        warnings: where.warnings,
        source: source.releaseType === "mirror" ? `mirror ${source.url ?? "?"}` : `${source.releaseType} ${source.owner}/${source.name}`,
        receipt: loaded.path,
        updater: executableFileSync(where.updaterPath) ? where.updaterPath : null,
        disabled: off ? { message: off.message, from: off.from } : null,
      });
    } catch (caught) {
      failOutcome(row, caught, []);
    }
    rows.push(row);
  }
  if (json) {
    out.json(
      machineDocument(
        "list",
        rows.map((r) => ({ ...outcomeJson(r), source: r.source, receipt: r.receipt, updater: r.updater, disabled: r.disabled })),
        null,
      ),
    );
  } else if (rows.length === 0) {
    out.stderr("No apps with an install receipt were found for this user.\n");
  } else {
    for (const r of rows) {
      out.stdout(
        r.error
          ? `${r.app}\t(receipt unreadable: ${r.error.message})\n`
          : `${r.app}\t${r.oldVersion}\t${r.installPrefix}\t${r.source}\t${r.updater ? "updater present" : "no updater"}${r.disabled ? `\tdisabled: ${r.disabled.message}` : ""}\n`,
      );
    }
  }
  return rows.some((r) => r.error) ? 1 : 0;
}
