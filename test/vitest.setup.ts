// Runs the helpers' deferred cleanups (test/helpers/cleanup.ts): after each test what it made, after
// the file what was made outside a test. Registered first, so the test files' own afterEach and
// afterAll hooks (run in reverse order) still see their servers and directories.
import { afterAll, afterEach, beforeEach } from "vitest";
import { closeScope, openScope, runDeferred } from "./helpers/cleanup.js";

beforeEach(() => openScope());
afterEach(() => closeScope());
afterAll(() => runDeferred());
