// installers/installer.ps1 cannot run here (no PowerShell on Linux from Debian or npm), so it is checked
// as far as a real PowerShell grammar allows: tree-sitter-powershell (from the npm registry, run as
// WebAssembly) parses the template and a rendered copy; the syntax tree is then searched for the env
// contract, the receipt's keys (and where upkeep_path_changes goes), the Path edit's recorded change, and
// commands that are neither defined in the script nor PowerShell's.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Language, Parser, type Node } from "web-tree-sitter";
import { CARGO_DIST_RECEIPT_KEYS } from "../fixtures/receipts.js";
import { makeRelease } from "../helpers/installers.js";
import { testKeyPair } from "../helpers/minisign.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const template = readFileSync(path.join(root, "installers/installer.ps1"), "utf8");
let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve("tree-sitter-powershell/tree-sitter-powershell.wasm");
  parser = new Parser();
  parser.setLanguage(await Language.load(wasm));
});

function parse(text: string) {
  const tree = parser.parse(text);
  if (!tree) throw new Error("no tree");
  const nodes: Node[] = [];
  const walk = (n: Node): void => {
    nodes.push(n);
    for (const c of n.children) if (c) walk(c);
  };
  walk(tree.rootNode);
  const errors = nodes.filter((n) => n.type === "ERROR" || n.isMissing).map((n) => `line ${n.startPosition.row + 1}: ${n.text.slice(0, 40)}`);
  return { nodes, errors };
}

const rendered = () => {
  const out = makeRelease({
    version: "2.1.0",
    targets: ["x86_64-pc-windows-msvc", "aarch64-pc-windows-msvc", "x86_64-unknown-linux-gnu"],
    aliases: ["axolotlsay=axolotl"],
  });
  return { out, text: readFileSync(path.join(out, "axolotlsay-installer.ps1"), "utf8") };
};

// Cmdlets the installer may call besides its own functions.
const CMDLETS = new Set(
  "Add-Content ConvertTo-Json ConvertTo-SecureString Copy-Item Expand-Archive Get-ChildItem Get-Command Get-Content Set-Content ForEach-Object Get-FileHash Get-Help Get-Item Invoke-WebRequest Join-Path Move-Item New-Item New-Object Out-Null Remove-Item Select-Object Set-ItemProperty Set-StrictMode Split-Path Test-Path Where-Object Write-Host Write-Verbose Write-Warning".split(
    " ",
  ),
);

// A function's text, from its line to the next function's.
const fn = (name: string) => template.slice(template.indexOf(`function ${name}`), template.indexOf("\nfunction ", template.indexOf(`function ${name}`) + 1));

