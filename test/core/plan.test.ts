import { describe, expect, it } from "vitest";
import { planInstall } from "../../src/core/plan.js";
import { parseReceipt } from "../../src/core/receipt.js";
import { UpdaterError } from "../../src/errors.js";
import type { Release } from "../../src/types.js";

const receipt = parseReceipt(
  JSON.stringify({
    install_prefix: "/h/.cargo/bin",
    modify_path: false,
    provider: { source: "cargo-dist", version: "0.12.0" },
    source: { release_type: "github", owner: "o", name: "n" },
    version: "1.0.0",
  }),
  { file: "/r.json", app: "axolotlsay" },
).receipt;
const release: Release = {
  tag: "v2.0.0",
  version: "2.0.0",
  name: null,
  prerelease: false,
  draft: false,
  assets: [
    { name: "axolotlsay-installer.sh", downloadUrl: "https://d/i.sh", digest: `sha256:${"c".repeat(64)}` },
    { name: "axolotlsay-installer.ps1", downloadUrl: "https://d/i.ps1" },
  ],
};

describe("planInstall", () => {
  it("picks the platform's installer, its checksum, and forces the fixed-up prefix", () => {
    const plan = planInstall({ app: "axolotlsay", platform: "linux", release, receipt, env: { HOME: "/h" } });
    expect(plan.asset.name).toBe("axolotlsay-installer.sh");
    expect(plan.kind).toBe("sh");
    expect(plan.checksums).toEqual([{ kind: "digest", expected: "c".repeat(64) }]);
    expect(plan.requireChecksum).toBe(false);
    expect(plan.installRoot).toBe("/h/.cargo");
    expect(plan.env).toMatchObject({ CARGO_DIST_FORCE_INSTALL_DIR: "/h/.cargo", AXOLOTLSAY_INSTALL_DIR: "/h/.cargo", AXOLOTLSAY_NO_MODIFY_PATH: "1" });
  });
  it("uses the .ps1 on Windows (no checksum published there)", () => {
    const plan = planInstall({ app: "axolotlsay", platform: "win32", release, receipt, env: {} });
    expect(plan.asset.name).toBe("axolotlsay-installer.ps1");
    expect(plan.checksums).toEqual([]);
  });
  it("NO_INSTALLER lists what the release has", () => {
    const only = { ...release, assets: [release.assets[1]!] };
    try {
      planInstall({ app: "axolotlsay", platform: "linux", release: only, receipt, env: {} });
      expect.fail("planned");
    } catch (e) {
      expect(UpdaterError.is(e) && e.code).toBe("NO_INSTALLER");
      expect((e as UpdaterError).hint).toContain("axolotlsay-installer.ps1");
    }
  });
});
