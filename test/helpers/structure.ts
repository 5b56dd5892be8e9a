// The architecture's guards (docs/architecture.md), as functions of source text, file lists or a
// ts.Program, so test/structure.test.ts applies each to src/ and also to a planted violation.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Repo-relative paths (`/`-separated) of the files under `dir`. */
export function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
}

// ---------------------------------------------------------------------------------------------------
// The layers: the one table of who may import whom (docs/architecture.md shows the same picture).

export type Layer = "cli" | "update" | "sources" | "io" | "core" | "config" | "index" | "base" | "release";

/** Which layers a module of each layer may import (type-only imports included). */
export const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  // The front doors: argv → library call → messages.
  cli: ["cli", "update", "sources", "io", "core", "config", "base"],
  // The library's steps.
  update: ["update", "sources", "io", "core", "config", "base"],
  // Where releases come from.
  sources: ["sources", "io", "core", "base"],
  // Effects only, no decisions.
  io: ["io", "core", "base"],
  // Pure rules.
  core: ["core", "base"],
  // src/config.ts: the environment → a Config.
  config: ["core", "base"],
  // src/index.ts: the library's public face.
  index: ["update", "config", "base"],
  // src/errors.ts, types.ts, version.ts: leaves everyone may use.
  base: ["base"],
  // The release tooling behind scripts/*.mjs: not part of the executable or the library.
  release: ["release", "sources", "io", "core", "base"],
};

/** The layer of a src/ file; undefined for a file that belongs to none (a violation by itself). */
export function layerOf(file: string): Layer | undefined {
  const m = /^src\/(?:(cli|update|sources|io|core|release)\/.+|(config|index|errors|types|version)\.ts)$/.exec(file);
  if (!m) return undefined;
  if (m[1]) return m[1] as Layer;
  return m[2] === "config" ? "config" : m[2] === "index" ? "index" : "base";
}

// ---------------------------------------------------------------------------------------------------
// Imports, as the compiler sees them.

export type ImportKind = "static" | "type" | "dynamic" | "require";

/** One import of a module: what it names, how, where, and the src file it resolves to (none for a package). */
export interface ModuleImport {
  specifier: string;
  kind: ImportKind;
  line: number;
  resolved: string | undefined;
}

/** A source file's repo-relative name (a program's files have absolute ones). */
export function nameOf(sf: ts.SourceFile): string {
  return path.isAbsolute(sf.fileName) ? path.relative(ROOT, sf.fileName).split(path.sep).join("/") : sf.fileName;
}

/** Parses text as a TypeScript module (no type information). */
export function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** `./x.js` from `src/a/b.ts` → `src/a/x.ts`; undefined for a package or a built-in. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, ".ts");
}

/**
 * Every import of a module: `import` (`import type` and `typeof import()` as "type"), `export … from`,
 * `import x = require()`, `require()` and `import()`. An `import()` of something other than a string
 * is reported with the specifier `<computed>`: it cannot be checked, so it counts as a violation.
 */
export function importsOf(sf: ts.SourceFile): ModuleImport[] {
  const file = nameOf(sf);
  const out: ModuleImport[] = [];
  const add = (node: ts.Node, specifier: string, kind: ImportKind): void => {
    out.push({ specifier, kind, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, resolved: resolveSpecifier(file, specifier) });
  };
  const literal = (e: ts.Node | undefined): string | undefined => (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, literal(node.moduleSpecifier) ?? "<computed>", node.importClause?.isTypeOnly ? "type" : "static");
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, literal(node.moduleSpecifier) ?? "<computed>", node.isTypeOnly ? "type" : "static");
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, literal(node.moduleReference.expression) ?? "<computed>", node.isTypeOnly ? "type" : "require");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, literal(node.argument.literal) ?? "<computed>", "type");
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, literal(node.arguments[0]) ?? "<computed>", "dynamic");
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require") add(node, literal(node.arguments[0]) ?? "<computed>", "require");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The import graph of a set of modules: file → its imports. */
export type Graph = ReadonlyMap<string, readonly ModuleImport[]>;

export function graphOf(files: readonly ts.SourceFile[]): Graph {
  return new Map(files.map((sf) => [nameOf(sf), importsOf(sf)]));
}

