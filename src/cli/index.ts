import type { Host } from "../config.js";
import { runAppUpdate } from "./app-update.js";
import { front, type Parsed } from "./front.js";
import type { Output } from "./output.js";

export type { Output } from "./output.js";

/**
 * The executable's one command line, dispatched by the name it runs under: as `upkeep` (`upkeep.exe`,
 * any case on Windows) the machine-wide companion, `upkeep list/check/update/doctor` (loaded only then);
 * as anything else, or with AXOUPDATER_APP_NAME set, the `<app>-update` of one app. Returns the exit status.
 */
export async function runCli(host: Host, out: Output): Promise<number> {
  const first = front(host, out);
  return "done" in first ? first.done : runParsed(host, out, first);
}

/** The work a parsed command line asks for (the entry point calls this after {@link front}). */
export async function runParsed(host: Host, out: Output, parsed: Parsed): Promise<number> {
  if (parsed.door === "app") return runAppUpdate(host, out, parsed.args);
  return (await import("./machine/index.js")).runMachine(host, out, parsed.args);
}
