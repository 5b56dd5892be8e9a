// scripts/keygen.mjs: a minisign key pair without minisign installed. The files are the ones
// `minisign -G -p DIR/minisign.pub -s DIR/minisign.key` makes (`-W` for --no-password), so minisign
// can sign and verify with them too.
//
//   UPKEEP_SIGN_PASSWORD=… node scripts/keygen.mjs --out DIR [--name NAME] [--force]
//   node scripts/keygen.mjs --out DIR --no-password [--name NAME] [--force]
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { publicKeyText } from "../core/minisign.js";
import { generateSecretKey, PASSWORD_VARIABLE, publicKeyOf, writeSecretKey } from "./minisign-keys.js";

/** What the launcher passes on from its environment. */
export interface KeygenHost {
  /** `UPKEEP_SIGN_PASSWORD`: the password that encrypts the secret key. */
  password?: string | undefined;
}

export const USAGE = `Usage: ${PASSWORD_VARIABLE}=… node scripts/keygen.mjs --out DIR [--name NAME] [--force]
       node scripts/keygen.mjs --out DIR --no-password [--name NAME] [--force]
Writes DIR/NAME.key (the secret key, mode 0600, encrypted with ${PASSWORD_VARIABLE}) and DIR/NAME.pub,
as minisign -G does (NAME: minisign). --no-password leaves the key unencrypted (minisign -G -W);
--force replaces an existing key pair.`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// A usage error: the message and exit status 2.
class UsageError extends Error {}

// The options, checked: where to write, and the password (undefined: --no-password).
function options(argv: string[], host: KeygenHost) {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      name: { type: "string" },
      "no-password": { type: "boolean" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  if (!values.out) throw new UsageError("--out DIR is required (where to write NAME.key and NAME.pub)");
  const name = values.name ?? "minisign";
  if (!NAME.test(name)) throw new UsageError(`--name must be a file name (letters, digits, ".", "_", "-"), not ${JSON.stringify(name)}`);
  const password = host.password === "" ? undefined : host.password;
  if (password !== undefined && values["no-password"]) throw new UsageError(`${PASSWORD_VARIABLE} is set and --no-password given: choose one`);
  if (password === undefined && !values["no-password"]) {
    throw new UsageError(
      `no password: set ${PASSWORD_VARIABLE} to encrypt the secret key with it${host.password === "" ? " (it is empty)" : ""}, ` +
        "or pass --no-password to write it unencrypted (as minisign -G -W does)",
    );
  }
  return { dir: values.out, name, password, force: values.force === true };
}

/** scripts/keygen.mjs: argv (without node and the script) → exit status (2: usage, 1: refused, 0: written). */
export async function main(argv: string[], host: KeygenHost = {}): Promise<number> {
  const say = (stream: NodeJS.WriteStream, line: string): void => {
    stream.write(`${line}\n`);
  };
  let o: ReturnType<typeof options>;
  try {
    o = options(argv, host);
  } catch (error) {
    say(process.stderr, `keygen: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!o) {
    say(process.stdout, USAGE);
    return 0;
  }
  const keyFile = path.join(o.dir, `${o.name}.key`);
  const pubFile = path.join(o.dir, `${o.name}.pub`);
  try {
    const existing = [keyFile, pubFile].filter((f) => existsSync(f));
    if (existing.length > 0 && !o.force) {
      say(process.stderr, `keygen: ${existing.join(" and ")} already exists: pass --force to replace the key pair (the old key then signs nothing new)`);
      return 1;
    }
    const key = generateSecretKey();
    if (o.password !== undefined) say(process.stderr, "keygen: encrypting the secret key (scrypt, about 1 GiB of memory and a few seconds)");
    const secret = writeSecretKey(key, o.password);
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    // Removed first: a replaced key file is created anew, so it gets mode 0600 whatever the old one had.
    for (const f of existing) unlinkSync(f);
    writeFileSync(keyFile, secret, { mode: 0o600, flag: "wx" });
    writeFileSync(pubFile, publicKeyText(publicKeyOf(key)), { flag: "wx" });
    const pub = publicKeyOf(key);
    say(process.stdout, `keygen: wrote ${keyFile} (secret${o.password === undefined ? ", not encrypted" : ""}) and ${pubFile}`);
    say(process.stdout, `public key: ${pub.line}`);
    say(process.stdout, `key id: ${pub.id}`);
    say(
      process.stdout,
      `next: keep ${keyFile} secret (out of the repository; in CI a secret${o.password === undefined ? "" : `, with ${PASSWORD_VARIABLE}`}), and sign each release:`,
    );
    say(process.stdout, `  node scripts/release.mjs … --sign-key ${keyFile} --public-key ${pubFile}`);
    return 0;
  } catch (error) {
    say(process.stderr, `keygen: cannot write the key pair in ${o.dir}: ${(error as Error).message}`);
    return 1;
  }
}
