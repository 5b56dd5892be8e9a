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

runCli(readHost(), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
}, crash);
