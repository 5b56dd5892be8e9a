import path from "node:path";
import type { Config } from "../config.js";
import { compareVersions } from "../core/compare.js";
import { planInstall, type InstallPlan } from "../core/plan.js";
import { samePath } from "../core/prefix.js";
import { describeRequest, isUpdateNeeded } from "../core/select.js";
import { sourceFor } from "../sources/index.js";
import type { LoadedReceipt, Release, Warning } from "../types.js";
import type { RunHttp } from "./http.js";

/** The release a run selected, and the plan to install it (undefined: nothing to do). */
export interface Selection {
  release: Release;
  plan: InstallPlan | undefined;
}

/**
 * Asks the receipt's source (or the run's mirror) for the release the request selects and, when it is an
 * update, plans its install: installer asset, checksums, the installer's environment. Changes nothing.
 */
export async function selectRelease(config: Config, http: RunHttp, loaded: LoadedReceipt, warnings: Warning[], pinned = false): Promise<Selection> {
  const { receipt } = loaded;
  const verbose = config.hooks.verbose;
  const source = sourceFor(loaded, {
    app: config.app,
    http,
    apiBase: config.githubApiBase(),
    tokenFrom: config.token?.from,
    verbose,
    warnings,
    override: config.source,
    cwd: config.cwd,
  });
  // A mirror needs no token: none is sent to it, nor given to its installer.
  if (source.kind === "mirror") http.dropToken?.();
  verbose?.(`Looking for ${describeRequest(config.request)} in ${source.description}`);
  const release = await source.find(config.request);
  verbose?.(`Selected ${release.tag} (${release.version}); installed is ${receipt.version}`);
  const needed = isUpdateNeeded(receipt.version, release.version, config.request, config.force, pinned);
  const older = compareVersions(release.version, receipt.version) < 0;
  if (pinned && older && !needed)
    verbose?.(`Not installing ${release.version} as the latest: it is older than ${receipt.version}, and a signing key is pinned`);
  if (pinned && older && needed) {
    warnings.push({
      code: "DOWNGRADE",
      message: `Installing ${release.version}, older than the installed ${receipt.version}, because ${describeRequest(config.request)} was asked for; its signature is checked as for any update.`,
    });
  }
  const plan = needed
    ? planInstall({
        app: config.app,
        platform: config.platform,
        release,
        receipt,
        env: config.env,
        token: source.kind === "github" ? config.token?.value : undefined,
        configHome: configHomeFor(config, loaded),
        downloadBase: source.downloadBase?.(release),
        requireChecksum: source.kind === "mirror",
      })
    : undefined;
  return { release, plan };
}

/** The receipt's parent config directory when the installer would otherwise write a second receipt elsewhere. */
export function configHomeFor(config: Pick<Config, "receiptVars" | "platform">, loaded: Pick<LoadedReceipt, "path" | "standardLocation">): string | undefined {
  if (!loaded.standardLocation) return undefined;
  const base = path.dirname(path.dirname(loaded.path));
  const xdg = config.receiptVars.xdgConfigHome;
  return xdg !== undefined && xdg !== "" && !samePath(xdg, base, config.platform) ? base : undefined;
}
