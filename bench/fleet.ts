// npm run bench:fleet — 200 simulated hosts (separate HOMEs, real processes, 8 at a time) updating
// axolotlsay behind one fake GitHub that allows 60 API requests per hour per client, all hosts being
// one client (a NAT'ed fleet), as GitHub does for anonymous use:
//   (a) GitHub directly, (b) GitHub with the ETag cache on a repeat run, (c) a static mirror.
import { spawn } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fakeRelease, installedApp, tmpDir } from "../test/helpers/fake-app.js";
import { startFakeGithub } from "../test/helpers/fake-github.js";
import { mirrorGithub } from "../src/release/mirror-github.js";
import { loggingServer } from "../test/helpers/static-server.js";
import { runDeferred } from "../test/helpers/cleanup.js";

const HOSTS = Number(process.argv.find((a) => a.startsWith("--hosts="))?.slice(8) ?? 200);
const CONCURRENCY = 8;
const LIMIT = 60;
const exe = path.join(process.cwd(), "dist", "upkeep");
const log = (line: string) => process.stderr.write(`fleet: ${line}\n`);

type Host = ReturnType<typeof installedApp>;

function makeHosts(): Host[] {
  return Array.from({ length: HOSTS }, () => {
    const h = installedApp();
    // Every host's updater links to the one executable, as the shared store does.
    symlinkSync(exe, path.join(h.bin, "axolotlsay-update"));
    return h;
  });
}

function run(host: Host, args: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(path.join(host.bin, "axolotlsay-update"), args, { env: { ...host.env, ...env }, stdio: "ignore" });
    child.on("close", resolve);
  });
}

async function fleet(hosts: Host[], args: string[], env: Record<string, string>): Promise<{ ok: number; ms: number }> {
  const started = Date.now();
  let next = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < hosts.length) {
        const h = hosts[next++]!;
        if ((await run(h, args, env)) === 0) ok++;
      }
    }),
  );
  return { ok, ms: Date.now() - started };
}

async function main(): Promise<void> {
  const gh = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")] });
  const env = { AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase, UPKEEP_TIMEOUT: "10" };
  const apiCounts = () => {
    const api = gh.log.filter((l) => l.server === "api");
    return { total: api.length, notModified: api.filter((l) => l.status === 304).length, refused: api.filter((l) => l.status === 403).length };
  };
  const rows: { scenario: string; succeeded: number; api: number; notModified: number; refused: number; mirrorRequests: number; wallS: number }[] = [];
  const delta = (x: ReturnType<typeof apiCounts>, y: ReturnType<typeof apiCounts>) => ({
    api: y.total - x.total,
    notModified: y.notModified - x.notModified,
    refused: y.refused - x.refused,
  });

  // (a) Straight to GitHub: every update costs one counted request.
  log(`(a) GitHub directly, ${HOSTS} hosts`);
  gh.setRateLimit(LIMIT);
  let before = apiCounts();
  const a = await fleet(makeHosts(), ["--quiet"], env);
  let after = apiCounts();
  rows.push({ scenario: "(a) GitHub directly", succeeded: a.ok, ...delta(before, after), mirrorRequests: 0, wallS: a.ms / 1000 });

  // (b) GitHub with the ETag cache: the hosts checked in an earlier hour; this hour's run is answered
  //     with 304s, which GitHub does not count.
  log(`(b) GitHub with the ETag cache, ${HOSTS} hosts (after a check in an earlier hour)`);
  const cached = makeHosts();
  gh.setRateLimit(undefined);
  await fleet(cached, ["--check"], env);
  gh.setRateLimit(LIMIT);
  gh.resetRateLimit();
  before = apiCounts();
  const b = await fleet(cached, ["--quiet"], env);
  after = apiCounts();
  rows.push({ scenario: "(b) GitHub + ETag cache, repeat run", succeeded: b.ok, ...delta(before, after), mirrorRequests: 0, wallS: b.ms / 1000 });

  // (c) A static mirror, built once by the mirror tooling (what scripts/mirror.mjs runs) from GitHub,
  //     outside the limit.
  log(`(c) a static mirror, ${HOSTS} hosts`);
  gh.setRateLimit(undefined);
  const out = path.join(tmpDir("upkeep-fleet-mirror-"), "axolotlsay");
  mkdirSync(out, { recursive: true });
  await mirrorGithub(out, { app: "axolotlsay", repo: "axodotdev/axolotlsay", apiUrl: gh.apiBase });
  const server = await loggingServer(path.dirname(out));
  gh.setRateLimit(LIMIT);
  gh.resetRateLimit();
  before = apiCounts();
  const c = await fleet(makeHosts(), ["--quiet"], { ...env, UPKEEP_SOURCE: server.url });
  after = apiCounts();
  rows.push({ scenario: "(c) static mirror", succeeded: c.ok, ...delta(before, after), mirrorRequests: server.log.length, wallS: c.ms / 1000 });

  const table = [
    `| scenario (${HOSTS} hosts, ${CONCURRENCY} at a time, ${LIMIT} API requests/hour for the fleet) | hosts updated | API requests | of them 304 (not counted) | of them refused (403) | mirror requests | wall time |`,
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.scenario} | ${r.succeeded} of ${HOSTS} | ${r.api} | ${r.notModified} | ${r.refused} | ${r.mirrorRequests} | ${r.wallS.toFixed(1)} s |`,
    ),
  ].join("\n");
  process.stdout.write(`${table}\n`);
  writeFileSync(
    path.join(process.cwd(), "bench", "fleet-results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), hosts: HOSTS, concurrency: CONCURRENCY, limit: LIMIT, rows }, null, 2)}\n`,
  );
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`fleet: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => runDeferred());
