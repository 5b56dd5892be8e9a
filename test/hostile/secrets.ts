// Hostile-input rows: secrets — the GitHub tokens and a proxy password must reach only where they belong.
// The world puts four distinct canary values in the environment; every row searches its output, every
// file under HOME and every non-API server's request log for them (the table does that for each row).
import path from "node:path";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { runCliWith } from "../helpers/cli.js";
import { installerScript } from "../helpers/fake-app.js";
import { writeMirror, type World } from "../helpers/world.js";
import type { HostileRow } from "./row.js";

const installer = "axolotlsay-installer.sh";

// A good mirror of 2.0.0 whose installer records its whole environment into a file under HOME, where
// the leak check looks: a token given to it would be found there.
function recordingMirror(w: World): void {
  writeMirror(w.mirrorDir, [
    {
      tag: "v2.0.0",
      version: "2.0.0",
      assets: [
        { name: installer, body: installerScript({ version: "2.0.0", prelude: 'env | grep -E "TOKEN|DOWNLOAD_URL" > "$HOME/installer-env.txt" || true' }) },
      ],
    },
  ]);
}

const noAuthorization = (w: World): void => {
  for (const l of w.mirror.log) expect(l.headers.authorization, `Authorization sent to the mirror for ${l.path}`).toBeUndefined();
};

// Installers that print every secret they can see, so upkeep's redaction is what stands between them and the user.
const blabber = 'echo "token=$AXOLOTLSAY_GITHUB_TOKEN gh=$GITHUB_TOKEN axo=$AXOUPDATER_GITHUB_TOKEN proxy=$HTTPS_PROXY"';

export const secretRows: HostileRow[] = [
  {
    name: "finding 1: --source an HTTP mirror with GITHUB_TOKEN set: no token to the mirror, none to its installer",
    setup: recordingMirror,
    run: (w) => w.run(["--json", "--source", w.mirror.url]),
    exit: 0,
    code: null,
    result: "updated",
    check: (w) => {
      noAuthorization(w);
      const env = readFileSync(path.join(w.app.home, "installer-env.txt"), "utf8");
      expect(env).toContain(`AXOLOTLSAY_DOWNLOAD_URL=${w.mirror.url}v2.0.0`);
    },
  },
  {
    name: "finding 1: a receipt whose source is a mirror: no token sent or given to the installer",
    setup: (w) => {
      recordingMirror(w);
      const receipt = JSON.parse(readFileSync(w.app.receiptPath, "utf8"));
      receipt.source = { release_type: "mirror", url: w.mirror.url, app_name: "axolotlsay", owner: "", name: "" };
      w.updateReceipt(receipt);
    },
    exit: 0,
    code: null,
    result: "updated",
    check: noAuthorization,
  },
  {
    name: "finding 1: UPKEEP_SOURCE names the mirror: the same",
    setup: recordingMirror,
    run: (w) => w.run(["--json"], { UPKEEP_SOURCE: w.mirror.url }),
    exit: 0,
    code: null,
    result: "updated",
    check: noAuthorization,
  },
  {
    name: "finding 1: INSTALLER_DOWNLOAD_URL set for a GitHub source: the installer gets no token",
    world: { release: { prelude: 'env | grep -E "TOKEN|DOWNLOAD_URL" > "$HOME/installer-env.txt" || true' } },
    run: (w) => w.run(["--json"], { INSTALLER_DOWNLOAD_URL: `${w.mirror.url}downloads` }),
    exit: 0,
    code: null,
    result: "updated",
  },
  {
    name: "finding 1: <APP>_DOWNLOAD_URL set for a GitHub source: the installer gets no token",
    world: { release: { prelude: 'env | grep -E "TOKEN|DOWNLOAD_URL" > "$HOME/installer-env.txt" || true' } },
    run: (w) => w.run(["--json"], { AXOLOTLSAY_DOWNLOAD_URL: `${w.mirror.url}downloads` }),
    exit: 0,
    code: null,
    result: "updated",
  },
  {
    name: "finding 8: upkeep update (machine mode) redacts an installer that prints the tokens and proxy password",
    world: { release: { prelude: blabber } },
    run: (w) => runCliWith({ argv: ["update", "axolotlsay"], env: w.env, invokedAs: path.join(w.app.bin, "upkeep"), cwd: w.app.home }),
    exit: 0,
    code: null,
    check: (_w, r) => expect(r.stderr + r.stdout).toContain("token=***"),
  },
  {
    name: "machine mode --json prints no installer line, and nothing unredacted",
    world: { release: { prelude: blabber } },
    run: (w) => runCliWith({ argv: ["update", "--json", "axolotlsay"], env: w.env, invokedAs: path.join(w.app.bin, "upkeep"), cwd: w.app.home }),
    exit: 0,
    code: null,
    check: (_w, r) => expect(r.stderr).not.toContain("token="),
  },
  {
    name: "machine mode check -v and doctor -v with all tokens set print none of them",
    run: async (w) => {
      const env = w.env;
      const upkeep = path.join(w.app.bin, "upkeep");
      const check = await runCliWith({ argv: ["check", "-v", "axolotlsay"], env, invokedAs: upkeep, cwd: w.app.home });
      const doctor = await runCliWith({ argv: ["doctor", "-v", "axolotlsay"], env, invokedAs: upkeep, cwd: w.app.home });
      return {
        code: check.code === 100 && doctor.code === 0 ? 0 : 1,
        stdout: check.stdout + doctor.stdout,
        stderr: check.stderr + doctor.stderr,
        json: undefined,
      };
    },
    exit: 0,
    code: null,
  },
  {
    name: "a failing installer that prints the secrets: its tail in the error message is redacted",
    world: { release: { prelude: `${blabber}; exit 3` } },
    exit: 1,
    code: "INSTALLER_FAILED",
    message: "token=***",
  },
  {
    name: "an API error message that echoes the token back is redacted",
    setup: (w) =>
      w.gh.inject({
        match: /\/releases\/latest$/,
        server: "api",
        status: 422,
        body: JSON.stringify({ message: `bad credentials ${w.secrets.AXOUPDATER_GITHUB_TOKEN}` }),
      }),
    exit: 1,
    code: "NETWORK",
    message: "bad credentials ***",
  },
  {
    name: "--verbose lines (requests, redirects, the installer's environment) never show a secret",
    run: (w) => w.run(["--verbose"]),
    exit: 0,
    code: null,
    check: (_w, r) => expect(r.stderr).toContain("(with token)"),
  },
  {
    name: "a private download through the API asset URL: the token stops at the API host, not the storage host it redirects to",
    run: (w) => w.run(["--json"]),
    exit: 0,
    code: null,
    result: "updated",
    check: (w) => {
      const storage = w.gh.log.filter((l) => l.server === "download");
      expect(storage.length).toBeGreaterThan(0);
      for (const l of storage) expect(l.headers.authorization).toBeUndefined();
    },
  },
];
