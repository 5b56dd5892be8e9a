// The README's "Publishing without GitHub" recipe, run as written, in order: release 1.0.0 with
// --mirror, add it to the mirror directory with mirror.mjs, "upload" it (a loopback web server serves
// the directory the rsync line names), install with the mirror's installer.sh into a throw-away HOME,
// then release 2.0.0 the same way and a plain axolotlsay-update (the real executable; no --source, no
// UPKEEP_SOURCE) updates to it. GitHub (the base-URL variables of the installers and of upkeep) is a
// loopback port whose every connection is counted: it must see none.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CARGO_DIST_RECEIPT_KEYS } from "../fixtures/receipts.js";
import { defer } from "../helpers/cleanup.js";
import { tmpDir } from "../helpers/fake-app.js";
import { authorLayout, type Command, readmeSteps, runNodeStep } from "../helpers/readme.js";
import { runProcess as run } from "../helpers/run.js";
import { loggingServer } from "../helpers/static-server.js";
import { EXE } from "../helpers/world.js";

const README_URL = "https://downloads.example.com/axolotlsay";

/** A TCP server on 127.0.0.1 that counts connections and closes each at once (GitHub, which must not be asked). */
async function countingPort(): Promise<{ url: string; connections: () => number }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  defer(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, connections: () => count };
}

describe("README: publishing without GitHub, step by step", () => {
  it("release --mirror → mirror.mjs → install from the mirror → a plain axolotlsay-update reaches 2.0.0, GitHub never contacted", async () => {
    expect(existsSync(EXE), "dist/upkeep is built by npm test").toBe(true);
    const [release, mirror, upload] = readmeSteps("### Publishing without GitHub", [
      ["node", "scripts/release.mjs"],
      ["node", "scripts/mirror.mjs"],
      ["rsync"],
    ]);
    expect(release?.argv).toContain(README_URL);
    if (!release || !mirror || !upload) return;

    // The author's directory (the layout of "For app authors", step 1) and the web server: it serves
    // `site/`, so the directory the rsync line uploads is at <server>/axolotlsay, where --mirror says.
    const work = tmpDir("upkeep-readme-mirror-");
    const uploaded = upload.argv.find((a) => a.startsWith("site/")) ?? "";
    expect(uploaded.replace(/\/$/, "")).toBe(mirror.argv[mirror.argv.indexOf("--out") + 1]);
    mkdirSync(path.join(work, "site"));
    const server = await loggingServer(path.join(work, "site"));
    const mirrorUrl = `${server.url}${path.relative("site", uploaded).replace(/\/$/, "")}`;
    const github = await countingPort();

    const layout = (version: string): void => authorLayout(work, version);
    // The README's command with its version and mirror URL swapped for this run's, from the checkout.
    const sh = (c: Command, version: string) =>
      runNodeStep(
        c,
        c.argv.map((a) => a.replaceAll("1.2.3", version).replaceAll(README_URL, mirrorUrl)),
        work,
      );
    const publish = async (version: string): Promise<void> => {
      layout(version);
      const made = await sh(release, version);
      expect(made.code, made.stderr).toBe(0);
      const added = await sh(mirror, version);
      expect(added.code, added.stderr).toBe(0);
    };

    await publish("1.0.0");
    const index = JSON.parse(readFileSync(path.join(work, uploaded, "releases.json"), "utf8"));
    expect(index.releases.map((r: { tag: string }) => r.tag)).toEqual(["v1.0.0"]);

    // The user: a throw-away HOME, GitHub (for the installers and for upkeep) pointed at the counting port.
    const home = path.join(tmpDir("upkeep-mirror-home-"), "home");
    mkdirSync(path.join(home, "tmp"), { recursive: true });
    const env = { HOME: home, PATH: "/usr/local/bin:/usr/bin:/bin", TMPDIR: path.join(home, "tmp"), LANG: "C.UTF-8" };
    const noGithub = { ...env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: github.url };
    // The user's command as the README gives it: curl … | sh.
    const installer = `${mirrorUrl}/v1.0.0/axolotlsay-installer.sh`;
    const install = await run("sh", ["-c", `curl -fsSL '${installer}' | sh`], { ...noGithub, AXOLOTLSAY_INSTALLER_GITHUB_BASE_URL: github.url });
    expect(install.code, install.stderr).toBe(0);
    const bin = path.join(home, ".cargo", "bin");
    const version = async (): Promise<string> => (await run(path.join(bin, "axolotlsay"), [], env)).stdout.trim();
    expect(await version()).toBe("axolotlsay 1.0.0");
    const receiptPath = path.join(home, ".config", "axolotlsay", "axolotlsay-receipt.json");
    const receipt = JSON.parse(readFileSync(receiptPath, "utf8"));
    expect(receipt.source).toEqual({ release_type: "mirror", url: mirrorUrl });
    // cargo-dist's other keys are all there, in order, with the PATH changes this fresh install made.
    expect(Object.keys(receipt)).toEqual(CARGO_DIST_RECEIPT_KEYS.flatMap((k) => (k === "version" ? ["upkeep_path_changes", k] : [k])));
    expect(server.log.map((r) => r.path)).toContain("/axolotlsay/v1.0.0/axolotlsay-x86_64-unknown-linux-gnu.tar.xz");

    // 2.0.0 joins the same mirror; the user runs plain axolotlsay-update.
    await publish("2.0.0");
    const updated = await run(path.join(bin, "axolotlsay-update"), [], noGithub);
    expect(updated.code, updated.stderr).toBe(0);
    expect(await version()).toBe("axolotlsay 2.0.0");
    expect(JSON.parse(readFileSync(receiptPath, "utf8"))).toMatchObject({ version: "2.0.0", source: { release_type: "mirror", url: mirrorUrl } });
    expect(server.log.map((r) => r.path)).toEqual(expect.arrayContaining(["/axolotlsay/releases.json", "/axolotlsay/v2.0.0/axolotlsay-installer.sh"]));
    expect(github.connections(), "connections to the GitHub port").toBe(0);

    // A receipt naming GitHub instead: the NETWORK error reaches the GitHub port and names the way to the mirror.
    writeFileSync(
      receiptPath,
      JSON.stringify({ ...receipt, version: "2.0.0", source: { app_name: "axolotlsay", name: "axolotlsay", owner: "you", release_type: "github" } }),
    );
    const failed = await run(path.join(bin, "axolotlsay-update"), ["--json"], noGithub);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      error: { code: "NETWORK", hint: expect.stringContaining("--source URL, or set <APP>_UPKEEP_SOURCE or UPKEEP_SOURCE") },
    });
    expect(github.connections()).toBeGreaterThan(0);
    const viaSource = await run(path.join(bin, "axolotlsay-update"), ["--check", "--source", mirrorUrl], noGithub);
    expect(viaSource.code, viaSource.stderr).toBe(0);
  }, 300_000);
});
