// Selecting the release and planning its install, before anything is downloaded.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { withHttp } from "../../src/update/http.js";
import { readReceipt } from "../../src/update/locate.js";
import { configHomeFor, selectRelease } from "../../src/update/select.js";
import type { Warning } from "../../src/types.js";
import { makeWorld } from "../helpers/world.js";

const world = (o: { version?: string; env?: Record<string, string> } = {}) =>
  makeWorld({ installed: o.version ?? "1.0.0", env: o.env ?? {}, secrets: false, alias: false });

describe("selectRelease", () => {
  it("finds the latest release and plans its installer, with the token for GitHub only", async () => {
    const { gh, env } = await world({ env: { GITHUB_TOKEN: "ghp_select_token" } });
    const config = resolveConfig({ app: "axolotlsay", env });
    const warnings: Warning[] = [];
    const s = await withHttp(config, async (http) => selectRelease(config, http, await readReceipt(config), warnings));
    expect(s.release).toMatchObject({ tag: "v2.0.0", version: "2.0.0" });
    expect(s.plan).toMatchObject({ asset: { name: "axolotlsay-installer.sh" }, kind: "sh", requireChecksum: false });
    expect(s.plan?.env.AXOLOTLSAY_GITHUB_TOKEN).toBe("ghp_select_token");
    expect(gh.log.filter((l) => l.server === "download")).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("no plan when the installed version is the one selected", async () => {
    const { env } = await world({ version: "2.0.0" });
    const config = resolveConfig({ app: "axolotlsay", env });
    const s = await withHttp(config, async (http) => selectRelease(config, http, await readReceipt(config), []));
    expect(s.release.version).toBe("2.0.0");
    expect(s.plan).toBeUndefined();
  });

  it("a bad GitHub base is a USAGE error: up front by default, else when GitHub is asked", async () => {
    const { env } = await world({ env: { AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL: "https://example.com" } });
    expect(() => resolveConfig({ app: "axolotlsay", env })).toThrow(expect.objectContaining({ code: "USAGE" }));
    const config = resolveConfig({ app: "axolotlsay", env }, undefined, { githubBase: "when-used" });
    const loaded = await readReceipt(config);
    await expect(withHttp(config, (http) => selectRelease(config, http, loaded, []))).rejects.toMatchObject({ code: "USAGE" });
  });
});

describe("configHomeFor", () => {
  const platform = "linux" as const;
  const vars = (xdgConfigHome: string | undefined) => ({
    receiptVars: { workingDir: false, configPath: undefined, xdgConfigHome, localAppData: undefined },
    platform,
  });
  const loaded = { path: path.join("/home/u/.config", "axolotlsay", "axolotlsay-receipt.json"), standardLocation: true };
  it("pins XDG_CONFIG_HOME to the receipt's config directory when it points elsewhere", () => {
    expect(configHomeFor(vars("/xdg"), loaded)).toBe("/home/u/.config");
  });
  it("leaves it alone when unset, empty, already that directory, or the receipt came from an override", () => {
    expect(configHomeFor(vars(undefined), loaded)).toBeUndefined();
    expect(configHomeFor(vars(""), loaded)).toBeUndefined();
    expect(configHomeFor(vars("/home/u/.config/"), loaded)).toBeUndefined();
    expect(configHomeFor(vars("/xdg"), { ...loaded, standardLocation: false })).toBeUndefined();
  });
});
