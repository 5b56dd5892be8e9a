import type { WarningCode } from "./errors.js";

/** Which release to move to. Mirrors axoupdater's `UpdateRequest`. */
export type UpdateRequest = { kind: "latest" } | { kind: "prerelease" } | { kind: "version"; version: string } | { kind: "tag"; tag: string };

/** Platforms upkeep knows how to run an installer on (anything else is treated like Linux). */
export type Platform = NodeJS.Platform;

/** Where a receipt says the app came from. */
export interface ReceiptSource {
  releaseType: string;
  owner: string;
  name: string;
  appName: string;
  /** A mirror's address (release_type "mirror"). */
  url?: string;
}

/** An install receipt as written by cargo-dist installers (any generation) and by ours. */
export interface InstallReceipt {
  installPrefix: string;
  binaries: string[];
  binaryAliases: Record<string, string[]>;
  cdylibs: string[];
  cstaticlibs: string[];
  /** `cargo-home`, `flat`, `hierarchical`, or `unspecified` (the default before cargo-dist 0.23). */
  installLayout: string;
  modifyPath: boolean;
  provider: { source: string; version: string };
  source: ReceiptSource;
  version: string;
  /**
   * The app's minisign public keys (base64 key lines) that our installers record as `upkeep_public_keys`
   * when rendered with a key; empty when the receipt has none (cargo-dist's never do).
   */
  publicKeys: string[];
  /**
   * The PATH changes our installers made (`upkeep_path_changes`), carried over by each update, so an
   * uninstall undoes exactly those; empty when the receipt has none.
   */
  pathChanges: PathChange[];
  /** Keys this version of upkeep does not know, kept verbatim. */
  extra: Record<string, unknown>;
}

/**
 * One PATH change an installer made: a line it appended to a shell startup file, a file it created, or
 * (Windows) a directory it added to the user's `Path`.
 */
export type PathChange = { type: "rc_line"; file: string; line: string } | { type: "env_file"; file: string } | { type: "user_path"; entry: string };

/** A receipt together with where it was read from. */
export interface LoadedReceipt {
  path: string;
  receipt: InstallReceipt;
  /** Fixes applied while reading (e.g. Git-Bash backslashes), for the warnings list. */
  repairs: string[];
  /** True when found by the standard search (not an AXOUPDATER_CONFIG_* override). */
  standardLocation: boolean;
}

/** A downloadable file attached to a release. */
export interface Asset {
  name: string;
  /** Public download address (browser_download_url). */
  downloadUrl: string;
  /** API address that serves the bytes with `Accept: application/octet-stream` (needs the token for private repos). */
  apiUrl?: string;
  size?: number;
  /** `sha256:<hex>` as published by GitHub, when known. */
  digest?: string;
  /** Why this asset's address must not be followed (a file: URL, an https → http downgrade). */
  refused?: string;
  /** For a local directory mirror: its directory (a file: URL), the only place its files may be read from. */
  fileRoot?: string;
}

/** A release as upkeep sees it, whatever the source. */
export interface Release {
  tag: string;
  version: string;
  name: string | null;
  prerelease: boolean;
  draft: boolean;
  assets: Asset[];
}

/** A warning that did not stop the run. */
export interface Warning {
  /** One of WARNING_CODES (src/errors.ts). */
  code: WarningCode;
  message: string;
}

/** Where the pinned signing keys of a run came from (the first source that had one). */
export type KeySource = "option" | "env" | "receipt" | "trust_file";

/** One valid signature by a pinned key that a run relied on. */
export interface VerifiedSignature {
  /** The signature asset, such as `sha256.sum.minisig`. */
  signature: string;
  /** The asset it signs: `sha256.sum` or the installer. */
  file: string;
  /** The key id (16 hex digits, as minisign prints it). */
  key: string;
}

/** What a run knew and checked of the release's signatures (`signature` in `--json`). */
export interface SignatureReport {
  /** Where the pinned keys came from; null when no key is pinned for the app. */
  keySource: KeySource | null;
  /** The variable, file or option the keys were read from; null when none is pinned. */
  keyFrom: string | null;
  /** The pinned key ids. */
  keys: string[];
  /** The signatures that proved the installer (empty when none was checked). */
  verified: VerifiedSignature[];
}

/** What `checkForUpdate` found. */
export interface CheckResult {
  app: string;
  currentVersion: string;
  /** The release selected by the request. */
  release: Release;
  updateAvailable: boolean;
  installPrefix: string;
  receiptPath: string;
  /** The app's pinned keys (nothing is downloaded by a check, so nothing is verified). */
  signature: SignatureReport;
  warnings: Warning[];
}

/** One thing an uninstall removed, or would remove (`path`: the file; `line` for a line taken out of it). */
export interface UninstallItem {
  kind: "binary" | "alias" | "updater" | "shared_updater" | "rc_line" | "env_file" | "user_path" | "receipt";
  path: string;
  line?: string;
}

/** What `uninstall` did: what it removed (or, with `dryRun`, would remove) and what it left, and why. */
export interface UninstallResult {
  app: string;
  result: "uninstalled" | "would_uninstall";
  version: string;
  installPrefix: string;
  receiptPath: string;
  removed: UninstallItem[];
  left: (UninstallItem & { reason: string })[];
  warnings: Warning[];
}

/** What `update` did. */
export interface UpdateResult {
  app: string;
  result: "updated" | "up_to_date" | "would_update";
  oldVersion: string;
  newVersion: string;
  tag: string;
  installPrefix: string;
  /** The pinned keys, and which signatures proved the installer that ran. */
  signature: SignatureReport;
  warnings: Warning[];
}
