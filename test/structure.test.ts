// The architecture, enforced (docs/architecture.md), with the TypeScript compiler rather than regexes:
// tests mirror src/ one to one, core/ is pure, imports follow the layers and form no cycle, the entry
// point stays light, only src/config.ts reads the environment, every test file asserts, and long files
// say why. Each guard is also run on a planted violation, to prove it can fail.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  assertsNothing,
  cycleViolations,
  envReadViolations,
  filesUnder,
  graphOf,
  helperVitestViolations,
  isEffectModule,
  lazyEntryViolations,
  layerViolations,
  lengthViolation,
  mirrorViolations,
  nameOf,
  parse,
  processUses,
  programOf,
  purityViolations,
  ROOT,
  typesOnly,
} from "./helpers/structure.js";

const src = filesUnder("src")
  .filter((f) => f.endsWith(".ts"))
  .sort();
const tests = filesUnder("test").filter((f) => f.endsWith(".ts"));
// One program for src/, created once; the controls' programs reuse its files.
const program = programOf(src);
const sourceOf = (file: string) => {
  const sf = program.getSourceFile(path.join(ROOT, file));
  if (!sf) throw new Error(`${file} is not in the program`);
  return sf;
};
const graph = graphOf(src.map(sourceOf));
const ENTRY = "src/cli/main.ts";

/** src files without a test of their own, and why (a "types only" reason is checked). */
const NO_TEST: Record<string, string> = {
  "src/index.ts": "re-exports only: the library's functions are tested in test/update/index.test.ts",
  "src/types.ts": "types only",
  "src/version.ts": "one constant, checked against package.json by test/errors.test.ts",
  "src/cli/main.ts": "the process entry point (signals, crash handler): run as the built executable by test/e2e/",
  "src/cli/output.ts": "types only",
  "src/sources/types.ts": "types only",
  "src/io/http-types.ts": "types only",
};

/**
 * Modules allowed to read an environment variable besides src/config.ts, each with why: today none.
 * (core/ functions take the values config.ts read; the installer's base environment, Config.env, is the
 * only raw environment passed down, and it is copied, never read by name.)
 */
const ENV_READ_ALLOWED: Record<string, string> = {};

/** Where `process.argv`, `.platform`, `.cwd` and `.execPath` may be read: the host is read once. */
const HOST_READERS = new Set(["src/config.ts", ENTRY]);

const hostReads = (sf: ReturnType<typeof parse>): string[] =>
  processUses(sf)
    .filter((u) => ["env", "argv", "platform", "cwd", "execPath"].includes(u.member ?? ""))
    .map((u) => `${nameOf(sf)}:${u.line} reads process.${u.member}: only src/config.ts reads the host (the entry point its argv)`);

