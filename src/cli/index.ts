import path from "node:path";
import { frontDoorEnv, type Host } from "../config.js";
import { runAppUpdate } from "./app-update.js";
import type { Output } from "./output.js";

export type { Output } from "./output.js";

/**
 * The executable's one command line, dispatched by the name it runs under: as `upkeep` (`upkeep.exe`,
 * any case on Windows) the machine-wide companion, `upkeep list/check/update/doctor` (loaded only then);
 * as anything else, or with AXOUPDATER_APP_NAME set, the `<app>-update` of one app. Returns the exit status.
 */
export async function runCli(host: Host, out: Output): Promise<number> {
  if (runsAsMachine(host)) return (await import("./machine/index.js")).runMachine(host, out);
  return runAppUpdate(host, out);
}

/** True when the executable is `upkeep` under its own name (and AXOUPDATER_APP_NAME is not set). */
export function runsAsMachine(host: Pick<Host, "invokedAs" | "platform" | "env" | "home" | "cwd">): boolean {
  const program = path.basename(host.invokedAs);
  const stem = program.replace(host.platform === "win32" ? /\.exe$/i : /\.exe$/, "");
  return (host.platform === "win32" ? stem.toLowerCase() : stem) === "upkeep" && !frontDoorEnv(host).appNameSet;
}
