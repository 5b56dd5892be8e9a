// Fills an installer template (installers/installer.sh or .ps1) for one release. Every value was
// validated by the caller to hold no quotes or newlines, so it can sit in a single-quoted string.

/** The environment-variable prefix of an app: ASCII upper-case, '-' → '_' (cargo-dist's rule). */
export function envPrefix(app) {
  return app.replace(/[a-z]/g, (c) => c.toUpperCase()).replaceAll("-", "_");
}

/**
 * Renders `template` ("sh" for Linux/macOS targets, "ps1" for Windows ones) with the release's data:
 * { app, version, tag, owner, repo, baseUrl, installPath, upkeepVersion, aliases: [[bin, alias]],
 *   artifacts: [{ kind: "archive"|"updater", target, file, sha256, binaries }] }.
 */
export function renderInstaller(template, kind, d) {
  const windows = kind === "ps1";
  const mine = d.artifacts.filter((a) => a.target.includes("-windows-") === windows);
  const artifacts = mine.map((a) => [a.kind, a.target, a.file, a.sha256, ...(a.binaries.length ? [a.binaries.join(",")] : [])].join(" ")).join("\n");
  const exe = (name) => (windows && !name.endsWith(".exe") ? `${name}.exe` : name);
  const aliases = d.aliases.map(([bin, alias]) => `${exe(bin)} ${exe(alias)}`).join("\n");
  const values = {
    APP: d.app,
    VERSION: d.version,
    TAG: d.tag,
    OWNER: d.owner,
    REPO: d.repo,
    ENV_PREFIX: envPrefix(d.app),
    BASE_URL: d.baseUrl,
    INSTALL_PATH: d.installPath,
    UPKEEP_VERSION: d.upkeepVersion,
    ARTIFACTS: artifacts,
    ALIASES: aliases,
  };
  for (const [key, value] of Object.entries(values)) {
    if (/['`]/.test(value) || (key !== "ARTIFACTS" && key !== "ALIASES" && /[\r\n]/.test(value))) {
      throw new Error(`cannot render ${key}: ${JSON.stringify(value)} holds a quote or newline`);
    }
  }
  const out = template.replace(/@@([A-Z_]+)@@/g, (match, key) => {
    if (!(key in values)) throw new Error(`installer template has an unknown placeholder ${match}`);
    return values[key];
  });
  return out;
}
