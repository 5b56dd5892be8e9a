// scripts/mirror.mjs's command line:
//
//   node scripts/mirror.mjs --out DIR --app NAME --github OWNER/REPO [--api-url URL] [--token T] [--prereleases]
//   node scripts/mirror.mjs --out DIR --app NAME --from-release DIR [--tag TAG] [--prerelease]
//   … [--public-key KEY|FILE]...   (mirror only releases one of these keys signed)
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { UpdaterError } from "../errors.js";
import { addReleases, fromReleaseDir, MirrorError } from "./mirror.js";
import { mirrorGithub } from "./mirror-github.js";
import { MirrorSignatureError } from "./mirror-verify.js";
import { loadPublicKeys, SigningError } from "./sign-release.js";

/** What the launcher passes on from its environment. */
export interface MirrorHost {
  /** `GITHUB_TOKEN`: the token when no --token is given. */
  githubToken?: string | undefined;
}

// The version of a release directory, from its installer's rendered APP_VERSION line.
function guessVersion(dir: string, app: string): string {
  const installer = path.join(dir, `${app}-installer.sh`);
  const m = existsSync(installer) ? /^APP_VERSION='([^']+)'/m.exec(readFileSync(installer, "utf8")) : null;
  if (!m?.[1]) throw new MirrorError(`pass --tag: cannot tell the version of ${dir}`);
  return m[1];
}

// What the release's installers will do once served from the mirror: download from it, or from GitHub.
function installerNote(dir: string, app: string): string | undefined {
  const installer = path.join(dir, `${app}-installer.sh`);
  if (!existsSync(installer)) return undefined;
  const text = readFileSync(installer, "utf8");
  const mirror = /^MIRROR_URL='([^']*)'/m.exec(text)?.[1];
  const base = /^DEFAULT_BASE_URL='([^']*)'/m.exec(text)?.[1] ?? "GitHub";
  if (mirror) return `its installers download from ${base} and record the mirror ${mirror}: serve this directory there`;
  return `note: its installers download from ${base} and record GitHub as the source; for a mirror-only app render them with release.mjs --mirror URL`;
}

async function run(argv: string[], host: MirrorHost, log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      app: { type: "string" },
      github: { type: "string" },
      "api-url": { type: "string" },
      token: { type: "string" },
      prereleases: { type: "boolean" },
      "from-release": { type: "string" },
      tag: { type: "string" },
      prerelease: { type: "boolean" },
      "public-key": { type: "string", multiple: true },
    },
    strict: true,
  });
  const { out, app, github } = values;
  const dir = values["from-release"];
  if (!out || !app || !github === !dir) {
    throw new MirrorError("usage: --out DIR --app NAME and one of --github OWNER/REPO or --from-release DIR");
  }
  let keys: ReturnType<typeof loadPublicKeys>;
  try {
    keys = loadPublicKeys(values["public-key"] ?? []);
  } catch (error) {
    throw error instanceof SigningError ? new MirrorError(error.message) : error;
  }
  const stats = github
    ? await mirrorGithub(
        out,
        {
          app,
          repo: github,
          apiUrl: values["api-url"]?.replace(/\/+$/, ""),
          token: values.token ?? host.githubToken,
          prereleases: values.prereleases,
          keys,
        },
        log,
      )
    : await addReleases(
        out,
        app,
        fromReleaseDir({ app, dir: dir as string, tag: values.tag ?? `v${guessVersion(dir as string, app)}`, prerelease: values.prerelease }),
        log,
        keys,
      );
  const note = dir ? installerNote(dir, app) : undefined;
  if (note) log(note);
  log(
    `${stats.releases} releases; ${stats.copied} assets copied, ${stats.unchanged} unchanged, ${stats.unverified} without a published checksum; ` +
      `${stats.linked} hard-linked to the same file of another release`,
  );
  log(`use it with: <app>-update --source ${pathToFileURL(path.resolve(out)).href} (or serve ${out} over HTTP)`);
}

/** scripts/mirror.mjs: argv (without node and the script) → exit status. */
export async function main(argv: string[], host: MirrorHost = {}): Promise<number> {
  const log = (line: string): void => {
    process.stderr.write(`mirror: ${line}\n`);
  };
  try {
    await run(argv, host, log);
    return 0;
  } catch (error) {
    const known = error instanceof MirrorError || error instanceof MirrorSignatureError || UpdaterError.is(error);
    log(known ? (error as Error).message : String((error as Error)?.stack ?? error));
    return 1;
  }
}
