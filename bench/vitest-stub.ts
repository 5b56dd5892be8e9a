// The bench reuses the test helpers (fake GitHub, fake releases); outside vitest their
// "when the test finishes" cleanups are collected here and run at the end.
const cleanups: (() => unknown)[] = [];

/** Same signature as vitest's: registers a cleanup. */
export function onTestFinished(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Runs every registered cleanup, newest first. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length) await cleanups.pop()?.();
}