describe("installer.ps1", () => {
  it("the template and a rendered installer parse with no syntax errors", () => {
    expect(parse(template).errors).toEqual([]);
    expect(parse(rendered().text).errors).toEqual([]);
  });

  it("the parser does catch broken PowerShell (control)", () => {
    expect(parse(template.replace("function Get-Targets {", "function Get-Targets {{")).errors.length).toBeGreaterThan(0);
    expect(
      parse(template.replace("$archive = Select-Artifact 'archive' $targets", "$archive = (Select-Artifact 'archive' $targets")).errors.length,
    ).toBeGreaterThan(0);
  });

  it("rendering fills every placeholder, keeps Windows artifacts only, with their real checksums and CRLF", () => {
    const { out, text } = rendered();
    expect(text).not.toContain("@@");
    expect(text).toContain("\r\n");
    expect(text).not.toMatch(/[^\r]\n/);
    const table = /\$Artifacts = @'\r\n([\s\S]*?)\r\n'@/.exec(text)?.[1]?.split("\r\n") ?? [];
    expect(table.map((l) => [...l.split(" ").slice(0, 3), ...l.split(" ").slice(4)].join(" "))).toEqual([
      "archive aarch64-pc-windows-msvc axolotlsay-aarch64-pc-windows-msvc.zip axolotlsay.exe",
      "updater aarch64-pc-windows-msvc axolotlsay-aarch64-pc-windows-msvc-update upkeep",
      "updater-zip aarch64-pc-windows-msvc axolotlsay-aarch64-pc-windows-msvc-update.zip",
      "archive x86_64-pc-windows-msvc axolotlsay-x86_64-pc-windows-msvc.zip axolotlsay.exe",
      "updater x86_64-pc-windows-msvc axolotlsay-x86_64-pc-windows-msvc-update upkeep",
      "updater-zip x86_64-pc-windows-msvc axolotlsay-x86_64-pc-windows-msvc-update.zip",
    ]);
    for (const line of table) {
      const [, , file, sum] = line.split(" ");
      expect(
        createHash("sha256")
          .update(readFileSync(path.join(out, file!)))
          .digest("hex"),
      ).toBe(sum);
    }
    expect(text).toContain("$Aliases = @'\r\naxolotlsay.exe axolotl.exe\r\n'@");
    expect(text).toContain("$EnvPrefix = 'AXOLOTLSAY'");
  });

  it("every command it calls is one of its functions or a PowerShell cmdlet", () => {
    const { nodes } = parse(template);
    const defined = new Set(nodes.filter((n) => n.type === "function_name").map((n) => n.text));
    const called = new Set(nodes.filter((n) => n.type === "command_name").map((n) => n.text));
    const unknown = [...called].filter((c) => !defined.has(c) && !CMDLETS.has(c));
    expect(unknown).toEqual([]);
    for (const f of defined) expect(called.has(f) || f === "Install-App", `${f} is never called`).toBe(true);
  });

  it("honours the same app variables as installer.sh, and the generic ones", () => {
    const sh = readFileSync(path.join(root, "installers/installer.sh"), "utf8");
    const shVars = new Set([...sh.matchAll(/app_var ([A-Z_]+)/g)].map((m) => m[1]));
    const psVars = new Set([...template.matchAll(/Get-AppVar '([A-Z_]+)'/g)].map((m) => m[1]));
    expect([...psVars].sort()).toEqual([...shVars].sort());
    expect([...psVars].sort()).toEqual(
      [
        "DISABLE_UPDATE",
        "DOWNLOAD_URL",
        "GITHUB_TOKEN",
        "INSTALLER_GHE_BASE_URL",
        "INSTALLER_GITHUB_BASE_URL",
        "INSTALL_DIR",
        "NO_MODIFY_PATH",
        "PRINT_QUIET",
        "PRINT_VERBOSE",
        "UNMANAGED_INSTALL",
      ].sort(),
    );
    const { nodes } = parse(template);
    const envs = new Set(nodes.filter((n) => n.type === "variable" && /^\$env:/i.test(n.text)).map((n) => n.text.slice(5).toUpperCase()));
    for (const v of [
      "CARGO_DIST_FORCE_INSTALL_DIR",
      "INSTALLER_DOWNLOAD_URL",
      "INSTALLER_NO_MODIFY_PATH",
      "XDG_CONFIG_HOME",
      "LOCALAPPDATA",
      "CARGO_HOME",
      "GITHUB_PATH",
      "HTTPS_PROXY",
      "HTTP_PROXY",
      "ALL_PROXY",
      "NO_PROXY",
    ]) {
      expect(envs.has(v), `$env:${v}`).toBe(true);
    }
  });

  it("resolves the install dir in cargo-dist's order", () => {
    const body = template.slice(template.indexOf("function Resolve-InstallDir"), template.indexOf("function Get-ReceiptDir"));
    const order = ["Get-AppVar 'INSTALL_DIR'", "$env:CARGO_DIST_FORCE_INSTALL_DIR", "Get-AppVar 'UNMANAGED_INSTALL'", "$InstallPath -eq 'CARGO_HOME'"].map(
      (s) => body.indexOf(s),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("writes a receipt with cargo-dist's keys in order, provider upkeep, UTF-8 without BOM, atomically", () => {
    const { nodes } = parse(template);
    const fn = nodes.find((n) => n.type === "function_statement" && n.text.startsWith("function Write-Receipt"))!;
    const receipt = fn.descendantsOfType("assignment_expression").find((a) => a?.text.startsWith("$receipt"))!;
    const outer = receipt.descendantsOfType("hash_literal_expression")[0]!;
    const body = outer.namedChildren.find((c) => c?.type === "hash_literal_body")!;
    const keys = body.namedChildren.filter((e) => e?.type === "hash_entry").map((e) => e!.descendantsOfType("key_expression")[0]!.text);
    expect(keys).toEqual(CARGO_DIST_RECEIPT_KEYS);
    expect(fn.text).toContain("source = 'upkeep'");
    expect(fn.text).toContain("release_type = 'github'");
    expect(fn.text).toContain("UTF8Encoding $false");
    expect(fn.text).toMatch(/WriteAllText\(\$tmp[\s\S]*Move-Item -Force -LiteralPath \$tmp/);
  });

  it("rendered with --mirror: downloads from the mirror's <tag> directory whatever the GitHub variables say, and records the mirror as the source", () => {
    const out = makeRelease({ version: "2.1.0", targets: ["x86_64-pc-windows-msvc"], mirror: "https://m.example/axo" });
    const { nodes, errors } = parse(readFileSync(path.join(out, "axolotlsay-installer.ps1"), "utf8"));
    expect(errors).toEqual([]);
    const assigned = (name: string) => nodes.filter((n) => n.type === "assignment_expression" && n.text.startsWith(`${name} `)).map((n) => n.text);
    expect(assigned("$MirrorUrl")).toEqual(["$MirrorUrl = 'https://m.example/axo'"]);
    expect(assigned("$DefaultBaseUrl")).toEqual(["$DefaultBaseUrl = 'https://m.example/axo/v2.1.0'"]);
    // Get-BaseUrls: after the download-URL override, a mirror release returns its own base before any GitHub variable is used.
    const bases = fn("Get-BaseUrls");
    expect(bases.indexOf("if ($MirrorUrl -ne '')")).toBeGreaterThan(bases.indexOf("DOWNLOAD_URL"));
    expect(bases.indexOf("if ($MirrorUrl -ne '')")).toBeLessThan(bases.indexOf("if ($ghe -ne '')"));
    expect(bases).toMatch(/if \(\$MirrorUrl -ne ''\) \{\s*return @\(\$DefaultBaseUrl\)/);
    // Write-Receipt replaces the GitHub source with the mirror's, keeping its place among cargo-dist's keys.
    const write = nodes.find((n) => n.type === "function_statement" && n.text.startsWith("function Write-Receipt"))!;
    const swap = write.descendantsOfType("if_statement").filter((n) => n?.text.includes("release_type = 'mirror'"));
    expect(swap.map((n) => n!.text.replace(/\s+/g, " "))).toEqual([
      "if ($MirrorUrl -ne '') { $receipt.source = [ordered]@{ release_type = 'mirror'; url = $MirrorUrl } }",
    ]);
  });

  it("rendered with keys, $PublicKeys is those key lines in order (one space-separated literal, split); without keys, empty", () => {
    const [a, b] = [testKeyPair(), testKeyPair()];
    for (const keys of [[b.publicKeyLine, a.publicKeyLine], [a.publicKeyLine], []]) {
      const out = makeRelease({ version: "2.1.0", targets: ["x86_64-pc-windows-msvc"], ...(keys.length > 0 ? { publicKeys: keys } : {}) });
      const { nodes, errors } = parse(readFileSync(path.join(out, "axolotlsay-installer.ps1"), "utf8"));
      expect(errors).toEqual([]);
      const assigned = nodes.filter((n) => n.type === "assignment_expression" && n.text.startsWith("$PublicKeys "));
      expect(assigned.map((n) => n.text)).toEqual([`$PublicKeys = @('${keys.join(" ")}' -split ' ' | Where-Object { $_ })`]);
    }
  });

  it("Write-Receipt adds upkeep_public_keys only when there are keys, just before the last key (version), from this installer's list alone", () => {
    const { nodes } = parse(template);
    const write = nodes.find((n) => n.type === "function_statement" && n.text.startsWith("function Write-Receipt"))!;
    const pins = write.descendantsOfType("if_statement").filter((n) => n?.text.includes("upkeep_public_keys"));
    expect(pins).toHaveLength(1);
    const pin = pins[0]!;
    expect(pin.namedChildren.find((c) => c?.type === "pipeline")?.text).toBe("$PublicKeys.Count -gt 0");
    const insert = pin.descendantsOfType("invokation_expression").find((n) => n?.text.startsWith("$receipt.Insert("))!;
    const args = insert.descendantsOfType("argument_expression").map((n) => n!.text);
    expect(args).toEqual(["$receipt.Count - 1", "'upkeep_public_keys'", "[string[]]$PublicKeys"]);
    // …after the ordered receipt (whose last two keys are source and version), before it is serialised.
    const receipt = write.descendantsOfType("assignment_expression").find((n) => n?.text.startsWith("$receipt = [ordered]"))!;
    const json = write.descendantsOfType("command").find((n) => n?.text.startsWith("ConvertTo-Json -InputObject $receipt"))!;
    expect(receipt.endIndex).toBeLessThan(pin.startIndex);
    expect(pin.endIndex).toBeLessThan(json.startIndex);
    expect(CARGO_DIST_RECEIPT_KEYS.slice(-2)).toEqual(["source", "version"]);
    // Rotation: the receipt is built anew, never merged with the previous one's keys.
    expect(write.text).not.toMatch(/Get-Content|ReadAllText|ConvertFrom-Json/);
  });

  it("Write-Receipt's key order stays alphabetical with or without upkeep_path_changes and upkeep_public_keys, each only when non-empty", () => {
    const { nodes } = parse(template);
    const write = nodes.find((n) => n.type === "function_statement" && n.text.startsWith("function Write-Receipt"))!;
    expect(write.descendantsOfType("script_parameter").map((n) => n!.text)).toEqual([
      "$Where",
      "[string[]]$Binaries",
      "[bool]$ModifyPath",
      "[object[]]$PathChanges = @()",
    ]);
    // Each field added to the ordered receipt: its Insert call and the condition guarding it.
    const inserts = write
      .descendantsOfType("invokation_expression")
      .filter((n) => n!.text.startsWith("$receipt.Insert("))
      .map((n) => {
        const [at, key, value] = n!.descendantsOfType("argument_expression").map((a) => a!.text);
        let guard: Node | null = n!.parent;
        while (guard && guard.type !== "if_statement") guard = guard.parent;
        return { at, key: key!.replace(/'/g, ""), value, guard: guard?.namedChildren.find((c) => c?.type === "pipeline")?.text };
      });
    // (Which comes first is left to the replay below: the order of the inserts decides the key order.)
    expect([...inserts].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { at: "$receipt.Count - 1", key: "upkeep_path_changes", value: "@($PathChanges)", guard: "$PathChanges.Count -gt 0" },
      { at: "$receipt.Count - 1", key: "upkeep_public_keys", value: "[string[]]$PublicKeys", guard: "$PublicKeys.Count -gt 0" },
    ]);
    // Replays the inserts, in source order, for each combination of guards that hold.
    for (const holds of [[], [0], [1], [0, 1]]) {
      const keys = [...CARGO_DIST_RECEIPT_KEYS];
      inserts.forEach((ins, i) => {
        if (holds.includes(i)) keys.splice(keys.length - Number(/^\$receipt\.Count - (\d+)$/.exec(ins.at ?? "")![1]), 0, ins.key);
      });
      expect(keys, `with ${holds.map((i) => inserts[i]!.key).join(", ") || "neither"}`).toEqual([...keys].sort());
      expect(keys.filter((k) => k.startsWith("upkeep_"))).toEqual(holds.map((i) => inserts[i]!.key));
    }
  });

  it("Add-ToPath returns the user_path change it made, and nothing when the user Path already has the entry", () => {
    const { nodes } = parse(template);
    const add = nodes.find((n) => n.type === "function_statement" && n.text.startsWith("function Add-ToPath"))!;
    const returns = add.descendantsOfType("flow_control_statement").filter((n) => n!.text.startsWith("return"));
    expect(returns.map((n) => n!.text)).toEqual(["return", "return [ordered]@{ type = 'user_path'; entry = $BinDir }"]);
    const [already, added] = returns as [Node, Node];
    // The bare return is the one inside the loop over the present entries, when one is the bin dir.
    let loop: Node | null = already.parent;
    while (loop && loop.type !== "foreach_statement") loop = loop.parent;
    expect(loop?.text).toMatch(/^foreach \(\$entry in \$entries\) \{\s*if \(\$entry\.TrimEnd\('\\'\) -ieq \$BinDir\.TrimEnd\('\\'\)\) \{\s*return\s*\}\s*\}$/);
    const body = add.descendantsOfType("statement_list")[0]!;
    // Nothing else reaches the output stream (the caller collects it all into the receipt): every other
    // statement is an assignment, a block, or a command that writes no output.
    const silent = /^(Add-Content|Set-ItemProperty|Write-Say) |^\[Environment\]::SetEnvironmentVariable\(/;
    const statements = (list: Node): Node[] =>
      list.namedChildren.flatMap((s) =>
        s && (s.type === "if_statement" || s.type === "foreach_statement")
          ? [
              s,
              ...s
                .descendantsOfType("statement_block")
                .flatMap((b) => (b!.parent?.id === s.id ? statements(b!.namedChildren.find((c) => c?.type === "statement_list")!) : [])),
            ]
          : s
            ? [s]
            : [],
      );
    const all = statements(body);
    expect(all.length).toBeGreaterThan(12);
    const loud = all.filter(
      (s) => s.type === "pipeline" && s.namedChildren[0]?.type !== "assignment_expression" && (!silent.test(s.text) || /-PassThru/i.test(s.text)),
    );
    expect(loud.map((s) => s.text)).toEqual([]);
    // The change is returned last, after the registry write that prepends exactly that entry.
    expect(body.namedChildren.filter((c) => c?.type !== "comment").at(-1)?.id).toBe(added.id);
    const set = add.descendantsOfType("command").find((n) => n!.text.startsWith("Set-ItemProperty"))!;
    expect(set.text).toBe("Set-ItemProperty -LiteralPath 'HKCU:\\Environment' -Name 'Path' -Value $updated -Type ExpandString");
    expect(set.endIndex).toBeLessThan(added.startIndex);
    expect(add.text).toContain("$updated = (@($BinDir) + $entries) -join ';'");
  });

  it("Install-App edits the Path first and hands the receipt what Add-ToPath returned (none with NO_MODIFY_PATH)", () => {
    const main = fn("Install-App");
    const order = [
      "$pathChanges = @()",
      "if ($modifyPath) {\n        $pathChanges = @(Add-ToPath $where.BinDir)\n    }",
      "if ($withUpdater) {\n        Write-Receipt $where $archive.Binaries $modifyPath $pathChanges\n    }",
    ].map((s) => main.indexOf(s.replace(/\n/g, template.includes("\r\n") ? "\r\n" : "\n")));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(main.match(/Add-ToPath|Write-Receipt/g)).toEqual(["Add-ToPath", "Write-Receipt"]);
  });

  it("shares one upkeep per build: a hard link into %LOCALAPPDATA%\\upkeep\\Data, a copy when that fails, unused versions removed", () => {
    const install = fn("Install-Updater");
    expect(install).toContain("New-Item -ItemType HardLink -Path $newLink -Target $target");
    expect(install).toMatch(/catch \{[\s\S]*installing a copy[\s\S]*Move-Item -Force -LiteralPath \$Staged -Destination \$link/);
    // PowerShell's variable names ignore case: no local may shadow a parameter it still needs.
    const params = [...(/param\(([^)]*)\)/.exec(install)?.[1] ?? "").matchAll(/\$(\w+)/g)].map((m) => m[1]!.toLowerCase());
    const assigned = [...install.matchAll(/^\s*\$(\w+) = /gm)].map((m) => m[1]!.toLowerCase());
    expect(assigned.filter((v) => params.includes(v))).toEqual(["staged"]);
    // … and Staged is reassigned only where the store's copy becomes the one to install.
    expect(install.match(/^\s*\$staged = .*$/gim)?.map((l) => l.trim())).toEqual(['$Staged = Join-Path $script:Staging "$App-update.exe"']);
    expect(fn("Install-App")).toContain("UPKEEP_NO_SHARED_UPDATER");
    expect(fn("Get-StoreRoot")).toContain("'upkeep\\Data'");
    expect(fn("Remove-UnusedUpdaters")).toContain("Remove-Item -Recurse -Force -LiteralPath $dir.FullName");
    expect(template).toContain("Install-Updater $updater $u.Sha256 $where.BinDir $share $stored");
  });

  it("only upkeep goes into the store, and a build the store has (by its content's hash) is not downloaded again", () => {
    const main = fn("Install-App");
    expect(main).toContain('$share = $u.Upkeep -and -not (Test-On "$env:UPKEEP_NO_SHARED_UPDATER")');
    expect(main).toMatch(/if \(\$share\) \{\s*\$stored = Find-StoredUpdater \$u\.Sha256/);
    expect(main).toMatch(/if \(\$stored\) \{[^}]*not downloading it[^}]*\} else \{[^}]*Get-Updater \$u \$updater/);
    expect(fn("Select-Artifact")).toContain("$upkeep = $f[4] -eq 'upkeep'");
    const find = fn("Find-StoredUpdater");
    expect(find).toContain('-Filter "*-$($Sha256.Substring(0, 12))"');
    expect(find).toMatch(/Get-FileHash -Algorithm SHA256 -LiteralPath \$file\)\.Hash\.ToLowerInvariant\(\) -eq \$Sha256\) \{\s*return \$file/);
    expect(fn("Install-Updater")).toMatch(/if \(\$Share\) \{/);
  });

  it("downloads the updater's .zip when Expand-Archive is here, checking the zip's SHA-256 and then the updater's; else the plain file", () => {
    const get = fn("Get-Updater");
    expect(get).toContain("Select-Artifact 'updater-zip' @($Updater.Target)");
    expect(get).toContain("Get-Command Expand-Archive -ErrorAction SilentlyContinue");
    const order = [
      "Get-Verified $packed.File $packed.Sha256 $zipPath -Optional",
      "Expand-Archive -LiteralPath $zipPath",
      'Assert-Sha256 $Destination $Updater.Sha256 "$($Updater.File) (unpacked from $($packed.File))"',
      "Get-Verified $Updater.File $Updater.Sha256 $Destination",
    ].map((s) => get.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The entry the zip holds is the one it looks for (release.ts writes <app>-update.exe).
    expect(get).toContain('Join-Path $unpacked "$App-update.exe"');
    expect(fn("Get-Verified")).toMatch(/if \(\$Optional\) \{[^}]*return \$false/);
  });

  it("verifies every download's SHA-256 before using it, and exits 3 when there is no Windows build", () => {
    expect(template).toMatch(/Get-FileHash -Algorithm SHA256/);
    expect(template).toMatch(/Stop-Install 3 "there is no download/);
    expect(template.trimEnd().endsWith("exit $status")).toBe(true);
  });
});
