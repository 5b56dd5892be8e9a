import { resolveConfig, type Host } from "../../config.js";
import { toUpdaterError } from "../../errors.js";
import { executableFileSync } from "../../io/probe.js";
import { locate, readReceipt } from "../../update/locate.js";
import type { MachineOutput } from "../output.js";

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

/** `upkeep list`: each app found, with its version, prefix, source, receipt and whether its updater is there. */
export async function list(host: Host, out: MachineOutput, json: boolean, apps: readonly string[]): Promise<number> {
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

