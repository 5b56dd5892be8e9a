import { mkdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { noticeFiles, readNoticeState, writeNoticeFile } from "../../src/io/notice-state.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("notice state files", () => {
  it("lives in <cache>/notify/, one check file and one notice file per app", () => {
    expect(noticeFiles("/c/upkeep", "axolotlsay")).toEqual({
      check: "/c/upkeep/notify/axolotlsay.check.json",
      notice: "/c/upkeep/notify/axolotlsay.notice.json",
    });
  });

  it("nothing yet: no times, no record", async () => {
    expect(await readNoticeState(noticeFiles(tmpDir(), "axolotlsay"))).toEqual({});
  });

  it("written records come back with the files' mtimes as the times", async () => {
    const files = noticeFiles(tmpDir(), "axolotlsay");
    expect(await writeNoticeFile(files.check, { app: "axolotlsay", ok: true, current: "1.0.0", latest: "2.0.0", tag: "v2.0.0" })).toBe(true);
    const then = new Date("2020-01-02T03:04:05Z");
    utimesSync(files.check, then, then);
    const state = await readNoticeState(files);
    expect(state).toEqual({ checkedAt: then.getTime(), record: { app: "axolotlsay", ok: true, current: "1.0.0", latest: "2.0.0", tag: "v2.0.0" } });
    expect(statSync(files.check).mode & 0o777).toBe(0o600);
  });

  it("a corrupted check file still times the check, but gives no record", async () => {
    const files = noticeFiles(tmpDir(), "axolotlsay");
    mkdirSync(path.dirname(files.check), { recursive: true });
    for (const text of ["{not json", "null", '{"app": 1, "ok": true}']) {
      writeFileSync(files.check, text);
      const state = await readNoticeState(files);
      expect(state.record, text).toBeUndefined();
      expect(state.checkedAt, text).toBeTypeOf("number");
    }
  });

  it("cannot write (a file where the directory should be): false, no throw, nothing left", async () => {
    const root = tmpDir();
    writeFileSync(path.join(root, "notify"), "in the way\n");
    const files = noticeFiles(root, "axolotlsay");
    expect(await writeNoticeFile(files.notice, { app: "axolotlsay" })).toBe(false);
  });
});
