export { checkForUpdate, loadReceipt, update } from "./update/index.js";
export { notifyIfOutdated, type NoticeStream, type NotifyOptions, type NotifyResult } from "./update/notify.js";
export { UpdaterError, ERROR_CODES, WARNING_CODES, exitCodeFor, type ErrorCode, type UpdaterErrorOptions, type WarningCode } from "./errors.js";
export type { Env, ProgressEvent, UpdaterOptions, UpdaterHooks } from "./config.js";
export type {
  Asset,
  CheckResult,
  InstallReceipt,
  KeySource,
  LoadedReceipt,
  Platform,
  ReceiptSource,
  Release,
  SignatureReport,
  UpdateRequest,
  UpdateResult,
  VerifiedSignature,
  Warning,
} from "./types.js";
export { VERSION } from "./version.js";
