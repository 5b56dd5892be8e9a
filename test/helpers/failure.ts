// The UpdaterError a promise rejects with, for tests that assert on its code, message and hint.
import { UpdaterError } from "../../src/errors.js";

/** Awaits `p` and returns its UpdaterError; anything else it rejects with, or success, is thrown. */
export async function failure(p: Promise<unknown>): Promise<UpdaterError> {
  try {
    await p;
  } catch (e) {
    if (UpdaterError.is(e)) return e;
    throw e;
  }
  throw new Error("expected a failure");
}