/** Layer direction: every import of a src module goes to an allowed layer, and every module has a layer. */
export function layerViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [file, imports] of graph) {
    const from = layerOf(file);
    if (!from) {
      out.push(
        `${file} is in no layer (top level holds only index, config, errors, types and version; the rest is in cli/, update/, sources/, io/, core/ or release/)`,
      );
      continue;
    }
    for (const i of imports) {
      if (i.specifier === "<computed>") out.push(`${file}:${i.line} has an import() of a computed name, which no guard can check`);
      if (!i.resolved) continue;
      const to = layerOf(i.resolved);
      if (!to || !ALLOWED[from].includes(to))
        out.push(`${file}:${i.line} (${from}) imports ${i.resolved} (${to ?? "no layer"}): ${from} may import only ${ALLOWED[from].join(", ")}`);
    }
  }
  return out;
}

/** Import cycles among the graph's modules, every kind of import counted (dynamic and type-only too). */
export function cycleViolations(graph: Graph): string[] {
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[] = [];
  const edges = (f: string): string[] => [...new Set((graph.get(f) ?? []).map((i) => i.resolved).filter((r): r is string => r !== undefined && graph.has(r)))];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || edges(v).includes(v)) out.push(`import cycle: ${[...component.reverse(), component[0]].join(" → ")}`);
  };
  for (const f of graph.keys()) if (!index.has(f)) connect(f);
  return out;
}

/**
 * What `entry` loads before it runs: its static imports, transitively (type-only and `import()` not
 * followed). Returns the src files and the packages reached.
 */
export function staticClosure(graph: Graph, entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (f: string): void => {
    if (files.has(f)) return;
    files.add(f);
    for (const i of graph.get(f) ?? []) {
      if (i.kind === "type" || i.kind === "dynamic") continue;
      if (i.resolved) walk(i.resolved);
      else packages.add(i.specifier);
    }
  };
  walk(entry);
  return { files, packages };
}

/** The entry point stays light: nothing of the update path, sources or the heavy packages before it runs. */
export function lazyEntryViolations(graph: Graph, entry: string): string[] {
  const { files, packages } = staticClosure(graph, entry);
  return [
    ...[...files]
      .filter((f) => /^src\/(update|sources)\//.test(f))
      .sort()
      .map((f) => `${entry} loads ${f} at start-up; load it with import() when there is work`),
    ...[...packages]
      .filter((p) => /^(undici|execa|semver)(\/|$)/.test(p))
      .sort()
      .map((p) => `${entry} loads the package ${p} at start-up; load it with import() when it is needed`),
  ];
}

// ---------------------------------------------------------------------------------------------------
// core/ is pure.

const EFFECT_BUILTINS = new Set(["fs", "os", "child_process", "http", "https", "net", "dns", "tls"]);
const EFFECT_PACKAGES = new Set(["undici", "execa", "env-paths"]);

/** Whether a specifier names an effectful module: node:fs, fs, fs/promises, node:net, undici, … */
export function isEffectModule(specifier: string): boolean {
  const bare = specifier.replace(/^node:/, "");
  const head = bare.startsWith("@") ? bare.split("/").slice(0, 2).join("/") : bare.split("/")[0]!;
  return EFFECT_BUILTINS.has(head) || EFFECT_PACKAGES.has(head);
}

/** A pure module imports no effectful module (only `import type` of one) and never touches `process`. */
export function purityViolations(sf: ts.SourceFile): string[] {
  const out = importsOf(sf)
    .filter((i) => i.kind !== "type" && isEffectModule(i.specifier))
    .map((i) => `${nameOf(sf)}:${i.line} imports ${i.specifier} (${i.kind}): core/ does no I/O`);
  for (const use of processUses(sf))
    out.push(`${nameOf(sf)}:${use.line} uses process${use.member ? `.${use.member}` : ""}: core/ gets values, not the process`);
  return out;
}

/** Each use of the global `process` (also `globalThis.process`), with the member read when there is one. */
export function processUses(sf: ts.SourceFile): { line: number; member: string | undefined }[] {
  const out: { line: number; member: string | undefined }[] = [];
  const member = (node: ts.Node): string | undefined => {
    const p = node.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === node) return p.name.text;
    if (ts.isElementAccessExpression(p) && p.expression === node && ts.isStringLiteral(p.argumentExpression)) return p.argumentExpression.text;
    return undefined;
  };
  const visit = (node: ts.Node): void => {
    let use: ts.Node | undefined;
    if (ts.isIdentifier(node) && node.text === "process" && isValueReference(node)) use = node;
    // globalThis.process, globalThis["process"]
    if (
      (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "globalThis"
    ) {
      const name = ts.isPropertyAccessExpression(node)
        ? node.name.text
        : ts.isStringLiteral(node.argumentExpression)
          ? node.argumentExpression.text
          : undefined;
      if (name === "process") use = node;
    }
    if (use) out.push({ line: sf.getLineAndCharacterOfPosition(use.getStart(sf)).line + 1, member: member(use) });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

// An identifier that reads a variable (not a property name, a declaration's name or a type).
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (ts.isPropertyAccessExpression(p) ? p.name : p.right) === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p)) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p) || ts.isImportSpecifier(p)) && p.name === id)
    return false;
  if (ts.isTypeReferenceNode(p) || ts.isQualifiedName(p) || ts.isTypeQueryNode(p)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The environment is read only in src/config.ts.

/** Whether a type is an environment record: config.ts's Env, NodeJS.ProcessEnv, or Record<string, string | undefined>. */
export function isEnvType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) return t.types.some((u) => isEnvType(checker, u));
  if (t.aliasSymbol?.name === "Env" || t.getSymbol()?.name === "ProcessEnv") return true;
  return checker.getIndexInfosOfType(t).some((info) => {
    if (!(info.keyType.flags & ts.TypeFlags.String)) return false;
    const v = info.type;
    return v.isUnion() && v.types.length === 2 && v.types.some((x) => x.flags & ts.TypeFlags.String) && v.types.some((x) => x.flags & ts.TypeFlags.Undefined);
  });
}

