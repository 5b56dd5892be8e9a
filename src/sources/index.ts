import { UpdaterError } from "../errors.js";
import type { Http } from "../io/http.js";
import type { LoadedReceipt, Platform, Warning } from "../types.js";
import { githubSource } from "./github.js";
import { mirrorSource } from "./mirror.js";
import type { ReleaseSource } from "./types.js";

export type { ReleaseSource } from "./types.js";

/** What choosing a source needs besides the receipt. */
export interface SourceContext {
  app: string;
  http: Http;
  /** The GitHub API root chosen from the environment (see `githubApiBase`). */
  apiBase: string;
  tokenFrom: string | undefined;
  verbose?: ((line: string) => void) | undefined;
  warnings: Warning[];
  /** A mirror chosen for this run (--source, <APP>_UPKEEP_SOURCE, UPKEEP_SOURCE), over the receipt's. */
  override?: string | undefined;
  cwd: string;
  /** How mirror paths are read; default the running system's. */
  platform?: Platform | undefined;
}

/** The release source a receipt names, keyed by `source.release_type`. */
export function sourceFor(loaded: LoadedReceipt, ctx: SourceContext): ReleaseSource {
  const { source } = loaded.receipt;
  if (ctx.override) return mirrorSource({ http: ctx.http, source: ctx.override, app: ctx.app, cwd: ctx.cwd, platform: ctx.platform, verbose: ctx.verbose });
  switch (source.releaseType) {
    case "mirror":
      if (!source.url) {
        throw new UpdaterError("RECEIPT_INVALID", `Install receipt ${loaded.path} is invalid: "source.url" is missing for a mirror source.`, {
          hint: `Reinstall ${ctx.app} from the mirror, or pass --source.`,
          details: { path: loaded.path, field: "source.url" },
        });
      }
      return mirrorSource({ http: ctx.http, source: source.url, app: ctx.app, cwd: ctx.cwd, platform: ctx.platform, verbose: ctx.verbose });
    case "axo":
    case "axodotdev":
      // Axo Releases shut down (cargo-dist 0.29, axoupdater 0.10); its projects also published to GitHub.
      ctx.warnings.push({
        code: "AXO_RELEASES_GONE",
        message: `The receipt names Axo Releases, which no longer exists; looking on GitHub (${source.owner}/${source.name}) instead.`,
      });
      return github(loaded, ctx);
    case "github":
      return github(loaded, ctx);
    default:
      throw new UpdaterError(
        "SOURCE_UNSUPPORTED",
        `The receipt ${loaded.path} names a release source "${source.releaseType}" that this upkeep does not support.`,
        { hint: `Supported: github, mirror. Reinstall ${ctx.app} with its installer, or use a newer ${ctx.app}-update.` },
      );
  }
}

function github(loaded: LoadedReceipt, ctx: SourceContext): ReleaseSource {
  const { owner, name } = loaded.receipt.source;
  for (const [field, value] of [
    ["source.owner", owner],
    ["source.name", name],
  ] as const) {
    if (value.trim() === "") {
      throw new UpdaterError("RECEIPT_INVALID", `Install receipt ${loaded.path} is invalid: "${field}" is empty.`, {
        hint: `Reinstall ${ctx.app} with its installer to rewrite the receipt.`,
        details: { path: loaded.path, field },
      });
    }
  }
  return githubSource({
    http: ctx.http,
    apiBase: ctx.apiBase,
    owner,
    repo: name,
    app: ctx.app,
    tokenFrom: ctx.tokenFrom,
    verbose: ctx.verbose,
  });
}
