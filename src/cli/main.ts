import { processSecrets, readHost } from "../config.js";
import { redact } from "../core/redact.js";
import { front, runsAsMachine } from "./front.js";
import type { Output } from "./output.js";
import { SCHEMA } from "./report.js";

// Entry point of the single executable and of `node dist/upkeep.cjs`. No stack trace ever reaches the user.
// With --json, even a crash prints its one JSON object on stdout (unless one was printed already).
const wantsJson = process.argv.slice(2).includes("--json");
let printedJson = false;
// `upkeep <command>` prints its envelope even for a crash; <app>-update its one object.
let machine = false;

function crash(error: unknown): void {
  const message = redact(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`, processSecrets());
  const hint = "This is a bug in upkeep; please report it.";
  process.exitCode = 1;
  if (!wantsJson) {
    process.stderr.write(`error[INTERNAL]: ${message}\nhint: ${hint}\n`);
  } else if (!printedJson) {
    printedJson = true;
    const error = { code: "INTERNAL", message, hint };
    const doc = machine
      ? { schema: SCHEMA, command: null, results: [], ok: false, error }
      : { schema: SCHEMA, app: null, result: "failed", old_version: null, new_version: null, tag: null, install_prefix: null, warnings: [], error };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
  }
}

process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);

// The first SIGINT/SIGTERM stops the update cleanly (the installer is stopped, the previous version
// restored); a second one exits at once. Caught only once there is work: --help needs no handlers.
function catchSignals(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    });
  }
  return controller.signal;
}

async function main(): Promise<number> {
  const host = readHost();
  machine = runsAsMachine(host);
  const out: Output = {
    stdout: (text) => {
      printedJson ||= wantsJson;
      process.stdout.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
  };
  // --help, -V and usage errors are answered here, before anything else is loaded.
  const first = front(host, out);
  if ("done" in first) return first.done;
  const signal = catchSignals();
  // Started in a directory that was since deleted: move to the fallback (HOME or /), so that children
  // (the installer, the checks of the new binaries) and relative paths work. The CLI still knows, for
  // AXOUPDATER_CONFIG_WORKING_DIR.
  if (host.cwdMissing) {
    try {
      process.chdir(host.cwd);
    } catch {
      // stays where it is; only what needs the working directory fails
    }
  }
  const { runParsed } = await import("./index.js");
  exitAtOnce = first.door === "app" && first.args.notify;
  return runParsed({ ...host, signal }, out, first);
}

// `--notify` runs while an app waits for it: once answered, nothing still under way (an aborted request
// closing, a record being written) may hold the process. stderr is synchronous on terminals and pipes.
let exitAtOnce = false;

main().then((code) => {
  process.exitCode = code;
  if (exitAtOnce) process.exit(code);
}, crash);
