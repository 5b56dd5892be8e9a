/** Seconds from `--timeout` or `UPKEEP_TIMEOUT`: a number in [0.1, 3600], else undefined. */
export function parseTimeout(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n >= 0.1 && n <= 3600 ? n : undefined;
}
