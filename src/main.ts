import { runCli } from "./cli.js";
import { readHost } from "./config.js";

// Entry point of the single executable and of `node dist/upkeep.cjs`. No stack trace ever reaches the user.
function crash(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error[INTERNAL]: Unexpected error: ${message}\nhint: This is a bug in upkeep; please report it.\n`);
  process.exitCode = 1;
}

process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);

// The first SIGINT/SIGTERM stops the update cleanly (the installer is stopped, the previous version
// restored); a second one exits at once.
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}

runCli({ ...readHost(), signal: controller.signal }, {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
}, crash);
