import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kindOf, removeFile, removeLineFromFile, storeVersionOf, storeVersionUsed } from "../../src/io/remove.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("removal effects", () => {
  it("kindOf never follows a link", () => {
    const d = tmpDir();
    writeFileSync(path.join(d, "f"), "x");
    symlinkSync(path.join(d, "missing"), path.join(d, "dangling"));
    mkdirSync(path.join(d, "dir"));
    return Promise.all([
      expect(kindOf(path.join(d, "f"))).resolves.toBe("file"),
      expect(kindOf(path.join(d, "dangling"))).resolves.toBe("symlink"),
      expect(kindOf(path.join(d, "dir"))).resolves.toBe("other"),
      expect(kindOf(path.join(d, "none"))).resolves.toBe("absent"),
    ]);
  });

  it("removeLineFromFile: a dry run reads only; a symlinked dotfile stays a link", async () => {
    const d = tmpDir();
    const real = path.join(d, "dotfiles-profile");
    writeFileSync(real, "# mine\n\n. x\n");
    symlinkSync(real, path.join(d, ".profile"));
    expect(await removeLineFromFile(path.join(d, ".profile"), ". x", true)).toBe("removed");
    expect(readFileSync(real, "utf8")).toBe("# mine\n\n. x\n");
    expect(await removeLineFromFile(path.join(d, ".profile"), ". x", false)).toBe("removed");
    expect(readFileSync(real, "utf8")).toBe("# mine\n");
    expect(await kindOf(path.join(d, ".profile"))).toBe("symlink");
    expect(await removeLineFromFile(path.join(d, ".profile"), ". x", false)).toBe("no_line");
    expect(await removeLineFromFile(path.join(d, "gone"), ". x", false)).toBe("absent");
  });

  it("a store version is used while another link's users/ entry points to it", async () => {
    const d = tmpDir();
    const version = path.join(d, "store", "0.1.0-abc");
    mkdirSync(path.join(version, "users"), { recursive: true });
    writeFileSync(path.join(version, "upkeep"), "#!/bin/sh\n");
    const [a, b] = [path.join(d, "a-update"), path.join(d, "b-update")];
    for (const link of [a, b]) {
      symlinkSync(path.join(version, "upkeep"), link);
      writeFileSync(path.join(version, "users", link.replaceAll("/", "%")), `${link}\n`);
    }
    expect(await storeVersionOf(a)).toBe(version);
    expect(await storeVersionUsed(version, a)).toBe(true);
    await removeFile(b, "linux", "C:\\Windows\\System32\\cmd.exe");
    expect(await storeVersionUsed(version, a)).toBe(false);
    expect(await storeVersionOf(path.join(version, "upkeep"))).toBeUndefined();
  });
});
