/**
 * Every way an update can fail, as a closed set of stable codes. Scripts match on these
 * (they appear in `--json` output and in `error[CODE]` lines), so a code is never renamed.
 */
export const ERROR_CODES = [
  "USAGE",
  "APP_NAME",
  "RECEIPT_NOT_FOUND",
  "RECEIPT_INVALID",
  "RECEIPT_MISMATCH",
  "SOURCE_UNSUPPORTED",
  "RELEASE_NOT_FOUND",
  "NO_INSTALLER",
  "RATE_LIMITED",
  "BAD_TOKEN",
  "NETWORK",
  "TIMEOUT",
  "TLS",
  "DOWNLOAD_FAILED",
  "CHECKSUM_MISMATCH",
  "NO_CHECKSUM",
  "SIGNATURE_MISSING",
  "SIGNATURE_INVALID",
  "INSTALLER_FAILED",
  "NOT_WRITABLE",
  "MANAGED_PREFIX",
  "LOCKED",
  "VERIFY_FAILED",
  "INTERRUPTED",
  "DISABLED",
  "INTERNAL",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Every warning an update can report (`warnings[].code` in `--json`), as a closed set like the error codes:
 * a warning did not stop the run. Scripts may match on them; a code is never renamed.
 */
export const WARNING_CODES = [
  "NO_CHECKSUM",
  "JOURNAL_IGNORED",
  "RECEIPT_REPAIRED",
  "AXO_RELEASES_GONE",
  "PATH_SHADOWED",
  "VERSION_UNCONFIRMED",
  "RECOVERED",
  "RECEIPT_ELSEWHERE",
  "LOCK_UNAVAILABLE",
  "UNSIGNED",
  "SIGNATURE_UNCHECKED",
  "LOCAL_INSTALLER_UNSIGNED",
  "DOWNGRADE",
] as const;

/** One of {@link WARNING_CODES}. */
export type WarningCode = (typeof WARNING_CODES)[number];

/** Exit status of the CLI for a failure with this code: 2 for "called wrongly", 1 otherwise. */
export function exitCodeFor(code: ErrorCode): number {
  return code === "USAGE" || code === "APP_NAME" ? 2 : 1;
}

/** Options accepted by {@link UpdaterError} besides its code and message. */
export interface UpdaterErrorOptions {
  /** What the user can do about it, one sentence. */
  hint?: string;
  /** The lower-level error this one explains. */
  cause?: unknown;
  /** Machine-readable extras (HTTP status, installer exit status, paths). */
  details?: Record<string, unknown>;
}

const BRAND = Symbol.for("upkeep.UpdaterError");

/** The only error type the library throws on purpose; `code` is stable, `message` is for people. */
export class UpdaterError extends Error {
  override name = "UpdaterError";
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: UpdaterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  /** True for an UpdaterError, also one created by another copy of this module. */
  static is(value: unknown): value is UpdaterError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Wraps anything thrown into an UpdaterError, keeping UpdaterErrors as they are. */
export function toUpdaterError(error: unknown): UpdaterError {
  if (UpdaterError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpdaterError("INTERNAL", `Unexpected error: ${message}`, {
    cause: error,
    hint: "This is a bug in upkeep; please report it with the output of --verbose.",
  });
}
