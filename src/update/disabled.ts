import type { Config } from "../config.js";
import { DISABLED_FILE_LIMIT, disabledError, disabledFilePath, disabledFromEnv, disabledFromFile, type DisabledSwitch } from "../core/disabled.js";
import { ownUpdaterPath } from "../core/self-move.js";
import { readDisabledFile } from "../io/disabled-file.js";

export type { DisabledSwitch };

/**
 * Whether updating `config.app` is switched off, and why: UPKEEP_DISABLED first, then a
 * `<app>-update.disabled` file beside `updaterPath` (default: beside `config.executablePath`, the path
 * the updater was invoked by, a link's own place, not the shared store file it points to). Without
 * either path only the variable is looked at. Reads at most one small file; sends nothing.
 */
export async function disabledSwitch(config: Config, updaterPath?: string): Promise<DisabledSwitch | undefined> {
  const byEnv = disabledFromEnv(config.disabledVar, config.app);
  if (byEnv) return byEnv;
  const updater = updaterPath ?? (config.executablePath ? ownUpdaterPath(config.executablePath, config.app, config.platform) : undefined);
  if (updater === undefined) return undefined;
  const file = disabledFilePath(updater, config.app, config.platform);
  const read = await readDisabledFile(file, DISABLED_FILE_LIMIT);
  return read === undefined ? undefined : disabledFromFile(file, read, config.app);
}

/** Throws DISABLED when {@link disabledSwitch} finds updates switched off. */
export async function refuseIfDisabled(config: Config, updaterPath?: string): Promise<void> {
  const found = await disabledSwitch(config, updaterPath);
  if (found) {
    config.hooks.verbose?.(`Updates switched off by ${found.from}`);
    throw disabledError(config.app, found);
  }
}
