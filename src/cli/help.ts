// The --help texts of both front doors, rendered from the one flag table (args.ts).
import { COMMANDS, FLAGS, type Flag } from "./args.js";

function line(flag: Flag, help: string): string {
  const left = `--${flag.name}${flag.value ? ` <${flag.value}>` : ""}`;
  return `  ${flag.short ? `-${flag.short}, ` : "    "}${left.padEnd(21)}${left.length >= 21 ? " " : ""}${help}`;
}

/** `<app>-update --help`, with the program name as invoked. */
export function helpText(program: string, version: string): string {
  const options = FLAGS.filter((f) => f.app).map((f) => line(f, f.help));
  return `${program} ${version ? `(upkeep ${version})` : ""}
Updates this app to a newer release, the way its installer installed it.

Usage: ${program} [update] [OPTIONS]

Options:
${options.join("\n")}

Exit codes: 0 updated or up to date, 1 failed, 2 usage error, 100 update available (--check).
`;
}

/** `upkeep --help`: the commands, and each option with the commands it applies to. */
export function machineHelp(version: string): string {
  const options = FLAGS.filter((f) => f.commands.length > 0).map((f) => {
    const where =
      f.commands.length === COMMANDS.length
        ? ""
        : ` [${f.commands.join(", ")}${f.name === "tag" || f.name === "version" || f.name === "public-key" ? "; one APP" : ""}]`;
    const help = f.name === "updater-version" ? "Print upkeep's version (so does --version with no command)" : f.help;
    return line(f, `${help}${where}`);
  });
  return `upkeep ${version}: updates every app installed with an upkeep or cargo-dist installer

Usage: upkeep <COMMAND> [--all | APP...] [OPTIONS]

Commands:
  list [APP…]          Every app with an install receipt for this user
  check [--all|APP…]   Look for updates; exit 100 if any is available
  update [--all|APP…]  Update them, one lock per app; one failure does not stop the others
  doctor [--all|APP…]  Receipt, binaries, updater, PATH, source and token, for each app
  uninstall APP…       Remove each app as its receipt lists it (--dry-run: only list it)

Options:
${options.join("\n")}

Results go to stdout (one line per app, or one JSON document with --json); progress, the installers' output
and errors about the command line go to stderr.
Exit codes: 0 ok, 1 something failed, 2 usage error, 100 an update is available (check).
To update one app, run <app>-update, the same program installed under that app's name.
`;
}
