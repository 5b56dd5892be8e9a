// `npm run bench` (scripts/bench.mjs): bundles bench/bench.ts (which reuses the test helpers: they
// import no vitest, and the bench runs their deferred cleanups itself) and runs it. Results: a table
// on stdout, bench/results.json and docs/benchmarks.md. `npm run bench:fleet` runs bench/fleet.ts the
// same way.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./checkout.js";

export const USAGE = `Usage: npm run bench [-- --quick]          start-up, size, requests, memory, disk (bench/bench.ts)
       npm run bench:fleet [-- --hosts=N]   the fleet simulation (bench/fleet.ts)
       node scripts/bench.mjs FILE.ts [ARGS]  another file in bench/
       --help                               bundle the benchmark, print this, run nothing`;

/** Which file in bench/ argv asks for (`fleet`, `<name>.ts`, or the benchmarks), and its own arguments. */
export function benchEntry(argv: readonly string[]): { entry: string; args: string[] } {
  const first = argv[0];
  if (first === "fleet") return { entry: "fleet.ts", args: argv.slice(1) };
  if (first?.endsWith(".ts")) return { entry: first, args: argv.slice(1) };
  return { entry: "bench.ts", args: [...argv] };
}

/** scripts/bench.mjs: argv (without node and the script) → exit status of the benchmark. */
export async function main(argv: string[], settings: { execPath: string; root?: string | undefined }): Promise<number> {
  const root = settings.root ?? ROOT;
  const { entry, args } = benchEntry(argv);
  const esbuild = await import("esbuild");
  const out = path.join(root, ".cache", "bench", entry.replace(/\.ts$/, ".mjs"));
  await esbuild.build({
    entryPoints: [path.join(root, "bench", entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile: out,
    packages: "external",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "warning",
  });
  if (args.includes("--help")) {
    process.stdout.write(`${USAGE}\n`);
    process.stderr.write(`bench: bundled bench/${entry} into ${path.relative(root, out)}; nothing run\n`);
    return 0;
  }
  const r = spawnSync(settings.execPath, [out, ...args], { stdio: "inherit", cwd: root });
  return r.status ?? 1;
}