/**
 * Reads of an environment variable outside src/config.ts: `process.env` anywhere, and a property read,
 * element read, destructuring or `in` test on an expression typed as an environment record. Passing a
 * whole record on (the installer's base environment) is not a read.
 */
export function envReadViolations(program: ts.Program, files: readonly string[]): string[] {
  const checker = program.getTypeChecker();
  const out: string[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(path.join(ROOT, file));
    if (!sf) throw new Error(`${file} is not in the program`);
    const at = (node: ts.Node): string => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    const env = (e: ts.Node): boolean => isEnvType(checker, checker.getTypeAtLocation(e));
    const visit = (node: ts.Node): void => {
      if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && env(node.expression)) {
        out.push(`${at(node)} reads ${node.getText(sf)}: read the variable in src/config.ts and pass its value`);
      } else if (isProcessEnv(node, sf)) {
        out.push(`${at(node)} reads process.env: only src/config.ts does`);
      } else if (ts.isObjectBindingPattern(node) && env(node)) {
        out.push(`${at(node)} destructures an environment record (${node.getText(sf)}): read the variables in src/config.ts`);
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword && env(node.right)) {
        out.push(`${at(node)} tests ${node.getText(sf)}: read the variable in src/config.ts`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

// `process.env`, `process["env"]`, `globalThis.process.env`.
function isProcessEnv(node: ts.Node, sf: ts.SourceFile): boolean {
  const name = ts.isPropertyAccessExpression(node)
    ? node.name.text
    : ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression)
      ? node.argumentExpression.text
      : undefined;
  return name === "env" && /^(globalThis\.)?process$/.test((node as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression.getText(sf));
}

/** A program over `rootNames` (repo-relative), where `virtual` files exist only in memory; it reuses `base`'s files. */
export function programOf(rootNames: readonly string[], virtual: Readonly<Record<string, string>> = {}, base?: ts.Program): ts.Program {
  const abs = (f: string): string => path.join(ROOT, f);
  const texts = new Map(Object.entries(virtual).map(([f, t]) => [abs(f), t]));
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, fresh) => {
    const text = texts.get(path.resolve(fileName));
    if (text !== undefined) return ts.createSourceFile(fileName, text, language, true);
    const cached = SOURCE_CACHE.get(fileName);
    if (cached) return cached;
    const sf = getSourceFile(fileName, language, onError, fresh);
    if (sf) SOURCE_CACHE.set(fileName, sf);
    return sf;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => texts.has(path.resolve(f)) || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => texts.get(path.resolve(f)) ?? readFile(f);
  return ts.createProgram({ rootNames: [...rootNames.map(abs), ...texts.keys()], options: COMPILER_OPTIONS, host, ...(base ? { oldProgram: base } : {}) });
}

const SOURCE_CACHE = new Map<string, ts.SourceFile>();
const COMPILER_OPTIONS: ts.CompilerOptions = (() => {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true };
})();

// ---------------------------------------------------------------------------------------------------
// Tests mirror src/, and every test file asserts something.

/** Test files that mirror no src file: suites about the whole (and tests of things outside src/). */
export const NOT_MIRRORS = {
  suites: ["test/structure.test.ts", "test/ci-skips.test.ts", "test/hostile.test.ts", "test/lint.test.ts", "test/exports.test.ts"],
  dirs: ["test/e2e/", "test/installers/", "test/examples/", "test/scripts/"],
};

/**
 * Each src file (but those in `noTest`) has `test/<same path>.test.ts`, and each test file in the mirror
 * has its src file. A `noTest` entry must exist, and one whose reason starts "types only" must be
 * types only (checked by `isTypesOnly`).
 */
export function mirrorViolations(
  src: readonly string[],
  tests: readonly string[],
  noTest: Readonly<Record<string, string>>,
  isTypesOnly: (file: string) => boolean,
): string[] {
  const out: string[] = [];
  const testSet = new Set(tests);
  const srcSet = new Set(src);
  for (const file of src) {
    if (!file.endsWith(".ts") || file in noTest) continue;
    const test = file.replace(/^src\//, "test/").replace(/\.ts$/, ".test.ts");
    if (!testSet.has(test)) out.push(`${file} has no ${test}`);
  }
  for (const test of tests) {
    if (!test.endsWith(".test.ts") || NOT_MIRRORS.suites.includes(test) || NOT_MIRRORS.dirs.some((d) => test.startsWith(d))) continue;
    const file = test.replace(/^test\//, "src/").replace(/\.test\.ts$/, ".ts");
    if (!srcSet.has(file)) out.push(`${test} mirrors no src file (${file} does not exist): move it with its module`);
  }
  for (const [file, reason] of Object.entries(noTest)) {
    if (!srcSet.has(file)) out.push(`the no-test list names ${file}, which does not exist`);
    else if (reason.startsWith("types only") && !isTypesOnly(file)) out.push(`${file} is listed as "types only" but has code: give it a test`);
  }
  return out;
}

/** Whether a module declares only types (interfaces, type aliases, type-only imports and exports). */
export function typesOnly(sf: ts.SourceFile): boolean {
  return sf.statements.every(
    (s) =>
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(s) && s.isTypeOnly),
  );
}

/** A test file asserts: it calls `expect(…)` (or `expect.soft`, `expect.poll`, `expect.assertions`, …). */
export function assertsNothing(sf: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node)) {
      let callee: ts.Expression = node.expression;
      while (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) callee = callee.expression;
      if (ts.isIdentifier(callee) && callee.text === "expect") found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return !found;
}

/**
 * A test helper that needs vitest when it runs: it imports vitest (or @vitest/…) other than `import type`
 * (erased; an `import { type X }` is kept under verbatimModuleSyntax, so it counts), or a test/ file
 * outside test/helpers/ (a test or a row, which may import vitest). The bench bundles the helpers
 * without vitest: they defer cleanups with test/helpers/cleanup.ts and return findings to assert.
 */
export function helperVitestViolations(sf: ts.SourceFile): string[] {
  const file = nameOf(sf);
  return importsOf(sf).flatMap((i) => {
    const at = `${file}:${i.line}`;
    if (i.kind === "type") return [];
    if (/^(vitest|@vitest\/[^/]+)(\/|$)/.test(i.specifier))
      return [
        `${at} imports ${i.specifier} (${i.kind}): helpers run outside vitest too (the bench); defer cleanups with ./cleanup.ts, return findings for the test to assert`,
      ];
    if (i.specifier === "<computed>") return [`${at} has an import() of a computed name, which no guard can check`];
    if (i.resolved?.startsWith("test/") && !i.resolved.startsWith("test/helpers/"))
      return [`${at} imports ${i.resolved}, a test file outside test/helpers/ (it may import vitest)`];
    return [];
  });
}

/** A file over `max` lines says why on its first line (`// Over 200 lines: <reason>`). */
export function lengthViolation(file: string, text: string, max = 200): string | undefined {
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines <= max || /^\/\/ Over 200 lines: \S/.test(text)) return undefined;
  return `${file} has ${lines} lines: split it, or say why on its first line ("// Over 200 lines: <reason>")`;
}
