import path from "node:path";
import type { Config } from "../config.js";
import { managedPrefix } from "../core/managed.js";
import { UpdaterError } from "../errors.js";
import { unwritableReason } from "../io/probe.js";
import type { LoadedReceipt } from "../types.js";
import type { Location } from "./locate.js";

/**
 * Before anything is downloaded: refuses a package manager's directory (MANAGED_PREFIX) and one this
 * user cannot write (NOT_WRITABLE), for the bin dir and the receipt's directory.
 */
export async function preflight(config: Config, loaded: LoadedReceipt, where: Location): Promise<void> {
  const app = config.app;
  const manager = managedPrefix(where.binDir, config.platform) ?? managedPrefix(where.installRoot, config.platform);
  if (manager) {
    throw new UpdaterError("MANAGED_PREFIX", `${app} in ${where.binDir} belongs to ${manager.name}; updating it here would go behind ${manager.name}'s back.`, {
      hint: `Update it with ${manager.command(app)}.`,
      details: { manager: manager.name, dir: where.binDir },
    });
  }
  for (const dir of [where.binDir, path.dirname(loaded.path)]) {
    const why = await unwritableReason(dir);
    if (!why) continue;
    throw new UpdaterError(
      "NOT_WRITABLE",
      why.missing
        ? `Cannot update ${app}: ${dir}, where the receipt says it is installed, does not exist.`
        : `Cannot update ${app}: ${dir} is not writable by you; it belongs to ${why.owner}.`,
      {
        hint: why.missing
          ? `Reinstall ${app} with its installer.`
          : `Run the update as that user (e.g. sudo ${app}-update), or reinstall ${app} into a directory you own.`,
        details: { dir, owner: why.owner || null },
      },
    );
  }
}
