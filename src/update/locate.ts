import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config.js";
import { binDirOf, firstOnPath } from "../core/paths.js";
import { receiptMatchesExecutable, samePath } from "../core/prefix.js";
import { installPrefixRoot, parseReceipt } from "../core/receipt.js";
import { ownAppName, receiptCandidates, receiptFileName } from "../core/receipt-paths.js";
import { ownUpdaterPath } from "../core/self-move.js";
import { UpdaterError } from "../errors.js";
import { canonicalDir } from "../io/paths.js";
import { executableFileSync } from "../io/probe.js";
import { readFirstReceipt } from "../io/receipt-file.js";
import type { LoadedReceipt, Warning } from "../types.js";

// Finding the install: its receipt, where its binaries and updater are, and whether a binary on PATH
// shadows them. Whether it may be updated from here is preflight.ts.

/** Where the app lives, worked out once. */
export interface Location {
  installRoot: string;
  binDir: string;
  updaterPath: string;
  warnings: Warning[];
}

/** Where the app lives, per its receipt and this updater's own place (RECEIPT_MISMATCH if they disagree). */
export async function locate(config: Config, loaded: LoadedReceipt): Promise<Location> {
  const { receipt } = loaded;
  const warnings: Warning[] = loaded.repairs.map((r) => ({
    code: "RECEIPT_REPAIRED",
    message: `Read ${loaded.path} despite ${r} (a known installer bug); the next install rewrites it.`,
  }));
  config.hooks.verbose?.(
    `Receipt ${loaded.path}: ${config.app} ${receipt.version} in ${receipt.installPrefix} from ${receipt.source.releaseType} ${receipt.source.owner}/${receipt.source.name}`,
  );
  const installRoot = installPrefixRoot(receipt, config.platform);
  const p = config.platform === "win32" ? path.win32 : path.posix;
  let updaterDir: string | undefined;
  if (config.executablePath) {
    updaterDir = p.dirname(config.executablePath);
    await checkExecutable(config, loaded, installRoot);
  } else if (receipt.installLayout !== "cargo-home" && receipt.installLayout !== "flat" && receipt.binaries[0]) {
    // Receipts before cargo-dist 0.23 do not say where the binaries are: look.
    updaterDir = existsSync(p.join(installRoot, "bin", receipt.binaries[0])) ? p.join(installRoot, "bin") : installRoot;
  }
  const binDir = binDirOf(installRoot, receipt.installLayout, updaterDir, config.platform);
  const updaterPath = config.executablePath
    ? ownUpdaterPath(config.executablePath, config.app, config.platform)
    : p.join(binDir, config.platform === "win32" ? `${config.app}-update.exe` : `${config.app}-update`);
  return { installRoot, binDir, updaterPath, warnings };
}

/** Finds and parses the receipt as axoupdater does; RECEIPT_NOT_FOUND or RECEIPT_INVALID. */
export async function readReceipt(config: Config): Promise<LoadedReceipt> {
  const candidates = receiptCandidates({
    app: config.app,
    vars: config.receiptVars,
    platform: config.platform,
    home: config.home,
    cwd: config.cwd,
  });
  const fileName = receiptFileName(config.app);
  const windows = config.platform === "win32";
  const found = await readFirstReceipt(candidates, fileName, { caseInsensitive: windows });
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
  let { receipt, repairs } = parseReceipt(found.text, { file: found.path, app: config.app });
  const own = windows ? ownAppName(config.app, receipt.source.appName, path.win32.basename(found.path)) : undefined;
  if (own !== undefined) {
    // Windows names are case-insensitive: `AXOLOTLSAY-UPDATE.EXE` found axolotlsay's receipt, and the
    // receipt's own spelling is the app's name from here on (sources, lock, messages, installer).
    config.app = own;
    ({ receipt, repairs } = parseReceipt(found.text, { file: found.path, app: own }));
  }
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

// A binary found earlier on PATH than the one just updated makes users think the update did nothing.
export function shadowWarnings(config: Config, binDir: string, binaries: readonly string[]): Warning[] {
  const p = config.platform === "win32" ? path.win32 : path.posix;
  const real = (f: string): string => {
    try {
      return realpathSync(f);
    } catch {
      return f;
    }
  };
  const out: Warning[] = [];
  for (const bin of binaries) {
    const ours = p.join(binDir, bin);
    const found = firstOnPath(bin, config.searchPath, config.platform, executableFileSync);
    if (found && !samePath(real(found), real(ours), config.platform)) {
      out.push({
        code: "PATH_SHADOWED",
        message: `Running \`${bin.replace(/\.exe$/i, "")}\` starts ${found}, not the updated ${ours}: it comes first on your PATH. Remove that copy or put ${binDir} before it on PATH.`,
      });
    }
  }
  return out;
}
