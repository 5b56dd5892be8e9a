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
  /** Keys this version of upkeep does not know, kept verbatim. */
  extra: Record<string, unknown>;
}

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

/** What `checkForUpdate` found. */
export interface CheckResult {
  app: string;
  currentVersion: string;
  /** The release selected by the request. */
  release: Release;
  updateAvailable: boolean;
  installPrefix: string;
  receiptPath: string;
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
  warnings: Warning[];
}
