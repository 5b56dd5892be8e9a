// Fake apps for tests: releases whose installer is a small POSIX sh script that follows the cargo-dist
// installer contract (forced install dir, layouts, NO_MODIFY_PATH, receipt location) and records the
// arguments and environment it was given, plus receipts and throw-away homes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defer } from "./cleanup.js";
import type { FakeAsset, FakeRelease } from "./fake-github.js";

/** Options of {@link installerScript}. */
export interface InstallerOptions {
  app?: string;
  version: string;
  owner?: string;
  repo?: string;
  layout?: "cargo-home" | "flat";
  /** Shell run after the install and before the receipt is written (e.g. `exit 3`). */
  beforeReceipt?: string;
  /** Shell run first of all (e.g. `echo boom >&2; exit 7`). */
  prelude?: string;
  /**
   * Minisign public key lines the receipt pins as `"upkeep_public_keys":[...]` (what our installers
   * rendered with a key write); left out of the receipt when not given. Base64 only (no quotes or `%`).
   */
  publicKeys?: string[];
}

/**
 * A cargo-dist-style installer: installs `<app>` (a script printing "<app> <version>") into
 * `${<APP>_INSTALL_DIR:-${CARGO_DIST_FORCE_INSTALL_DIR:-$CARGO_HOME or ~/.cargo}}` (`/bin` for cargo-home),
 * copies `$FAKE_UPDATER` there as `<app>-update` when set, writes the receipt to
 * `${XDG_CONFIG_HOME:-$HOME/.config}/<app>/`, and records argv + env to `$FAKE_INSTALLER_LOG` when set.
 */
