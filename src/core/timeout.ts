/** Whether `n` is an allowed per-request timeout: a number of seconds in [0.1, 3600]. */
export function isTimeoutSeconds(n: number): boolean {
  return Number.isFinite(n) && n >= 0.1 && n <= 3600;
}

/** Seconds from `--timeout` or `UPKEEP_TIMEOUT`: a plain decimal number in [0.1, 3600], else undefined (no `1e3`, no hex). */
export function parseTimeout(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  const n = Number(text);
  return isTimeoutSeconds(n) ? n : undefined;
}
