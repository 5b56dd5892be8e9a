// upkeep's benchmarks (npm run bench): start-up, size, requests, wall time, memory and disk, each
// against its floor. Never part of npm test. Writes bench/results.json and docs/benchmarks.md.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSea } from "../src/release/sea.js";
import { buildTarget, HOST } from "../src/release/targets.js";
import { fakeRelease, installedApp, releaseFromDir, tmpDir } from "../test/helpers/fake-app.js";
import { startFakeGithub, type FakeGithub } from "../test/helpers/fake-github.js";
import { makeRelease } from "../test/helpers/installers.js";
import { runDeferred } from "../test/helpers/cleanup.js";

const root = process.cwd();
const exe = path.join(root, "dist", "upkeep");
const quick = process.argv.includes("--quick");
const RUNS = quick ? 5 : 40;
const LATENCY_MS = 50;

type Stats = { min: number; median: number; max: number; runs: number };
const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: round(s[0]!), median: round(s[Math.floor(s.length / 2)]!), max: round(s.at(-1)!), runs: s.length };
};
const round = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number, digits = 2) => Number((a / b).toFixed(digits));
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function run(file: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, stdout }));
  });
}

// Peak RSS (KB) of a command, from GNU time.
function peakRss(file: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = path.join(tmpDir(), "time.txt");
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", out, file, ...args], { env, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve(Number(readFileSync(out, "utf8").trim().split("\n").at(-1))));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = tmpDir("upkeep-bench-");

  // The floor: hello world through the same pipeline.
  log("building the hello-world floor");
  const helloBundle = path.join(work, "hello.cjs");
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [path.join(root, "bench", "hello.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: true,
    outfile: helloBundle,
    logLevel: "warning",
  });
  const hello = await buildSea({ bundle: helloBundle, out: path.join(work, "hello"), target: HOST, cacheDir: path.join(root, ".cache", "node") });

  // 1. Start-up: --help, interleaved runs so both see the same machine state.
  log(`start-up, ${RUNS} runs each`);
  const app = installedApp();
  const updater = path.join(app.bin, "axolotlsay-update");
  copyFileSync(exe, updater);
  const env = { ...app.env };
  for (let i = 0; i < 3; i++) {
    await run(updater, ["--help"], env);
    await run(hello, ["--help"], env);
  }
  const ours: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push((await run(updater, ["--help"], env)).ms);
    floor.push((await run(hello, ["--help"], env)).ms);
  }
  const startup = { upkeep: stats(ours), floor: stats(floor), ratio: ratio(stats(ours).median, stats(floor).median) };

  // 2. Size: against the bare runtime (the same Node, stripped as the build strips it).
  log("sizes (xz takes ~40 s)");
  const bare = path.join(work, "node-stripped");
  copyFileSync(path.join(root, "node_modules", buildTarget(HOST).pkg, buildTarget(HOST).file), bare);
  execFileSync("strip", [bare]);
  const xzSize = Number(execFileSync("sh", ["-c", `xz -6 -T0 -c "${exe}" | wc -c`], { encoding: "utf8" }).trim());
  const size = {
    upkeepBytes: statSync(exe).size,
    runtimeBytes: statSync(bare).size,
    helloBytes: statSync(hello).size,
    ratio: ratio(statSync(exe).size, statSync(bare).size, 3),
    tarXzBytes: xzSize,
  };

  // 3. Requests and wall time against a fake GitHub with 50 ms per request.
  const many = (tag: (v: string) => string) =>
    Array.from({ length: 250 }, (_, i) => {
      const v = i === 0 ? "2.0.0" : `1.0.${250 - i}`;
      return fakeRelease(v, { tag: tag(v) });
    });
  async function scenario(name: string, gh: FakeGithub, args: string[], expectCode: number, reset?: () => void) {
    log(`${name}, ${quick ? 3 : 10} runs`);
    const times: number[] = [];
    let requests = 0;
    for (let i = 0; i < (quick ? 3 : 10); i++) {
      reset?.();
      const before = gh.log.length;
      const r = await run(updater, args, { ...env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase });
      if (r.code !== expectCode) throw new Error(`${name}: exit ${r.code}, expected ${expectCode}`);
      times.push(r.ms);
      requests = gh.log.slice(before).filter((l) => l.server === "api").length;
    }
    return { apiRequests: requests, wallMs: stats(times) };
  }
  const ghV = await startFakeGithub({ releases: many((v) => `v${v}`), latencyMs: LATENCY_MS });
  const ghApp = await startFakeGithub({ releases: many((v) => `axolotlsay-v${v}`), latencyMs: LATENCY_MS });
  const receipt = readFileSync(app.receiptPath, "utf8");
  const binary = readFileSync(path.join(app.bin, "axolotlsay"));
  const resetApp = () => {
    writeFileSync(app.receiptPath, receipt);
    writeFileSync(path.join(app.bin, "axolotlsay"), binary, { mode: 0o755 });
    copyFileSync(exe, updater);
  };
  const network = {
    latestCheck: await scenario("latest check", ghV, ["--check"], 100),
    versionAmong250: await scenario("--version among 250 (v tags)", ghV, ["--check", "--version", "1.0.120"], 100),
    versionAmong250OtherTags: await scenario("--version among 250 (app-v tags)", ghApp, ["--check", "--version", "1.0.120"], 100),
    fullUpdate: await scenario("full update", ghV, ["--quiet"], 0, resetApp),
  };

  // 4. Peak RSS of a full update against the floor's.
  log("peak RSS");
  const rssOurs: number[] = [];
  const rssFloor: number[] = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    resetApp();
    rssOurs.push(await peakRss(updater, ["--quiet"], { ...env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: ghV.gheBase }));
    rssFloor.push(await peakRss(hello, ["--help"], env));
  }
  const rss = { updateKb: stats(rssOurs), floorKb: stats(rssFloor), ratio: ratio(stats(rssOurs).median, stats(rssFloor).median) };

  // 5. Disk: N installs of an app with our installer, each with its own <app>-update: copies vs the shared store.
  log("disk for 1, 5 and 20 installs, copy vs shared");
  const upkeep = readFileSync(exe);
  const rel = makeRelease({ version: "1.0.0", updater: () => upkeep });
  const ghDisk = await startFakeGithub({ releases: [releaseFromDir(rel, "v1.0.0")] });
  const disk: Record<string, { copyBytes: number; sharedBytes: number }> = {};
  for (const n of [1, 5, 20]) {
    const sizes: number[] = [];
    for (const mode of ["copy", "shared"]) {
      const home = tmpDir("upkeep-disk-");
      for (let i = 0; i < n; i++) {
        // Asynchronously: the fake GitHub answering the installer lives in this process.
        const r = await run("sh", [path.join(rel, "axolotlsay-installer.sh"), "-q"], {
          HOME: home,
          PATH: "/usr/bin:/bin",
          AXOLOTLSAY_INSTALLER_GHE_BASE_URL: ghDisk.gheBase,
          AXOLOTLSAY_INSTALL_DIR: path.join(home, `app${i}`),
          ...(mode === "copy" ? { UPKEEP_NO_SHARED_UPDATER: "1" } : {}),
        });
        if (r.code !== 0) throw new Error(`install ${i} (${mode}) failed with ${r.code}`);
      }
      sizes.push(Number(execFileSync("du", ["-sb", home], { encoding: "utf8" }).split("\t")[0]));
      rmSync(home, { recursive: true, force: true });
    }
    disk[String(n)] = { copyBytes: sizes[0]!, sharedBytes: sizes[1]! };
  }

  const results = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, ${mb(os.totalmem())} MB RAM, ${os.type()} ${os.release()}`,
    node: buildTarget(HOST).version,
    latencyMs: LATENCY_MS,
    startup,
    size,
    network,
    rss,
    disk,
    durationS: Math.round((Date.now() - started) / 1000),
    targets: { startupRatio: 1.15, sizeRatio: 1.1, rssRatio: 1.3, versionRequests: 2 },
  };
  mkdirSync(path.join(root, "bench"), { recursive: true });
  writeFileSync(path.join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const table = render(results);
  process.stdout.write(`${table}\n`);
  writeFileSync(
    path.join(root, "docs", "benchmarks.md"),
    `# Benchmarks\n\nMade by \`npm run bench\` on ${results.date.slice(0, 10)}, ${results.machine}. Each figure is min / median / max over the runs shown; start-up runs alternate between upkeep and the floor.\n\n${table}\n`,
  );
}

