import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { locate, readReceipt } from "../../src/update/locate.js";
import { preflight } from "../../src/update/preflight.js";
import { installedApp } from "../helpers/fake-app.js";

describe("preflight", () => {
  it("NOT_WRITABLE when the receipt's install directory does not exist", async () => {
    const app = installedApp({ receipt: { install_prefix: "/nonexistent/prefix" } });
    const config = resolveConfig({ app: "axolotlsay", env: app.env });
    const loaded = await readReceipt(config);
    await expect(preflight(config, loaded, await locate(config, loaded))).rejects.toMatchObject({
      code: "NOT_WRITABLE",
      message: expect.stringContaining("/nonexistent/prefix/bin, where the receipt says it is installed, does not exist"),
    });
  });

  // [directory, manager]
  for (const [dir, manager] of [
    ["/usr", "your system's package manager"],
    ["/nix/store/abc-axolotlsay", "Nix"],
    ["/snap/axolotlsay/1", "snap"],
  ]) {
    it(`MANAGED_PREFIX for ${dir}`, async () => {
      const app = installedApp({ receipt: { install_prefix: dir } });
      const config = resolveConfig({ app: "axolotlsay", env: app.env });
      const loaded = await readReceipt(config);
      await expect(preflight(config, loaded, await locate(config, loaded))).rejects.toMatchObject({
        code: "MANAGED_PREFIX",
        message: expect.stringContaining(manager!),
      });
    });
  }
});
