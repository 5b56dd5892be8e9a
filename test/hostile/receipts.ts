// Hostile-input rows: receipts. A receipt is input like any other: it may be a FIFO, huge, deeply
// nested, or name files outside the install that backup and rollback would then touch.
import { spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { makeReceipt } from "../helpers/fake-app.js";
import type { World } from "../helpers/world.js";
import type { HostileRow } from "./row.js";

// The world's receipt with some fields replaced.
const receiptWith = (w: World, fields: Record<string, unknown>): string =>
  `${JSON.stringify(makeReceipt({ install_prefix: w.app.prefix, binary_aliases: { axolotlsay: ["axo"] }, ...fields }))}\n`;
const plant = (fields: Record<string, unknown>) => (w: World) => writeFileSync(w.app.receiptPath, receiptWith(w, fields));

// A receipt directory outside HOME for receipts the world's own snapshot must not read (a FIFO, 200 MB, a
// directory), chosen with AXOUPDATER_CONFIG_PATH as a user would.
const elsewhere = (w: World): string => {
  const dir = path.join(w.root, "receipts");
  mkdirSync(dir, { recursive: true });
  return dir;
};
const runElsewhere = (w: World) => w.run(["--json"], { AXOUPDATER_CONFIG_PATH: path.join(w.root, "receipts") });
const receiptElsewhere = (w: World): string => path.join(elsewhere(w), "axolotlsay-receipt.json");

// What a file outside the prefix looks like, to prove it was not touched (not even copied and renamed back).
const fingerprint = (file: string) => {
  const s = lstatSync(file);
  return { ino: s.ino, mode: s.mode, rdev: s.rdev, size: s.size, mtimeMs: s.mtimeMs };
};

export const receiptRows: HostileRow[] = [
  {
    name: "finding 11: a FIFO as the receipt is refused at once (RECEIPT_INVALID), never waited on",
    setup: (w) => void spawnSync("mkfifo", [receiptElsewhere(w)]),
    run: runElsewhere,
    exit: 1,
    code: "RECEIPT_INVALID",
    message: "it is a FIFO, not a regular file",
  },
  {
    name: "finding 11: a 200 MB receipt is refused as too large without being read",
    setup: (w) => {
      const file = receiptElsewhere(w);
      writeFileSync(file, receiptWith(w, {}));
      truncateSync(file, 200 * 1024 * 1024); // sparse: no disk used
    },
    run: runElsewhere,
    exit: 1,
    code: "RECEIPT_INVALID",
    message: /too large \(209715200 bytes/,
  },
  {
    name: "finding 11: a receipt that is a directory is RECEIPT_INVALID, saying so",
    setup: (w) => mkdirSync(receiptElsewhere(w)),
    run: runElsewhere,
    exit: 1,
    code: "RECEIPT_INVALID",
    message: "it is a directory, not a regular file",
  },
  {
    name: "finding 11: a receipt symlinked to a device is refused (RECEIPT_INVALID), not read",
    setup: (w) => symlinkSync("/dev/null", receiptElsewhere(w)),
    run: runElsewhere,
    exit: 1,
    code: "RECEIPT_INVALID",
    message: "it is a device, not a regular file",
  },
  {
    name: "finding 11: a symlinked receipt (a dotfile manager's) is read and the update succeeds",
    setup: (w) => {
      const real = path.join(w.root, "dotfiles", "axolotlsay-receipt.json");
      mkdirSync(path.dirname(real));
      writeFileSync(real, readFileSync(w.app.receiptPath));
      unlinkSync(w.app.receiptPath);
      symlinkSync(real, w.app.receiptPath);
    },
    exit: 0,
    code: null,
    result: "updated",
  },
  {
    name: "finding 11: a deeply nested (200 000 levels) but valid receipt is read and the update succeeds",
    // An unknown key nested deep, and a backslash (a Windows path) so the escaping check walks it all.
    setup: (w) => {
      const depth = 200_000;
      const text = receiptWith(w, { note: "C:\\Users\\alice", deep: "@DEEP@" }).replace('"@DEEP@"', `${"[".repeat(depth)}${"]".repeat(depth)}`);
      writeFileSync(w.app.receiptPath, text);
    },
    exit: 0,
    code: null,
    result: "updated",
  },
  {
    name: "finding 7: a binary named ../x in the receipt is RECEIPT_INVALID naming the file and field",
    setup: plant({ binaries: ["axolotlsay", "../x"] }),
    exit: 1,
    code: "RECEIPT_INVALID",
    message:
      /axolotlsay-receipt\.json is invalid: "binaries\[1\]" has an entry that is not a plain file name inside the install prefix: it contains a path separator \("\.\.\/x"\)/,
  },
  {
    name: "finding 7: an absolute binary path in the receipt is RECEIPT_INVALID",
    setup: (w) => plant({ binaries: ["axolotlsay", path.join(w.root, "elsewhere")] })(w),
    exit: 1,
    code: "RECEIPT_INVALID",
    message: '"binaries[1]" has an entry that is not a plain file name',
  },
  {
    name: "finding 7: an alias value with a / is RECEIPT_INVALID naming binary_aliases",
    setup: plant({ binary_aliases: { axolotlsay: ["axo", "../../axo-outside"] } }),
    exit: 1,
    code: "RECEIPT_INVALID",
    message: '"binary_aliases.axolotlsay[1]" has an entry that is not a plain file name',
  },
  {
    name: "finding 7: an alias key that is a path (../evil) is RECEIPT_INVALID",
    setup: plant({ binary_aliases: { axolotlsay: ["axo"], "../evil": ["e"] } }),
    exit: 1,
    code: "RECEIPT_INVALID",
    message: '"binary_aliases" has a key that is not a plain file name',
  },
  {
    name: "finding 7: cdylibs and cstaticlibs entries are plain names too (.., empty)",
    setup: plant({ cdylibs: ["libaxo.so", ".."], cstaticlibs: [""] }),
    exit: 1,
    code: "RECEIPT_INVALID",
    message: /"cdylibs\[1\]" has an entry that is not a plain file name inside the install prefix: it is "\.\.", a directory/,
  },
  {
    name: "finding 7: a NUL in a binary's name is RECEIPT_INVALID",
    setup: plant({ binaries: ["axolotlsay", "axo\u0000lotl"] }),
    exit: 1,
    code: "RECEIPT_INVALID",
    message: '"binaries[1]" has an entry that is not a plain file name',
  },
  {
    name: "finding 7: a binary ../../../<device> pointing outside the prefix leaves that device untouched",
    // A failing installer: without the rule, rollback renamed the backup's empty copy over the device.
    world: { release: { beforeReceipt: "exit 3" } },
    setup: (w) => {
      // A character device of our own (a second /dev/null) outside the prefix; a plain file when mknod is not allowed.
      const target = path.join(w.root, "outside-device");
      if (spawnSync("mknod", [target, "c", "1", "3"]).status !== 0) writeFileSync(target, "precious\n");
      writeFileSync(path.join(w.root, "outside-device.before"), JSON.stringify(fingerprint(target)));
      // bin → .cargo → home → root
      plant({ binaries: ["axolotlsay", "../../../outside-device"] })(w);
    },
    exit: 1,
    code: "RECEIPT_INVALID",
    message: '"binaries[1]" has an entry that is not a plain file name',
    check: (w) => {
      const target = path.join(w.root, "outside-device");
      expect(fingerprint(target), "the file outside the prefix was touched").toEqual(JSON.parse(readFileSync(`${target}.before`, "utf8")));
      if (statSync(target).isCharacterDevice()) expect(statSync(target).rdev).toBe(statSync("/dev/null").rdev);
      expect(
        w.gh.log.filter((l) => l.server === "download"),
        "nothing downloaded",
      ).toEqual([]);
    },
  },
];
