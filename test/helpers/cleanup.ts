// Our own cleanup registry, so that no helper imports vitest (and the bench, which bundles the helpers,
// needs no stub of it). A helper that makes something to undo (a temp dir, a server, a process) calls
// `defer(undo)`. Under vitest, test/vitest.setup.ts opens a scope before each test and runs that
// scope's cleanups after it (afterEach), and runs what was deferred outside any test (in a beforeAll,
// at collection) after the file (afterAll). Elsewhere (the bench) the caller runs `runDeferred()` at
// its end. Cleanups run newest first, all of them even when one fails; then the first failure is thrown.
type Cleanup = () => unknown;

// scopes[0]: outside any test; one more while a test runs.
const scopes: Cleanup[][] = [[]];

/** Registers `fn` to run when the current test ends (or, outside a test, at the end of the file or program). */
export function defer(fn: Cleanup): void {
  scopes[scopes.length - 1]!.push(fn);
}

/** Starts a scope (a test): what is deferred from now on runs at {@link closeScope}. */
export function openScope(): void {
  scopes.push([]);
}

/** Runs the cleanups of the innermost scope and ends it (the outermost is only emptied). */
export async function closeScope(): Promise<void> {
  const scope = scopes.length > 1 ? scopes.pop()! : scopes[0]!;
  await runAll(scope);
}

/** Runs every cleanup still registered, innermost scope first. */
export async function runDeferred(): Promise<void> {
  while (scopes.length > 1) await closeScope();
  await closeScope();
}

async function runAll(scope: Cleanup[]): Promise<void> {
  const failures: unknown[] = [];
  while (scope.length) {
    try {
      await scope.pop()!();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
}
