import type { ProgressEvent, UpdaterHooks } from "../config.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR = "\r\u001b[2K";

/** "12.3 KB", "4.0 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The text shown for a step. */
export function describeStep(e: ProgressEvent): string {
  switch (e.step) {
    case "download":
      return `Downloading ${e.name} (${formatBytes(e.received)}${e.total ? ` of ${formatBytes(e.total)}` : ""})`;
    case "install":
      return `Running ${e.name}`;
    case "done":
      return "";
  }
}

/**
 * A one-line spinner on a terminal for the long steps. It is cleared before anything else is
 * written (`pause`), so the installer's own output never mixes with it.
 */
export function createSpinner(write: (text: string) => void, intervalMs = 80) {
  let text = "";
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = (): void => write(`${CLEAR}${FRAMES[frame++ % FRAMES.length]} ${text}`);
  const pause = (): void => {
    if (!timer) return;
    clearInterval(timer);
    timer = undefined;
    write(CLEAR);
  };
  return {
    /** Shows or updates the step; "done" clears the line. */
    update(e: ProgressEvent): void {
      if (e.step === "done") {
        text = "";
        pause();
        return;
      }
      text = describeStep(e);
      if (!timer) {
        timer = setInterval(draw, intervalMs);
        timer.unref?.();
      }
      draw();
    },
    /** Clears the spinner line (before other output) until the next update. */
    pause,
  };
}

/** "[+123ms]": how long the process has run, at the head of each --verbose line. */
export function elapsed(ms: number): string {
  return `[+${Math.round(ms)}ms]`;
}

/**
 * The library's hooks under --verbose: each detail line with its time since the process started, and a
 * line as the installer starts and as it exits, so that the times show how long it ran. `clock` gives
 * milliseconds since the process started.
 */
export function verboseHooks(
  say: (stamp: string, line: string) => void,
  clock: () => number = () => performance.now(),
): Required<Pick<UpdaterHooks, "verbose" | "progress">> {
  let installer: string | undefined;
  return {
    verbose: (line) => say(elapsed(clock()), line),
    progress: (e) => {
      if (e.step === "install") {
        installer = e.name;
        say(elapsed(clock()), `Installer ${e.name} started`);
      } else if (e.step === "done" && installer !== undefined) {
        say(elapsed(clock()), `Installer ${installer} exited`);
        installer = undefined;
      }
    },
  };
}
