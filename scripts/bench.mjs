#!/usr/bin/env node
// `npm run bench`: bundles bench/bench.ts (which reuses the test helpers; they import no vitest) and
// runs it. Results: a table on stdout, bench/results.json and docs/benchmarks.md.
// `npm run bench:fleet` runs bench/fleet.ts; `--help` bundles and runs nothing. A launcher: the
// logic is src/release/bench.ts.
import { tooling } from "./lib/tooling.mjs";

process.exitCode = await tooling.bench(process.argv.slice(2), { execPath: process.execPath });
