/**
 * The prefix of an app's environment variables, as cargo-dist and axoupdater compute it:
 * ASCII upper-case with `-` turned into `_`, nothing else (`akaikatana-repack` → `AKAIKATANA_REPACK`).
 */
export function appEnvPrefix(app: string): string {
  return app.replace(/[a-z]/g, (c) => c.toUpperCase()).replaceAll("-", "_");
}

/** `<APP>_<suffix>` for this app. */
export function appEnvVar(app: string, suffix: string): string {
  return `${appEnvPrefix(app)}_${suffix}`;
}
