import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Two cores in CI; more workers only add contention.
    maxWorkers: 4,
    // The second reporter fails the run under CI when any test was skipped (why a reporter and not a
    // setup file: see its header). An absolute path, so a run with another --root finds it too.
    reporters: ["default", fileURLToPath(new URL("./test/helpers/ci-skips-reporter.ts", import.meta.url))],
    // Runs the cleanups the helpers deferred (test/helpers/cleanup.ts): the helpers import no vitest.
    setupFiles: [fileURLToPath(new URL("./test/vitest.setup.ts", import.meta.url))],
  },
});
