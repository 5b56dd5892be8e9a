import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { locate, readReceipt, shadowWarnings } from "../../src/update/locate.js";
import { installedApp, tmpDir } from "../helpers/fake-app.js";

describe("locate", () => {
  it("puts the binaries next to the updater, and checks that is the receipt's prefix", async () => {
    const app = installedApp();
    const config = resolveConfig({ app: "axolotlsay", env: app.env, executablePath: path.join(app.bin, "axolotlsay-update") });
    const where = await locate(config, await readReceipt(config));
    expect(where).toMatchObject({ installRoot: app.prefix, binDir: app.bin, updaterPath: path.join(app.bin, "axolotlsay-update") });
  });

  it("for an old receipt without a layout, looks for the binary to find the bin dir", async () => {
    for (const layout of ["cargo-home", "flat"] as const) {
      const app = installedApp({ layout, receipt: { install_layout: undefined } });
      const config = resolveConfig({ app: "axolotlsay", env: app.env });
      expect((await locate(config, await readReceipt(config))).binDir).toBe(app.bin);
    }
  });
});

describe("shadowWarnings", () => {
  const setup = () => {
    const root = tmpDir();
    const ours = path.join(root, "ours");
    const other = path.join(root, "other");
    mkdirSync(ours);
    mkdirSync(other);
    for (const d of [ours, other]) writeFileSync(path.join(d, "axolotlsay"), "#!/bin/sh\n", { mode: 0o755 });
    return { root, ours, other };
  };
  const config = (PATH: string) => resolveConfig({ app: "axolotlsay", env: { HOME: "/h", PATH } });

  it("names both copies when another comes first on PATH", () => {
    const { ours, other } = setup();
    const [w] = shadowWarnings(config(`${other}:${ours}`), ours, ["axolotlsay"]);
    expect(w?.code).toBe("PATH_SHADOWED");
    expect(w?.message).toContain(path.join(other, "axolotlsay"));
    expect(w?.message).toContain(path.join(ours, "axolotlsay"));
  });

  it("is quiet when ours comes first, when it is not on PATH at all, and for a symlink to ours", () => {
    const { root, ours, other } = setup();
    expect(shadowWarnings(config(`${ours}:${other}`), ours, ["axolotlsay"])).toEqual([]);
    expect(shadowWarnings(config("/usr/bin"), ours, ["axolotlsay"])).toEqual([]);
    const links = path.join(root, "links");
    mkdirSync(links);
    symlinkSync(path.join(ours, "axolotlsay"), path.join(links, "axolotlsay"));
    expect(shadowWarnings(config(`${links}:${ours}`), ours, ["axolotlsay"])).toEqual([]);
  });

  it("ignores a non-executable file of that name", () => {
    const { ours, other } = setup();
    chmodSync(path.join(other, "axolotlsay"), 0o644);
    expect(shadowWarnings(config(`${other}:${ours}`), ours, ["axolotlsay"])).toEqual([]);
  });
});
