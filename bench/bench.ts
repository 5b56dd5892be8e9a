// Over 200 lines: one benchmark run, each measure against its floor, and the table it writes.
// upkeep's benchmarks (npm run bench): start-up, size, requests, wall time, own time, bytes per update,
// memory and disk. Never part of npm test. Writes bench/results.json and docs/benchmarks.md.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSea } from "../src/release/sea.js";
import { buildTarget, HOST } from "../src/release/targets.js";
import { fakeRelease, installedApp, releaseFromDir, tmpDir } from "../test/helpers/fake-app.js";
import { startFakeGithub, type FakeGithub, type LoggedRequest } from "../test/helpers/fake-github.js";
import { makeRelease, which } from "../test/helpers/installers.js";
import { runDeferred } from "../test/helpers/cleanup.js";

const root = process.cwd();
const exe = path.join(root, "dist", "upkeep");
const quick = process.argv.includes("--quick");
// Start-up: hyperfine runs per command, split into rounds that alternate with the floor's.
const RUNS = quick ? 20 : 200;
const ROUNDS = quick ? 2 : 10;
const LATENCY_MS = 50;

type Stats = { min: number; median: number; max: number; runs: number };
const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: round(s[0]!), median: round(s[Math.floor(s.length / 2)]!), max: round(s.at(-1)!), runs: s.length };
};
const round = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number, digits = 2) => Number((a / b).toFixed(digits));
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const mib = (n: number) => (n === 0 ? "0 B" : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

type Run = { code: number | null; ms: number; stdout: string; stderr: string };

function run(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, stdout, stderr }));
  });
}

// Whole processes side by side, timed by hyperfine -N (no shell, no Node spawn in between): each round runs
// every command in turn, so drift on a shared machine hits all of them alike. Milliseconds per command.
function hyperfine(commands: Record<string, string>, env: Record<string, string>, work: string): Record<string, number[]> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  const out = path.join(work, "hyperfine.json");
  for (let round = 0; round < ROUNDS; round++) {
    const args = ["-N", "-i", "--warmup", "3", "-r", String(Math.ceil(RUNS / ROUNDS)), "--export-json", out, ...Object.values(commands)];
    execFileSync("hyperfine", args, { env, stdio: "ignore" });
    const results = (JSON.parse(readFileSync(out, "utf8")) as { results: { times: number[] }[] }).results;
    for (const [i, k] of Object.keys(commands).entries()) times[k]!.push(...(results[i]?.times ?? []).map((t) => t * 1000));
  }
  return times;
}

// --verbose's "[+123ms] Installer … started/exited" lines: how long the installer ran, by upkeep's own clock.
function installerMs(stderr: string): number {
  const at = (what: string) => Number(new RegExp(`\\[\\+(\\d+)ms\\] Installer \\S+ ${what}`).exec(stderr)?.[1]);
  const ms = at("exited") - at("started");
  if (!Number.isFinite(ms)) throw new Error(`no installer start and exit in the --verbose output:\n${stderr}`);
  return ms;
}

// A request upkeep made (the installer's downloads name curl or wget).
const byUpkeep = (l: LoggedRequest): boolean => String(l.headers["user-agent"] ?? "").startsWith("upkeep/");

