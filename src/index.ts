export { checkForUpdate, loadReceipt, update } from "./update/index.js";
export { UpdaterError, ERROR_CODES, WARNING_CODES, exitCodeFor, type ErrorCode, type WarningCode } from "./errors.js";
export type { UpdaterOptions, UpdaterHooks } from "./config.js";
export type {
  Asset,
  CheckResult,
  InstallReceipt,
  LoadedReceipt,
  Release,
  UpdateRequest,
  UpdateResult,
  Warning,
} from "./types.js";
export { VERSION } from "./version.js";