export function installerScript(o: InstallerOptions): string {
  const app = o.app ?? "axolotlsay";
  const envApp = app.toUpperCase().replaceAll("-", "_");
  const layout = o.layout ?? "cargo-home";
  if (o.publicKeys?.some((k) => /['%\\]/.test(k))) throw new Error("installerScript: publicKeys go into a printf format: no ', % or \\");
  const keys = o.publicKeys ? `"upkeep_public_keys":${JSON.stringify(o.publicKeys)},` : "";
  return `#!/bin/sh
# fake installer for ${app} ${o.version}
set -eu
${o.prelude ?? ""}
if [ -n "\${FAKE_INSTALLER_LOG:-}" ]; then
  { printf 'argv:'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; env | LC_ALL=C sort; } > "$FAKE_INSTALLER_LOG"
fi
dir="\${${envApp}_INSTALL_DIR:-\${CARGO_DIST_FORCE_INSTALL_DIR:-\${CARGO_HOME:-$HOME/.cargo}}}"
${layout === "cargo-home" ? 'bindir="$dir/bin"' : 'bindir="$dir"'}
echo "downloading ${app} ${o.version} x86_64-unknown-linux-gnu"
echo "installing to $bindir"
mkdir -p "$bindir"
printf '#!/bin/sh\\necho "${app} ${o.version}"\\n' > "$bindir/.${app}.new"
chmod +x "$bindir/.${app}.new"
mv -f "$bindir/.${app}.new" "$bindir/${app}"
echo "  ${app}"
if [ -n "\${FAKE_UPDATER:-}" ]; then
  cp "$FAKE_UPDATER" "$bindir/.${app}-update.new"
  chmod +x "$bindir/.${app}-update.new"
  mv -f "$bindir/.${app}-update.new" "$bindir/${app}-update"
  echo "  ${app}-update"
fi
${o.beforeReceipt ?? ""}
modify=true
if [ "\${${envApp}_NO_MODIFY_PATH:-\${INSTALLER_NO_MODIFY_PATH:-0}}" = 1 ]; then modify=false; fi
rdir="\${XDG_CONFIG_HOME:-$HOME/.config}/${app}"
mkdir -p "$rdir"
printf '{"binaries":["${app}"],"binary_aliases":{},"cdylibs":[],"cstaticlibs":[],"install_layout":"${layout}","install_prefix":"%s","modify_path":%s,"provider":{"source":"cargo-dist","version":"0.31.0"},"source":{"app_name":"${app}","name":"${o.repo ?? app}","owner":"${o.owner ?? "axodotdev"}","release_type":"github"},${keys}"version":"${o.version}"}\\n' "$dir" "$modify" > "$rdir/.receipt.new"
mv -f "$rdir/.receipt.new" "$rdir/${app}-receipt.json"
echo "everything's installed!"
`;
}

/** Options of {@link fakeRelease}. */
export interface ReleaseOptions extends Partial<InstallerOptions> {
  tag?: string;
  prerelease?: boolean;
  draft?: boolean;
  name?: string | null;
  /** Replaces the installer's body (e.g. an HTML page). */
  installerBody?: string | Buffer;
  installerDigest?: FakeAsset["digest"];
  /** Leave out the shell installer (only a .ps1 is published). */
  noShellInstaller?: boolean;
  extraAssets?: FakeAsset[];
}

/** A release of a fake app carrying `<app>-installer.sh` and `.ps1`. */
export function fakeRelease(version: string, o: ReleaseOptions = {}): FakeRelease {
  const app = o.app ?? "axolotlsay";
  const assets: FakeAsset[] = [];
  if (!o.noShellInstaller) {
    assets.push({
      name: `${app}-installer.sh`,
      body: o.installerBody ?? installerScript({ ...o, app, version }),
      ...(o.installerDigest !== undefined ? { digest: o.installerDigest } : {}),
      contentType: "text/x-shellscript",
    });
  }
  assets.push({ name: `${app}-installer.ps1`, body: `Write-Output "installing ${app} ${version}"\r\n` });
  assets.push({ name: `${app}-x86_64-unknown-linux-gnu.tar.xz`, body: `archive of ${app} ${version}` });
  assets.push(...(o.extraAssets ?? []));
  return {
    tag: o.tag ?? `v${version}`,
    ...(o.name !== undefined ? { name: o.name } : {}),
    prerelease: o.prerelease ?? false,
    draft: o.draft ?? false,
    assets,
  };
}

/** A receipt as cargo-dist writes it (snake_case JSON), with overrides. */
export function makeReceipt(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    binaries: ["axolotlsay"],
    binary_aliases: {},
    cdylibs: [],
    cstaticlibs: [],
    install_layout: "cargo-home",
    install_prefix: "/nonexistent",
    modify_path: true,
    provider: { source: "cargo-dist", version: "0.31.0" },
    source: { app_name: "axolotlsay", name: "axolotlsay", owner: "axodotdev", release_type: "github" },
    version: "1.0.0",
    ...overrides,
  };
}

/** A throw-away directory removed when the test finishes. */
export function tmpDir(prefix = "upkeep-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh HOME with an app installed cargo-home style (`~/.cargo/bin/<app>`) and its receipt. */
export interface InstalledApp {
  home: string;
  prefix: string;
  bin: string;
  receiptPath: string;
  env: Record<string, string>;
}

/** Options of {@link installedApp}. */
export interface InstalledAppOptions {
  app?: string;
  version?: string;
  receipt?: Record<string, unknown>;
  /** Raw receipt text instead of JSON of `receipt`. */
  receiptText?: string;
  layout?: "cargo-home" | "flat";
  /** Install into this existing HOME (several apps side by side). */
  home?: string;
}

/**
 * Lays out an installed app in a new temp HOME: binary, receipt in `~/.config/<app>/`, and a
 * minimal environment (HOME, PATH, TMPDIR) that tests extend.
 */
export function installedApp(o: InstalledAppOptions = {}): InstalledApp {
  const app = o.app ?? "axolotlsay";
  const version = o.version ?? "1.0.0";
  const home = o.home ?? tmpDir();
  const layout = o.layout ?? "cargo-home";
  const prefix = layout === "cargo-home" ? path.join(home, ".cargo") : path.join(home, `.${app}`);
  const bin = layout === "cargo-home" ? path.join(prefix, "bin") : prefix;
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, app), `#!/bin/sh\necho "${app} ${version}"\n`, { mode: 0o755 });
  const receiptDir = path.join(home, ".config", app);
  mkdirSync(receiptDir, { recursive: true });
  const receiptPath = path.join(receiptDir, `${app}-receipt.json`);
  const receipt = makeReceipt({
    binaries: [app],
    install_layout: layout,
    install_prefix: prefix,
    version,
    source: { app_name: app, name: app, owner: "axodotdev", release_type: "github" },
    ...o.receipt,
  });
  writeFileSync(receiptPath, o.receiptText ?? `${JSON.stringify(receipt)}\n`);
  const tmp = path.join(home, "tmp");
  mkdirSync(tmp, { recursive: true });
  return {
    home,
    prefix,
    bin,
    receiptPath,
    env: { HOME: home, PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, TMPDIR: tmp, LANG: "C.UTF-8" },
  };
}

/** A fake release whose assets are the files of a `scripts/release.mjs` output directory. */
export function releaseFromDir(dir: string, tag: string, o: { prerelease?: boolean } = {}): FakeRelease {
  return {
    tag,
    prerelease: o.prerelease ?? false,
    assets: readdirSync(dir)
      .sort()
      .map((name) => ({ name, body: readFileSync(path.join(dir, name)) })),
  };
}
