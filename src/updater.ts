import path from "node:path";
import { resolveConfig, type Config, type UpdaterOptions } from "./config.js";
import { githubApiBase } from "./core/github.js";
import { installerCommand } from "./core/installer.js";
import { planInstall, type InstallPlan } from "./core/plan.js";
import { samePath, receiptMatchesExecutable } from "./core/prefix.js";
import { installPrefixRoot, parseReceipt } from "./core/receipt.js";
import { receiptCandidates, receiptFileName } from "./core/receipt-paths.js";
import { describeRequest, isUpdateNeeded } from "./core/select.js";
import { UpdaterError } from "./errors.js";
import { fetchInstaller } from "./fetch-installer.js";
import { createHttp, type Http } from "./io/http.js";
import { runInstaller, stageInstaller } from "./io/installer.js";
import { canonicalDir } from "./io/paths.js";
import { readFirstReceipt } from "./io/receipt-file.js";
import { sourceFor } from "./sources/index.js";
import type { CheckResult, LoadedReceipt, Release, UpdateResult, Warning } from "./types.js";

/**
 * Finds and parses the app's install receipt the way axoupdater does (same directories, same order).
 * Throws RECEIPT_NOT_FOUND or RECEIPT_INVALID.
 */
export async function loadReceipt(options: UpdaterOptions = {}): Promise<LoadedReceipt> {
  return readReceipt(resolveConfig(options));
}

/** Looks up the release the request selects and says whether it is an update; changes nothing. */
export async function checkForUpdate(options: UpdaterOptions = {}): Promise<CheckResult> {
  const config = resolveConfig(options);
  return withHttp(config, async (http) => {
    const s = await inspect(config, http);
    return {
      app: config.app,
      currentVersion: s.loaded.receipt.version,
      release: s.release,
      updateAvailable: s.plan !== undefined,
      installPrefix: s.installRoot,
      receiptPath: s.loaded.path,
      warnings: s.warnings,
    };
  });
}

/**
 * Updates the app: looks up the release, downloads and verifies its installer, and runs it forced into
 * the directory the app already lives in. With `dryRun`, stops before downloading anything.
 */
export async function update(options: UpdaterOptions = {}): Promise<UpdateResult> {
  const config = resolveConfig(options);
  return withHttp(config, async (http) => {
    const s = await inspect(config, http);
    const base = {
      app: config.app,
      oldVersion: s.loaded.receipt.version,
      newVersion: s.release.version,
      tag: s.release.tag,
      installPrefix: s.installRoot,
      warnings: s.warnings,
    };
    if (!s.plan) return { ...base, result: "up_to_date" };
    if (config.dryRun) return { ...base, result: "would_update" };
    await install(config, http, s.plan, s.release, s.warnings);
    return { ...base, result: "updated" };
  });
}

/** Everything known before anything is downloaded. */
interface Inspection {
  loaded: LoadedReceipt;
  installRoot: string;
  release: Release;
  /** Present when an update is needed. */
  plan: InstallPlan | undefined;
  warnings: Warning[];
}

async function inspect(config: Config, http: Http): Promise<Inspection> {
  const verbose = config.hooks.verbose;
  const loaded = await readReceipt(config);
  const { receipt } = loaded;
  const warnings: Warning[] = loaded.repairs.map((r) => ({
    code: "RECEIPT_REPAIRED",
    message: `Read ${loaded.path} despite ${r} (a known installer bug); the next install rewrites it.`,
  }));
  verbose?.(`Receipt ${loaded.path}: ${config.app} ${receipt.version} in ${receipt.installPrefix} from ${receipt.source.releaseType} ${receipt.source.owner}/${receipt.source.name}`);
  const installRoot = installPrefixRoot(receipt, config.platform);
  if (config.executablePath) await checkExecutable(config, loaded, installRoot);

  const source = sourceFor(loaded, {
    app: config.app,
    http,
    apiBase: githubApiBase(config.app, config.env),
    tokenFrom: config.token?.from,
    verbose,
    warnings,
  });
  verbose?.(`Looking for ${describeRequest(config.request)} in ${source.description}`);
  const release = await source.find(config.request);
  verbose?.(`Selected ${release.tag} (${release.version}); installed is ${receipt.version}`);
  const needed = isUpdateNeeded(receipt.version, release.version, config.request, config.force);
  const plan = needed
    ? planInstall({
        app: config.app,
        platform: config.platform,
        release,
        receipt,
        env: config.env,
        token: config.token?.value,
        configHome: configHomeFor(config, loaded),
      })
    : undefined;
  return { loaded, installRoot, release, plan, warnings };
}

