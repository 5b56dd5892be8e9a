// The scripts in scripts/ are launchers and nothing else: each bundles the release tooling
// (src/release/, over src/core/ and src/io/) and calls one main with its argv. So a rule — a version
// check, a checksum parser, a hash — can never be written again in a script: the guard below parses
// every scripts/**/*.mjs with the TypeScript compiler and refuses any function (declaration,
// expression, arrow, method, accessor), any regular expression (literal or RegExp) and any use of
// node:crypto. The controls plant each of those in a temporary launcher and see the guard catch it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scriptsDir = path.join(root, "scripts");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
const CRYPTO = new Set(["crypto", "node:crypto"]);

/** What a launcher may not hold, one line each (`file:line: what`); empty when it is a launcher. */
function violations(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const say = (node: ts.Node, what: string): void => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${path.relative(root, file)}:${line + 1}: ${what}`);
  };
  const moduleName = (node: ts.Expression | undefined): string | undefined => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) say(node, `a function (${ts.SyntaxKind[node.kind]}): logic belongs in src/release/`);
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) say(node, "a regular expression literal: parsing belongs in src/core/ or src/release/");
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === "RegExp") {
      say(node, "a RegExp: parsing belongs in src/core/ or src/release/");
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && CRYPTO.has(moduleName(node.moduleSpecifier) ?? "")) {
      say(node, "node:crypto: hashing belongs in src/core/checksum.ts");
    }
    if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    ) {
      if (CRYPTO.has(moduleName(node.arguments[0]) ?? "")) say(node, "node:crypto: hashing belongs in src/core/checksum.ts");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("scripts/ holds launchers only", () => {
  const all = files(scriptsDir);
  const launchers = all.filter((f) => f.endsWith(".mjs"));

  it("every file is a .mjs launcher, or setup.sh", () => {
    expect(all.filter((f) => !f.endsWith(".mjs") && path.relative(root, f) !== "scripts/setup.sh")).toEqual([]);
    expect(launchers.map((f) => path.relative(root, f)).sort()).toEqual([
      "scripts/bench.mjs",
      "scripts/build.mjs",
      "scripts/keygen.mjs",
      "scripts/lib/tooling.mjs",
      "scripts/mirror.mjs",
      "scripts/release-self.mjs",
      "scripts/release.mjs",
    ]);
  });

  for (const file of launchers) {
    it(`${path.relative(root, file)} has no function, regular expression or node:crypto`, () => {
      expect(violations(file)).toEqual([]);
    });
  }
});

describe("the launcher guard, proven on planted violations", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "upkeep-launchers-"));
  const plant = (name: string, body: string): string => {
    const file = path.join(dir, `${name}.mjs`);
    writeFileSync(
      file,
      `#!/usr/bin/env node\nimport { tooling } from "./lib/tooling.mjs";\n${body}\nprocess.exitCode = await tooling.mirror(process.argv.slice(2), process.env);\n`,
    );
    return file;
  };

  it("passes a clean launcher (no false alarm)", () => {
    expect(violations(plant("clean", "const EXECUTABLE_ENTRY = `src/cli/main.ts`;\nconst x = { a: [1, 2], b: process.env.HOME ?? '' };"))).toEqual([]);
  });

  // [what is planted, the code, what the guard must say]
  const planted: [string, string, string][] = [
    ["a function declaration", "function sha256(data) { return data; }", "a function (FunctionDeclaration)"],
    ["an async function declaration", "async function main() {}", "a function (FunctionDeclaration)"],
    ["a function expression", "const f = function () {};", "a function (FunctionExpression)"],
    ["an arrow function", "const log = (line) => process.stderr.write(line);", "a function (ArrowFunction)"],
    ["an arrow passed as a callback", "process.argv.map((a) => a.trim());", "a function (ArrowFunction)"],
    ["a method in an object literal", "const plugin = { setup(build) {} };", "a function (MethodDeclaration)"],
    ["a getter", "const o = { get x() { return 1; } };", "a function (GetAccessor)"],
    ["a class with a constructor", "class MirrorError extends Error { constructor(m) { super(m); } }", "a function (Constructor)"],
    ["a regular expression literal", "const STRICT_SEMVER = /^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$/;", "a regular expression literal"],
    ["a regular expression inside a call", 'const v = "v1.2.3".replace(/^v/, "");', "a regular expression literal"],
    ["new RegExp", 'const r = new RegExp("^v");', "a RegExp"],
    ["an import of node:crypto", 'import { createHash } from "node:crypto";', "node:crypto"],
    ["an import of crypto", 'import crypto from "crypto";', "node:crypto"],
    ["a re-export of node:crypto", 'export { createHash } from "node:crypto";', "node:crypto"],
    ["a dynamic import of node:crypto", 'const { createHash } = await import("node:crypto");', "node:crypto"],
    ["a require of node:crypto", 'const c = require("node:crypto");', "node:crypto"],
  ];
  for (const [label, code, message] of planted) {
    it(`catches ${label}`, () => {
      const found = violations(plant(label.replaceAll(" ", "-"), code));
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(message);
      expect(found[0]).toMatch(/:3: /);
    });
  }
});

describe("every launcher bundles the tooling and starts", () => {
  // [launcher, arguments that stop before doing any work, exit status, what it prints]
  const starts: [string, string[], number, string][] = [
    ["release.mjs", ["--help"], 0, "Usage: node scripts/release.mjs"],
    ["mirror.mjs", [], 1, "mirror: usage: --out DIR --app NAME"],
    ["release-self.mjs", [], 2, "release-self: --out DIR is required"],
    ["build.mjs", ["--target", "riscv64-unknown-linux-gnu"], 2, "build: unknown target riscv64-unknown-linux-gnu"],
    ["build.mjs", ["--target", "x86_64-unknown-linux-musl"], 1, "x86_64-unknown-linux-musl cannot be built here"],
    ["bench.mjs", ["--help"], 0, "Usage: npm run bench"],
  ];
  for (const [script, args, status, output] of starts) {
    it(`node scripts/${script} ${args.join(" ")} → ${status}`, () => {
      const r = spawnSync(process.execPath, [path.join(scriptsDir, script), ...args], { cwd: root, encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toContain(output);
      expect(r.status).toBe(status);
    });
  }
});
