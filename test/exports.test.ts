// The library's public surface: every named type that an exported function, class or type mentions
// (parameters, results, properties, constructor options) is itself exported from src/index.ts, so
// a consumer can name it. Checked with the TypeScript compiler's own view of the types.
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The type checker of a strict NodeNext program over `files`, and `entry`'s module symbol. */
function moduleOf(entry: string, files: string[] = [entry]): { checker: ts.TypeChecker; moduleSymbol: ts.Symbol } {
  const program = ts.createProgram(files, {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  return { checker, moduleSymbol };
}

/** Named types reachable from the exports of `entry` that are declared in the project but not exported. */
function unexportedReachable(entry: string, files: string[] = [entry]): string[] {
  const { checker, moduleSymbol } = moduleOf(entry, files);
  const exported = checker.getExportsOfModule(moduleSymbol).map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s));
  const exportedSet = new Set(exported);
  const ours = (d: ts.Declaration): boolean => !d.getSourceFile().fileName.includes("node_modules");
  const seen = new Set<ts.Type>();
  const missing = new Set<string>();
  const visitType = (type: ts.Type): void => {
    if (seen.has(type)) return;
    seen.add(type);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const decl = symbol?.declarations?.[0];
    if (
      symbol &&
      decl &&
      ours(decl) &&
      (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl) || ts.isClassDeclaration(decl) || ts.isEnumDeclaration(decl))
    ) {
      if (!exportedSet.has(symbol)) missing.add(symbol.getName());
    }
    for (const t of type.aliasTypeArguments ?? []) visitType(t);
    if (type.isUnionOrIntersection()) for (const t of type.types) visitType(t);
    for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) visitSignature(sig);
    if (decl && !ours(decl)) return; // do not walk into the standard library's members
    if (type.flags & ts.TypeFlags.Object) {
      for (const prop of type.getProperties()) {
        const pd = prop.valueDeclaration ?? prop.declarations?.[0];
        if (pd && ours(pd)) visitType(checker.getTypeOfSymbolAtLocation(prop, pd));
      }
      if (checker.isArrayType(type) || checker.isTupleType(type)) for (const t of checker.getTypeArguments(type as ts.TypeReference)) visitType(t);
    }
  };
  const visitSignature = (sig: ts.Signature): void => {
    for (const p of sig.getParameters()) {
      const pd = p.valueDeclaration;
      if (pd) visitType(checker.getTypeOfSymbolAtLocation(p, pd));
    }
    const ret = sig.getReturnType();
    const awaited = checker.getAwaitedType(ret) ?? ret;
    visitType(awaited);
  };
  for (const symbol of exported) {
    const decl = symbol.declarations?.[0];
    if (!decl) continue;
    visitType(
      symbol.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Class) ? checker.getDeclaredTypeOfSymbol(symbol) : checker.getTypeOfSymbolAtLocation(symbol, decl),
    );
    if (symbol.flags & ts.SymbolFlags.Class) visitType(checker.getTypeOfSymbolAtLocation(symbol, decl));
  }
  return [...missing].sort();
}

/** The exports of `entry` (by name) that carry no `/** *\/` documentation where they are declared. */
function undocumentedExports(entry: string): string[] {
  const { checker, moduleSymbol } = moduleOf(entry);
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "";
    })
    .map((s) => s.getName())
    .sort();
}

describe("the library's exports", () => {
  it("every export of src/index.ts has a doc comment", () => {
    expect(undocumentedExports(path.join(root, "src/index.ts"))).toEqual([]);
  }, 60_000);

  it("every named type reachable from an exported signature is exported from src/index.ts", () => {
    expect(unexportedReachable(path.join(root, "src/index.ts"))).toEqual([]);
  }, 60_000);

  it("control: a function whose option type is not exported is caught", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(path.join(tmpdir(), "upkeep-exports-"));
    try {
      writeFileSync(path.join(dir, "hidden.ts"), "export interface Hidden { n: number }\nexport interface Shown { h: Hidden }\n");
      writeFileSync(
        path.join(dir, "index.ts"),
        'import type { Hidden, Shown } from "./hidden.js";\nexport type { Shown };\nexport function make(o: { deep: Hidden[] }): Promise<Shown> { return Promise.resolve({ h: o.deep[0] as Hidden }); }\n',
      );
      expect(unexportedReachable(path.join(dir, "index.ts"))).toEqual(["Hidden"]);
      expect(undocumentedExports(path.join(dir, "index.ts"))).toEqual(["Shown", "make"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