describe("structure of src/", () => {
  it("test/ mirrors src/ one to one", () => {
    expect(mirrorViolations(src, tests, NO_TEST, (f) => typesOnly(sourceOf(f)))).toEqual([]);
  });

  it("core/ is pure: no fs, os, child_process, network, undici, execa, env-paths, process", () => {
    expect(src.filter((f) => f.startsWith("src/core/")).flatMap((f) => purityViolations(sourceOf(f)))).toEqual([]);
  });

  it("imports follow the layers: cli → update → sources → io / core", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("no import cycle, dynamic and type-only imports included", () => {
    expect(cycleViolations(graph)).toEqual([]);
  });

  it(`the entry point (${ENTRY}) loads neither the update path nor undici, execa or semver at start-up`, () => {
    expect(lazyEntryViolations(graph, ENTRY)).toEqual([]);
  });

  it("only src/config.ts reads the environment", () => {
    const checked = src.filter((f) => f !== "src/config.ts" && !(f in ENV_READ_ALLOWED));
    expect(envReadViolations(program, checked)).toEqual([]);
    // An allowed module that no longer reads any is taken off the list.
    for (const file of Object.keys(ENV_READ_ALLOWED)) expect(envReadViolations(program, [file]), `${file} reads no variable now`).not.toEqual([]);
  });

  it("only src/config.ts (and the entry point, its argv) reads the host from process", () => {
    expect(src.filter((f) => !HOST_READERS.has(f)).flatMap((f) => hostReads(sourceOf(f)))).toEqual([]);
    expect(processUses(sourceOf(ENTRY)).filter((u) => u.member === "env")).toEqual([]);
  });

  it("a file over 200 lines says why on its first line", () => {
    expect(src.map((f) => lengthViolation(f, readFileSync(path.join(ROOT, f), "utf8"))).filter(Boolean)).toEqual([]);
  });
});

describe("structure of test/", () => {
  it("every test file asserts something (calls expect)", () => {
    const silent = tests.filter((f) => f.endsWith(".test.ts") && assertsNothing(parse(f, readFileSync(path.join(ROOT, f), "utf8"))));
    expect(silent).toEqual([]);
  });

  it("no helper in test/helpers/ needs vitest (the bench bundles them without it)", () => {
    const helpers = tests.filter((f) => f.startsWith("test/helpers/"));
    expect(helpers.length).toBeGreaterThan(10);
    expect(helpers.flatMap((f) => helperVitestViolations(parse(f, readFileSync(path.join(ROOT, f), "utf8"))))).toEqual([]);
  });
});

// Each guard above, fed a planted violation, must fail.
describe("the guards catch planted violations", () => {
  const modules = (files: Record<string, string>) => graphOf(Object.entries(files).map(([f, t]) => parse(f, t)));
  // A test per planted text: the guard reports it once, saying what is wanted.
  const failsOnEach = (planted: [string, RegExp][], guard: (text: string) => string[]): void => {
    for (const [text, want] of planted) {
      it(`fails on ${text}`, () => {
        const found = guard(text);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(want);
      });
    }
  };

  it("mirror: a src file without its test, a test without its module, a 'types only' file with code", () => {
    // Only what the planting adds counts (the real tree is judged above).
    const isTypes = (f: string) => typesOnly(sourceOf(f));
    const before = new Set(mirrorViolations(src, tests, NO_TEST, isTypes));
    const added = (found: string[]) => found.filter((v) => !before.has(v));
    expect(added(mirrorViolations([...src, "src/core/planted.ts"], tests, NO_TEST, isTypes))).toEqual(["src/core/planted.ts has no test/core/planted.test.ts"]);
    expect(added(mirrorViolations(src, [...tests, "test/update/gone.test.ts"], NO_TEST, isTypes))).toEqual([
      "test/update/gone.test.ts mirrors no src file (src/update/gone.ts does not exist): move it with its module",
    ]);
    expect(added(mirrorViolations(src, tests, { ...NO_TEST, "src/io/http.ts": "types only" }, isTypes))).toEqual([
      'src/io/http.ts is listed as "types only" but has code: give it a test',
    ]);
    expect(added(mirrorViolations(src, tests, { ...NO_TEST, "src/gone.ts": "types only" }, isTypes))).toEqual([
      "the no-test list names src/gone.ts, which does not exist",
    ]);
    expect(typesOnly(parse("t.ts", 'import type { A } from "./a.js";\nexport interface B { a: A }\nexport type C = B;'))).toBe(true);
    expect(typesOnly(parse("t.ts", "export interface B {}\nexport const c = 1;"))).toBe(false);
  });

  describe("purity", () => {
    // [planted text, what must be reported]
    const planted: [string, RegExp][] = [
      ['import x from "fs";', /imports fs \(static\)/],
      ['export const read = () => import("node:fs/promises");', /imports node:fs\/promises \(dynamic\)/],
      ['import { isIP } from "node:net";', /imports node:net/],
      ['import { connect } from "net";', /imports net/],
      ['export { request } from "node:https";', /imports node:https/],
      ['import cp = require("child_process");', /imports child_process \(require\)/],
      ['const dns = require("dns/promises");', /imports dns\/promises \(require\)/],
      ['import { request } from "undici";', /imports undici/],
      ['import envPaths from "env-paths";', /imports env-paths/],
      ["export const here = () => process.cwd();", /uses process\.cwd/],
      ['export const home = () => process.env["HOME"];', /uses process\.env/],
      ["export const p = globalThis.process;", /uses process/],
    ];
    failsOnEach(planted, (text) => purityViolations(parse("src/core/planted.ts", text)));
    it("passes type-only imports, the path and url modules, and `process` as a mere name", () => {
      const ok =
        'import type { Stats } from "node:fs";\nimport path from "node:path";\nexport type T = typeof import("node:os");\nexport const o = { process: 1 }.process;\nexport const s = (e: NodeJS.ErrnoException) => path.join(e.path ?? "");';
      expect(purityViolations(parse("src/core/planted.ts", ok))).toEqual([]);
      expect(["tls", "node:tls", "fs/promises", "node:child_process", "execa"].every(isEffectModule)).toBe(true);
      expect(["path", "node:url", "node:crypto", "semver", "./fs.js"].some(isEffectModule)).toBe(false);
    });
  });

  it("layers: core importing update, io importing cli, sources importing config, a top-level module, a computed import()", () => {
    const g = modules({
      "src/core/planted.ts": 'import { update } from "../update/index.js";',
      "src/io/planted.ts": 'export type { Output } from "../cli/output.js";',
      "src/sources/planted.ts": 'import type { Config } from "../config.js";',
      "src/helper.ts": "export const x = 1;",
      "src/cli/planted.ts": 'import "../update/index.js";\nexport const load = (m: string) => import(m);',
    });
    const found = layerViolations(g);
    expect(found).toHaveLength(5);
    expect(found.join("\n")).toMatch(/src\/core\/planted\.ts:1 \(core\) imports src\/update\/index\.ts \(update\)/);
    expect(found.join("\n")).toMatch(/src\/io\/planted\.ts:1 \(io\) imports src\/cli\/output\.ts \(cli\)/);
    expect(found.join("\n")).toMatch(/src\/sources\/planted\.ts:1 \(sources\) imports src\/config\.ts \(config\)/);
    expect(found.join("\n")).toMatch(/src\/helper\.ts is in no layer/);
    expect(found.join("\n")).toMatch(/src\/cli\/planted\.ts:2 has an import\(\) of a computed name/);
  });

  describe("helpers without vitest", () => {
    // [planted text, what must be reported]
    const planted: [string, RegExp][] = [
      ['import { onTestFinished } from "vitest";', /planted\.ts:1 imports vitest \(static\)/],
      ['import { type TestContext } from "vitest";', /imports vitest \(static\)/],
      ['export const load = () => import("vitest");', /imports vitest \(dynamic\)/],
      ['const v = require("vitest");', /imports vitest \(require\)/],
      ['export { defineConfig } from "vitest/config";', /imports vitest\/config/],
      ['import { expect } from "@vitest/expect";', /imports @vitest\/expect/],
      ['import { apiRows } from "../hostile/api.js";', /imports test\/hostile\/api\.ts, a test file outside test\/helpers\//],
      ["export const load = (m: string) => import(m);", /computed name/],
    ];
    failsOnEach(planted, (text) => helperVitestViolations(parse("test/helpers/planted.ts", text)));
    it("passes `import type` from vitest, other helpers, src, packages and node: (and the real fake-app.ts, until it imports vitest)", () => {
      const ok =
        'import type { Reporter } from "vitest/node";\nexport type T = typeof import("vitest");\nimport { defer } from "./cleanup.js";\nimport { runCli } from "../../src/cli/index.js";\nimport { request } from "undici";\nimport path from "node:path";';
      expect(helperVitestViolations(parse("test/helpers/planted.ts", ok))).toEqual([]);
      const real = readFileSync(path.join(ROOT, "test/helpers/fake-app.ts"), "utf8");
      expect(helperVitestViolations(parse("test/helpers/fake-app.ts", real))).toEqual([]);
      expect(helperVitestViolations(parse("test/helpers/fake-app.ts", `import { onTestFinished } from "vitest";\n${real}`))).toEqual([
        expect.stringMatching(/^test\/helpers\/fake-app\.ts:1 imports vitest \(static\)/),
      ]);
    });
  });

  it("cycles: two modules importing each other, one of them through import()", () => {
    const cycle = modules({
      "src/cli/a.ts": 'import { b } from "./b.js";\nexport const a = b;',
      "src/cli/b.ts": 'export const b = async () => (await import("./a.js")).a;',
      "src/cli/c.ts": 'import { a } from "./a.js";',
    });
    expect(cycleViolations(cycle)).toEqual(["import cycle: src/cli/a.ts → src/cli/b.ts → src/cli/a.ts"]);
    expect(cycleViolations(modules({ "src/core/self.ts": 'import type { T } from "./self.js";\nexport type U = T;' }))).toEqual([
      "import cycle: src/core/self.ts → src/core/self.ts",
    ]);
    expect(cycleViolations(modules({ "src/cli/a.ts": 'import { b } from "./b.js";', "src/cli/b.ts": "export const b = 1;" }))).toEqual([]);
  });

  it("lazy entry: the update path or semver imported statically, even through another module", () => {
    const heavy = modules({
      "src/cli/main.ts": 'import { run } from "./run.js";\nrun();',
      "src/cli/run.ts": 'import { update } from "../update/index.js";\nimport semver from "semver";\nexport const run = () => update;',
      "src/update/index.ts": 'import { request } from "undici";\nexport const update = request;',
    });
    expect(lazyEntryViolations(heavy, "src/cli/main.ts")).toEqual([
      "src/cli/main.ts loads src/update/index.ts at start-up; load it with import() when there is work",
      "src/cli/main.ts loads the package semver at start-up; load it with import() when it is needed",
      "src/cli/main.ts loads the package undici at start-up; load it with import() when it is needed",
    ]);
    const lazy = modules({
      "src/cli/main.ts": 'import type { Update } from "../update/index.js";\nexport const run = async () => (await import("../update/index.js")).update;',
      "src/update/index.ts": 'import semver from "semver";\nexport type Update = 1;\nexport const update = semver;',
    });
    expect(lazyEntryViolations(lazy, "src/cli/main.ts")).toEqual([]);
  });

  describe("env reads (with the type checker)", () => {
    // One program for every planted module, reusing src's files.
    const plantedFiles: Record<string, string> = {
      "src/core/p-env.ts": 'import type { Env } from "../config.js";\nexport const home = (env: Env) => env.HOME;',
      "src/core/p-element.ts": 'import type { Env } from "../config.js";\nexport const get = (env: Env, name: string) => env[name];',
      "src/core/p-destructure.ts": 'import type { Env } from "../config.js";\nexport function f(env: Env) {\n  const { HOME } = env;\n  return HOME;\n}',
      "src/core/p-param.ts": 'import type { Env } from "../config.js";\nexport const f = ({ PATH }: Env) => PATH;',
      "src/io/p-record.ts": "export const f = (vars: Record<string, string | undefined>) => vars.PATH;",
      "src/io/p-readonly.ts": "export const f = (vars: Readonly<Record<string, string | undefined>>) => vars['TMPDIR'];",
      "src/io/p-processenv.ts": "export const f = (e: NodeJS.ProcessEnv) => e.HOME;",
      "src/update/p-process.ts": "export const home = () => process.env.HOME;",
      "src/update/p-optional.ts": 'import type { UpdaterOptions } from "../config.js";\nexport const f = (o: UpdaterOptions) => o.env?.HOME;',
      "src/update/p-config.ts": 'import type { Config } from "../config.js";\nexport const f = (c: Config) => c.env.XDG_CONFIG_HOME;',
      "src/update/p-in.ts": 'import type { Env } from "../config.js";\nexport const f = (env: Env) => "CI" in env;',
      // Not reads: passing a record on, copying it, reading a Record<string, string> (the installer's own env).
      "src/update/p-fine.ts": [
        'import type { Config, Env } from "../config.js";',
        "export const base = (c: Config): Env => c.env;",
        "export const copy = (c: Config) => Object.fromEntries(Object.entries(c.env).filter((e): e is [string, string] => e[1] !== undefined));",
        "export const spread = (env: Env) => ({ ...env, EXTRA: '1' });",
        "export const installer = (env: Record<string, string>) => env.PATH;",
        "export const other = (o: { env: string; HOME?: string }) => o.HOME;",
      ].join("\n"),
    };
    const planted = programOf(["src/config.ts"], plantedFiles, program);
    for (const file of Object.keys(plantedFiles).filter((f) => f !== "src/update/p-fine.ts")) {
      it(`fails on ${file}: ${plantedFiles[file]!.split("\n").at(-1)}`, () => {
        expect(envReadViolations(planted, [file]).length).toBeGreaterThan(0);
      });
    }
    it("passes a record passed on or copied, and records that are not environments", () => {
      expect(envReadViolations(planted, ["src/update/p-fine.ts"])).toEqual([]);
    });
    it("the allow-list is only a list: a module on it is still an offender when checked", () => {
      expect(envReadViolations(planted, ["src/core/p-env.ts"])[0]).toMatch(/^src\/core\/p-env\.ts:2 reads env\.HOME/);
    });
  });

  it("host reads: process.platform outside config.ts", () => {
    expect(hostReads(parse("src/io/planted.ts", "export const windows = process.platform === 'win32';\nexport const pid = process.pid;"))).toEqual([
      "src/io/planted.ts:1 reads process.platform: only src/config.ts reads the host (the entry point its argv)",
    ]);
  });

  it("a test file that asserts nothing", () => {
    expect(assertsNothing(parse("test/p.test.ts", 'import { it } from "vitest";\nit("runs", () => { const x = 1; void x; });'))).toBe(true);
    expect(assertsNothing(parse("test/p.test.ts", 'import { expect, it } from "vitest";\nit("imports expect but never calls it", () => {});'))).toBe(true);
    expect(assertsNothing(parse("test/p.test.ts", 'import { expect, it } from "vitest";\nit("checks", () => expect(1).toBe(1));'))).toBe(false);
    expect(
      assertsNothing(parse("test/p.test.ts", 'import { expect, it } from "vitest";\nit("checks", async () => { await expect.poll(() => 1).toBe(1); });')),
    ).toBe(false);
  });

  it("a file over 200 lines without a reason on its first line", () => {
    const long = `${"export const x = 1;\n".repeat(201)}`;
    expect(lengthViolation("src/core/long.ts", long)).toBe(
      'src/core/long.ts has 201 lines: split it, or say why on its first line ("// Over 200 lines: <reason>")',
    );
    expect(lengthViolation("src/core/long.ts", `// Over 200 lines: one table.\n${long}`)).toBeUndefined();
    expect(lengthViolation("src/core/short.ts", "export const x = 1;\n".repeat(200))).toBeUndefined();
  });
});
