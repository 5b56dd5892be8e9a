import { describe, expect, it } from "vitest";
import { FLAGS } from "../../src/cli/args.js";
import { helpText, machineHelp } from "../../src/cli/help.js";

describe("helpText", () => {
  it("names the program as invoked and lists every flag of <app>-update", () => {
    const text = helpText("axolotlsay-update", "0.1.0");
    expect(text).toContain("Usage: axolotlsay-update [update] [OPTIONS]");
    expect(text).toContain("      --tag <TAG>          Install the release with this tag instead of the latest");
    expect(text).toContain("  -q, --quiet              Print only errors");
    // A flag's name followed by anything but more of a name (--all is not --allow-legacy-signature).
    for (const flag of FLAGS) expect(new RegExp(`--${flag.name}(?![\\w-])`).test(text), flag.name).toBe(flag.app);
  });
});

describe("machineHelp", () => {
  it("lists the commands and every flag of upkeep with the commands it applies to", () => {
    const text = machineHelp("0.1.0");
    expect(text).toContain("Usage: upkeep <COMMAND>");
    for (const flag of FLAGS)
      expect(text.includes(`--${flag.name} `) || text.includes(`--${flag.name}\n`) || text.includes(`--${flag.name} <`), flag.name).toBe(
        flag.commands.length > 0,
      );
    expect(text).toMatch(/--dry-run +Show what would be installed; download and change nothing \[update, uninstall\]/);
    expect(text).toContain("  uninstall APP…       Remove each app as its receipt lists it");
    expect(text).toMatch(/--version <VERSION> .* \[check, update; one APP\]/);
    expect(text).toContain("so does --version with no command");
    expect(text).toMatch(/--public-key <KEY> .* \[check, update; one APP\]/);
    expect(text).toMatch(/--allow-legacy-signature Accept legacy/);
  });
});