async function install(config: Config, http: Http, plan: InstallPlan, release: Release, warnings: Warning[]): Promise<void> {
  const verbose = config.hooks.verbose;
  let scriptPath: string;
  let dispose = async (): Promise<void> => {};
  if (config.installerPath) {
    // AXOUPDATER_INSTALLER_PATH: a local installer replaces the release's (the lookup still happens).
    scriptPath = path.resolve(config.cwd, config.installerPath);
    verbose?.(`Using the installer at ${scriptPath} (AXOUPDATER_INSTALLER_PATH)`);
  } else {
    const fetched = await fetchInstaller(http, plan, config.token !== undefined, warnings);
    verbose?.(`Downloaded ${plan.asset.name} from ${fetched.url} (sha256 ${fetched.sha256}${fetched.verified ? ", verified" : ", no published checksum"})`);
    const staged = await stageInstaller(fetched.body, plan.asset.name, config.tmpDir);
    scriptPath = staged.path;
    dispose = staged.dispose;
  }
  try {
    const command = installerCommand(config.platform, scriptPath);
    verbose?.(`Running ${command.file} ${command.args.join(" ")} with CARGO_DIST_FORCE_INSTALL_DIR=${plan.installRoot}`);
    const exit = await runInstaller({ command, env: plan.env, cwd: config.cwd, onOutput: config.hooks.installerOutput });
    if (exit.spawnError !== undefined || exit.exitCode !== 0) {
      const status = exit.spawnError !== undefined
        ? `could not be started (${exit.spawnError})`
        : exit.signal
          ? `was killed by ${exit.signal}`
          : `exited with status ${exit.exitCode}`;
      const tail = exit.tail.filter((l) => l.trim() !== "").slice(-10);
      throw new UpdaterError(
        "INSTALLER_FAILED",
        `The installer for ${config.app} ${release.version} ${status}.${tail.length ? `\nIts last output:\n  ${tail.join("\n  ")}` : ""}`,
        {
          hint: `Fix what the installer reports and run ${config.app}-update again.`,
          details: { exitCode: exit.exitCode ?? null, signal: exit.signal ?? null, output: tail },
        },
      );
    }
  } finally {
    await dispose();
  }
}

async function readReceipt(config: Config): Promise<LoadedReceipt> {
  const candidates = receiptCandidates({
    app: config.app,
    env: config.env,
    platform: config.platform,
    home: config.home,
    cwd: config.cwd,
  });
  const fileName = receiptFileName(config.app);
  const found = await readFirstReceipt(candidates, fileName);
  if (!found) {
    const places = candidates.map((c) => path.join(c.dir, fileName));
    throw new UpdaterError(
      "RECEIPT_NOT_FOUND",
      `Unable to load receipt for app ${config.app}: ${places.length ? `looked for ${places.join(" and ")}` : "no home directory is set, so there is nowhere to look"}.`,
      {
        hint: `This may indicate that this installation of ${config.app} was installed via a method that's not eligible for upgrades; reinstall it with its shell or PowerShell installer.`,
        details: { searched: places },
      },
    );
  }
  const { receipt, repairs } = parseReceipt(found.text, { file: found.path, app: config.app });
  return { path: found.path, receipt, repairs, standardLocation: found.candidate.standard };
}

// Refuses to update from a copy the receipt does not describe (axoupdater silently says "up to date").
async function checkExecutable(config: Config, loaded: LoadedReceipt, installRoot: string): Promise<void> {
  const exeDir = await canonicalDir(path.dirname(config.executablePath as string));
  const root = await canonicalDir(installRoot);
  if (receiptMatchesExecutable(exeDir, root, config.platform)) return;
  throw new UpdaterError(
    "RECEIPT_MISMATCH",
    `This ${config.app}-update is in ${exeDir}, but the receipt ${loaded.path} says ${config.app} is installed in ${root}.`,
    {
      hint: `Are several copies of ${config.app} installed? Run the ${config.app}-update in ${root}, or reinstall ${config.app} with its installer to make this copy the managed one.`,
      details: { executableDir: exeDir, installPrefix: root },
    },
  );
}

// The receipt's parent config directory when the installer would otherwise write a second receipt elsewhere.
function configHomeFor(config: Config, loaded: LoadedReceipt): string | undefined {
  if (!loaded.standardLocation) return undefined;
  const base = path.dirname(path.dirname(loaded.path));
  const xdg = config.env.XDG_CONFIG_HOME;
  return xdg !== undefined && xdg !== "" && !samePath(xdg, base, config.platform) ? base : undefined;
}

async function withHttp<T>(config: Config, work: (http: Http) => Promise<T>): Promise<T> {
  let client: Http | undefined;
  // Created on first use: runs that fail on the receipt never load undici.
  const http: Http = {
    async get(url, options) {
      client ??= await createHttp({
        apiOrigin: githubApiBase(config.app, config.env),
        token: config.token?.value,
        timeoutMs: config.timeoutMs,
        userAgent: config.userAgent,
        proxy: config.proxy,
        attempts: config.attempts,
        verbose: config.hooks.verbose,
      });
      return client.get(url, options);
    },
    close: async () => client?.close(),
  };
  try {
    return await work(http);
  } finally {
    await http.close();
  }
}
