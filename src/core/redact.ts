/** Replaces every secret in `text` with `***` and hides credentials in URLs (`https://u:p@host` → `https://***@host`). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***@");
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("***");
  return out;
}
