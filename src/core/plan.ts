import { UpdaterError } from "../errors.js";
import type { Asset, InstallReceipt, Platform, Release } from "../types.js";
import { checksumSourcesFor, type ChecksumSource } from "./checksum.js";
import { installerAssetName, installerEnv, installerKind, type InstallerKind } from "./installer.js";
import { installPrefixRoot } from "./receipt.js";

/** Everything needed to fetch and run one release's installer, decided before any download. */
export interface InstallPlan {
  asset: Asset;
  kind: InstallerKind;
  /** Every published SHA-256 of the installer; all must match. */
  checksums: ChecksumSource[];
  /** No published SHA-256 is a refusal, not a warning (a mirror always carries checksums). */
  requireChecksum: boolean;
  installRoot: string;
  env: Record<string, string>;
}

/** Inputs of {@link planInstall}. */
export interface PlanInput {
  app: string;
  platform: Platform;
  release: Release;
  receipt: InstallReceipt;
  env: Readonly<Record<string, string | undefined>>;
  token?: string | undefined;
  configHome?: string | undefined;
  downloadBase?: string | undefined;
  /** The source is a mirror: its installer must carry a SHA-256, and the installer gets no token. */
  requireChecksum?: boolean | undefined;
}

/** Picks the installer asset and its checksum and builds the installer's environment; NO_INSTALLER if absent. */
export function planInstall(input: PlanInput): InstallPlan {
  const { app, platform, release, receipt } = input;
  const name = installerAssetName(app, platform);
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) {
    throw new UpdaterError("NO_INSTALLER", `Release ${release.tag} has no ${name}, so ${app} cannot be updated on this platform (${platform}).`, {
      hint: `The release's assets are: ${release.assets.map((a) => a.name).join(", ") || "none"}. Ask ${app}'s authors to publish ${name}.`,
      details: { tag: release.tag, asset: name },
    });
  }
  const installRoot = installPrefixRoot(receipt, platform);
  return {
    asset,
    kind: installerKind(platform),
    checksums: checksumSourcesFor(release, name),
    requireChecksum: input.requireChecksum ?? false,
    installRoot,
    env: installerEnv({
      app,
      platform,
      env: input.env,
      installRoot,
      modifyPath: receipt.modifyPath,
      token: input.token,
      configHome: input.configHome,
      downloadBase: input.downloadBase,
      mirror: input.requireChecksum ?? false,
    }),
  };
}
