import { UpdaterError } from "../errors.js";

/**
 * `--jitter`: waits `seconds` (a random share of the flag's value, drawn by the caller) before the first
 * request. Ctrl-C (the abort signal) ends the wait at once with INTERRUPTED: nothing has been done yet.
 */
export function jitter(seconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const interrupted = (): void => {
      clearTimeout(timer);
      reject(new UpdaterError("INTERRUPTED", "Interrupted while waiting before the first request (--jitter); nothing was changed."));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", interrupted);
      resolve();
    }, seconds * 1000);
    if (signal?.aborted) interrupted();
    else signal?.addEventListener("abort", interrupted, { once: true });
  });
}
