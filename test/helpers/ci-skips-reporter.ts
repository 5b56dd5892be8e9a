// Under CI a skipped test fails the run. Tests skip when a system tool they need is missing
// (shellcheck, dash, busybox, tinyproxy, qemu-user, ansible, ...: `npm run setup` installs them all),
// and a skip there would otherwise pass silently, the check it stands for never having run.
//
// Why a reporter and not a setup file (vitest.config.ts `setupFiles`): a setup file runs inside each
// test file, and can only act through hooks of that file. When every test of a file is skipped (the
// `describe.skipIf(!tool)` files: shellcheck, proxy, ansible), vitest 4 marks the whole file "skip"
// and runs none of its hooks (runSuite in @vitest/runner), so the setup file never sees those
// skips. A reporter sees every test of every module once the run is over, however it was skipped:
// `it.skip`, `skipIf`, a skipped `describe`, or `ctx.skip(note)` at run time.
//
// CI is any value of $CI but "", "0" and "false". Not failed: `it.todo` (a placeholder, not a check
// that did not run), and, in a run filtered by test name (`-t`), the tests the filter left out.
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";

const underCi = (value: string | undefined): boolean => value !== undefined && !["", "0", "false"].includes(value.toLowerCase());

/** Why a test was skipped: the note of `ctx.skip(note)`, else the "(skipped: …)" its name carries. */
export function skipReason(test: TestCase): string {
  const result = test.result();
  const note = result.state === "skipped" ? result.note : undefined;
  if (note) return note;
  const named = [...test.fullName.matchAll(/\(skipped: ([^)]*)\)/g)].at(-1)?.[1];
  return named ?? "no reason given (say why in the test name or with ctx.skip(reason))";
}

/** The name `-t` is matched against, as @vitest/runner builds it: suites and test, space-separated. */
function filterName(test: TestCase): string {
  const names = [test.name];
  for (let p = test.parent; p.type === "suite"; p = p.parent) names.unshift(p.name);
  return names.join(" ");
}

export default class CiSkipsReporter implements Reporter {
  private namePattern: RegExp | undefined;

  onInit(vitest: Vitest): void {
    this.namePattern = vitest.config.testNamePattern;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (!underCi(process.env.CI)) return;
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.result().state !== "skipped" || test.options.mode === "todo") continue;
        if (this.namePattern && !this.namePattern.test(filterName(test))) continue; // left out by -t
        skipped.push(`  ${module.relativeModuleId} > ${test.fullName}\n    reason: ${skipReason(test)}`);
      }
    }
    if (skipped.length === 0) return;
    process.exitCode = 1;
    process.stderr.write(
      `\nCI: ${skipped.length} skipped test${skipped.length === 1 ? "" : "s"}; under CI a skip fails the run ` +
        `(run npm run setup to install the tools tests need):\n${skipped.join("\n")}\n\n`,
    );
  }
}
