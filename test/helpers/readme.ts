// The README's recipes as commands, so an e2e test runs a block exactly as written (readme-signing,
// readme-mirror): the first sh block under a heading, split the way sh would read it.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runProcess } from "./run.js";
import { EXE } from "./world.js";

/** The project's root, where the README and scripts/ are. */
export const ROOT = path.resolve(import.meta.dirname, "../..");

/** One command of a README block: its leading VAR='value' assignments and its words. */
export interface Command {
  env: Record<string, string>;
  argv: string[];
}

/** The commands of the sh block under `heading`: continuation lines joined, comments dropped, quotes as sh reads them. */
export function readmeCommands(readme: string, heading: string): Command[] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? "";
  const lines = block.replace(/\\\n\s*/g, " ").split("\n");
  return lines
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"))
    .map((line) => {
      const words = [...line.matchAll(/'([^']*)'|([^\s']+)/g)].reduce<string[]>((acc, m, i, all) => {
        // A word like VAR='a b' is one word: glue a quoted part to the unquoted part right before it.
        const prev = all[i - 1];
        const glued = prev && m.index === (prev.index ?? 0) + prev[0].length;
        const text = m[1] ?? m[2] ?? "";
        if (glued) acc[acc.length - 1] += text;
        else acc.push(text);
        return acc;
      }, []);
      const env: Record<string, string> = {};
      while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
        const [name = "", ...value] = (words.shift() as string).split("=");
        env[name] = value.join("=");
      }
      return { env, argv: words };
    });
}

/**
 * The commands of the README's sh block under `heading`, checked to be exactly as many as `heads` and to
 * start with each one's words, in order (the recipe the test runs is the one the README shows); throws
 * naming the difference otherwise.
 */
export function readmeSteps(heading: string, heads: readonly (readonly string[])[]): Command[] {
  const commands = readmeCommands(readFileSync(path.join(ROOT, "README.md"), "utf8"), heading);
  const got = JSON.stringify(commands.map((c, i) => c.argv.slice(0, heads[i]?.length ?? c.argv.length)));
  if (got !== JSON.stringify(heads)) throw new Error(`README "${heading}": expected commands starting ${JSON.stringify(heads)}, found ${got}`);
  return commands;
}

/** Runs a README `node scripts/…` command from the checkout, in `cwd`, with only PATH and the command's own variables. */
export function runNodeStep(c: Command, argv: readonly string[], cwd: string) {
  const [node, script, ...args] = argv;
  if (node !== "node" || script === undefined) throw new Error(`not a node scripts/… command: ${argv.join(" ")}`);
  return runProcess(process.execPath, [path.join(ROOT, script), ...args], { PATH: process.env.PATH ?? "/usr/bin:/bin", ...c.env }, cwd);
}

/**
 * The app author's `build/` for `version`, the layout step 1 of the README's "For app authors" describes:
 * an `axolotlsay` that prints its version, and the built upkeep (a link to dist/upkeep) as the updater.
 */
export function authorLayout(work: string, version: string, target = "x86_64-unknown-linux-gnu"): void {
  mkdirSync(path.join(work, "build", "bins", target), { recursive: true });
  mkdirSync(path.join(work, "build", "upkeep", target), { recursive: true });
  writeFileSync(path.join(work, "build", "bins", target, "axolotlsay"), `#!/bin/sh\necho "axolotlsay ${version}"\n`, { mode: 0o755 });
  const upkeep = path.join(work, "build", "upkeep", target, "upkeep");
  if (!existsSync(upkeep)) symlinkSync(EXE, upkeep);
}