function render(r: any): string {
  const s = (x: Stats) => `${x.min} / ${x.median} / ${x.max} (${x.runs} runs)`;
  const ok = (pass: boolean) => (pass ? "met" : "**missed**");
  const rows = [
    ["start-up `--help` (ms)", s(r.startup.upkeep), `floor ${s(r.startup.floor)}`, `${r.startup.ratio}× (target ≤ 1.15×: ${ok(r.startup.ratio <= 1.15)})`],
    [
      "executable size",
      `${mb(r.size.upkeepBytes)} MB`,
      `bare runtime ${mb(r.size.runtimeBytes)} MB`,
      `${r.size.ratio}× (target ≤ 1.1×: ${ok(r.size.ratio <= 1.1)})`,
    ],
    ["archive (.tar.xz)", `${mb(r.size.tarXzBytes)} MB`, `hello ${mb(r.size.helloBytes)} MB uncompressed`, ""],
    ["latest check", `${r.network.latestCheck.apiRequests} request(s)`, `wall ms ${s(r.network.latestCheck.wallMs)}`, `${r.latencyMs} ms latency per request`],
    [
      "`--version` among 250 (v tags)",
      `${r.network.versionAmong250.apiRequests} request(s)`,
      `wall ms ${s(r.network.versionAmong250.wallMs)}`,
      `target ≤ 2: ${ok(r.network.versionAmong250.apiRequests <= 2)}`,
    ],
    [
      "`--version` among 250 (app-v tags)",
      `${r.network.versionAmong250OtherTags.apiRequests} request(s)`,
      `wall ms ${s(r.network.versionAmong250OtherTags.wallMs)}`,
      "tag guess misses, then 100 per page",
    ],
    ["full update", `${r.network.fullUpdate.apiRequests} API request(s)`, `wall ms ${s(r.network.fullUpdate.wallMs)}`, "plus the installer download"],
    ["peak RSS, full update (KB)", s(r.rss.updateKb), `floor ${s(r.rss.floorKb)}`, `${r.rss.ratio}× (target ≤ 1.3×: ${ok(r.rss.ratio <= 1.3)})`],
    ...Object.entries(r.disk).map(([n, d]: [string, any]) => [
      `disk, ${n} app install(s)`,
      `copy ${mb(d.copyBytes)} MB`,
      `shared ${mb(d.sharedBytes)} MB`,
      `${round(d.copyBytes / d.sharedBytes)}× smaller shared`,
    ]),
  ];
  return ["| measure | upkeep | against | result |", "|---|---|---|---|", ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => runDeferred());