// What one step downloaded from the fake GitHub: all body bytes, and those of the updater asset.
type Moved = { total: number; updater: number; asset: string | null };
function movedBy(requests: readonly LoggedRequest[]): Moved {
  const updater = requests.filter((l) => /-update(\.xz|\.zip)?$/.test(l.path) && (l.bytes ?? 0) > 0);
  const sum = (ls: readonly LoggedRequest[]) => ls.reduce((n, l) => n + (l.bytes ?? 0), 0);
  return { total: sum(requests), updater: sum(updater), asset: updater.map((l) => path.basename(l.path)).join(", ") || null };
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

  // 1. Start-up as whole processes: upkeep under its own name and as <app>-update, against the floor.
  if (which("hyperfine") === "") throw new Error("hyperfine is not installed (npm run setup installs it)");
  log(`start-up, ${RUNS} runs each in ${ROUNDS} rounds (hyperfine -N)`);
  const app = installedApp();
  const updater = path.join(app.bin, "axolotlsay-update");
  copyFileSync(exe, updater);
  const machine = path.join(work, "upkeep");
  copyFileSync(exe, machine);
  const env = { ...app.env };
  const commands = {
    floor: `${hello} --help`,
    help: `${machine} --help`,
    version: `${machine} -V`,
    usageError: `${updater} --bogus`,
    appHelp: `${updater} --help`,
  };
  const times = hyperfine(commands, env, work);
  const floorStats = stats(times.floor!);
  const startup = Object.fromEntries(
    Object.entries(commands).map(([k, command]) => {
      const st = stats(times[k]!);
      return [k, { command: command.replace(work, "<work>").replace(app.home, "<home>"), ms: st, ratio: ratio(st.median, floorStats.median) }];
    }),
  );

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
    const own: number[] = [];
    let requests = 0;
    for (let i = 0; i < (quick ? 3 : 10); i++) {
      reset?.();
      const before = gh.log.length;
      const r = await run(updater, args, { ...env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase });
      if (r.code !== expectCode) throw new Error(`${name}: exit ${r.code}, expected ${expectCode}\n${r.stderr}`);
      times.push(r.ms);
      const made = gh.log.slice(before);
      requests = made.filter((l) => l.server === "api").length;
      // upkeep's own time: the wall time less the installer's run and the latency the fake adds to each of its requests.
      if (args.includes("--verbose")) own.push(r.ms - installerMs(r.stderr) - made.filter(byUpkeep).length * LATENCY_MS);
    }
    return { apiRequests: requests, wallMs: stats(times), ...(own.length ? { ownMs: stats(own) } : {}) };
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
    fullUpdate: await scenario("full update", ghV, ["--verbose"], 0, resetApp),
  };
  const ownTime = { ownMs: network.fullUpdate.ownMs!, floorMs: floorStats, ratio: ratio(network.fullUpdate.ownMs!.median, floorStats.median) };

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

  // 6. Bytes per update through our installer: install v1, update to v2 (a new upkeep build), then to v3 (the same build again).
  log(`bytes per update, ${quick ? 1 : 3} run(s): install, update with a new upkeep build, repeat update with the same build`);
  const newBuild = Buffer.concat([upkeep, Buffer.from("\n# bench: another build of upkeep\n")]);
  const relV2 = makeRelease({ version: "2.0.0", updater: () => newBuild });
  const relV3 = makeRelease({ version: "3.0.0", updater: () => newBuild });
  const released = { v1: releaseFromDir(rel, "v1.0.0"), v2: releaseFromDir(relV2, "v2.0.0"), v3: releaseFromDir(relV3, "v3.0.0") };
  const moved = { install: [] as Moved[], firstUpdate: [] as Moved[], repeatUpdate: [] as Moved[] };
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const gh = await startFakeGithub({ releases: [released.v2, released.v1] });
    const home = tmpDir("upkeep-bytes-");
    const base = { HOME: home, PATH: "/usr/bin:/bin", AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase, AXOLOTLSAY_INSTALL_DIR: path.join(home, "app") };
    const step = async (file: string, args: string[], into: Moved[]): Promise<void> => {
      const before = gh.log.length;
      const r = await run(file, args, base);
      if (r.code !== 0) throw new Error(`${path.basename(file)} ${args.join(" ")} failed with ${r.code}:\n${r.stderr}`);
      into.push(movedBy(gh.log.slice(before)));
    };
    await step("sh", [path.join(rel, "axolotlsay-installer.sh"), "-q"], moved.install);
    const installed = [path.join(home, "app", "bin", "axolotlsay-update"), path.join(home, "app", "axolotlsay-update")].find((f) => existsSync(f));
    if (!installed) throw new Error(`the installer put no axolotlsay-update under ${path.join(home, "app")}`);
    await step(installed, ["--quiet"], moved.firstUpdate);
    gh.releases.unshift(released.v3);
    await step(installed, ["--quiet"], moved.repeatUpdate);
    await gh.close();
    rmSync(home, { recursive: true, force: true });
  }
  const bytes = Object.fromEntries(
    Object.entries(moved).map(([k, runs]) => [
      k,
      { totalBytes: stats(runs.map((m) => m.total)), updaterBytes: stats(runs.map((m) => m.updater)), updaterAsset: runs[0]?.asset ?? null },
    ]),
  );

  const results = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, ${mb(os.totalmem())} MB RAM, ${os.type()} ${os.release()}`,
    node: buildTarget(HOST).version,
    latencyMs: LATENCY_MS,
    startup,
    size,
    network,
    ownTime,
    rss,
    disk,
    bytes,
    durationS: Math.round((Date.now() - started) / 1000),
    targets: { startupRatio: 1.15, sizeRatio: 1.1, rssRatio: 1.3, versionRequests: 2, ownTimeRatio: 4, repeatUpdaterBytes: 0 },
  };
  mkdirSync(path.join(root, "bench"), { recursive: true });
  writeFileSync(path.join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const table = render(results);
  process.stdout.write(`${table}\n`);
  writeFileSync(
    path.join(root, "docs", "benchmarks.md"),
    `# Benchmarks\n\nMade by \`npm run bench\`${quick ? " --quick" : ""} on ${results.date.slice(0, 10)}, ${results.machine}. Each figure is min / median / max over the runs shown. Start-up is timed as whole processes by \`hyperfine -N\`, in rounds that alternate between upkeep and the floor (a hello-world single executable built the same way); ratios are of medians.\n\n${table}\n`,
  );
}

function render(r: any): string {
  const s = (x: Stats) => `${x.min} / ${x.median} / ${x.max} (${x.runs} runs)`;
  const ok = (pass: boolean) => (pass ? "met" : "**missed**");
  const byteStats = (x: Stats) => (x.min === x.max ? `${mib(x.median)}` : `${mib(x.min)} / ${mib(x.median)} / ${mib(x.max)}`);
  const startupRow = (label: string, k: string) => [
    `start-up \`${label}\` (ms)`,
    s(r.startup[k].ms),
    `floor ${s(r.startup.floor.ms)}`,
    `${r.startup[k].ratio}× (target ≤ 1.15×: ${ok(r.startup[k].ratio <= 1.15)})`,
  ];
  const bytesRow = (label: string, b: any, target: string) => [
    label,
    `${byteStats(b.totalBytes)} in all (${b.totalBytes.runs} runs)`,
    `updater ${byteStats(b.updaterBytes)}${b.updaterAsset ? ` (${b.updaterAsset})` : ""}`,
    target,
  ];
  const rows = [
    startupRow("upkeep --help", "help"),
    startupRow("upkeep -V", "version"),
    startupRow("<app>-update --bogus", "usageError"),
    startupRow("<app>-update --help", "appHelp"),
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
    [
      "upkeep's own time, full update (ms)",
      s(r.ownTime.ownMs),
      `floor start-up median ${r.ownTime.floorMs.median}`,
      `${r.ownTime.ratio}× (target ≤ 4×: ${ok(r.ownTime.ratio <= 4)}); wall less the installer's run and ${r.latencyMs} ms per request`,
    ],
    ["peak RSS, full update (KB)", s(r.rss.updateKb), `floor ${s(r.rss.floorKb)}`, `${r.rss.ratio}× (target ≤ 1.3×: ${ok(r.rss.ratio <= 1.3)})`],
    bytesRow("bytes, first install (our installer)", r.bytes.install, ""),
    bytesRow("bytes, update shipping a new upkeep build", r.bytes.firstUpdate, "the updater once, compressed when the installer can"),
    bytesRow("bytes, repeat update, same upkeep build", r.bytes.repeatUpdate, `target 0 bytes of updater: ${ok(r.bytes.repeatUpdate.updaterBytes.max === 0)}`),
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
