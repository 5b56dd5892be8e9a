// notifyIfOutdated as an app calls it: an explicit environment (no CI, no process.env), a stream that says
// it is a terminal, an installed axolotlsay 1.0.0 in a throw-away HOME and the fake GitHub publishing 2.0.0.
import { existsSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { notifyIfOutdated, type NotifyOptions } from "../../src/index.js";
import { fakeRelease, installedApp } from "../helpers/fake-app.js";
import { startFakeGithub, type FakeGithub } from "../helpers/fake-github.js";

const LINE = "A new version of axolotlsay is available: 1.0.0 → 2.0.0. Run axolotlsay-update to update.";

// A world and a stream that records what was written to it. The deadline is generous (the default 1 s
// is the e2e bound's business): a loaded machine must not turn a check into a "deadline".
async function world(isTTY = true) {
  const gh: FakeGithub = await startFakeGithub({ releases: [fakeRelease("2.0.0"), fakeRelease("1.0.0")] });
  const app = installedApp();
  const written: string[] = [];
  const env = { ...app.env, AXOLOTLSAY_INSTALLER_GHE_BASE_URL: gh.gheBase };
  const stream = { isTTY, write: (text: string) => written.push(text) };
  const call = (o: Partial<NotifyOptions> = {}) => notifyIfOutdated({ app: "axolotlsay", env, stream, deadlineMs: 20_000, ...o });
  const cache = path.join(app.home, ".cache", "upkeep", "notify");
  return { gh, app, env, written, call, cache, requests: () => gh.apiRequests(/\/releases\/latest$/).length };
}

describe("notifyIfOutdated", () => {
  it("checks, writes the one line to the stream and says what it did; then stays quiet for the interval", async () => {
    const w = await world();
    expect(await w.call()).toEqual({ outcome: "notified", checked: true, installedVersion: "1.0.0", latestVersion: "2.0.0", line: LINE });
    expect(w.written).toEqual([`${LINE}\n`]);
    expect(await w.call()).toMatchObject({ outcome: "no_update", checked: false });
    expect(w.written).toHaveLength(1);
    expect(w.requests()).toBe(1);
  });

  it("intervalHours is the interval: a check file older than it is checked again", async () => {
    const w = await world();
    await w.call({ intervalHours: 1 });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(path.join(w.cache, "axolotlsay.check.json"), twoHoursAgo, twoHoursAgo);
    utimesSync(path.join(w.cache, "axolotlsay.notice.json"), twoHoursAgo, twoHoursAgo);
    expect(await w.call({ intervalHours: 1 })).toMatchObject({ outcome: "notified", checked: true });
    expect(w.requests()).toBe(2);
  });

  // [case, options or env, reason]
  const silent: [string, (w: Awaited<ReturnType<typeof world>>) => Partial<NotifyOptions>, string][] = [
    ["CI in the given environment", (w) => ({ env: { ...w.env, CI: "true" } }), "CI is set"],
    ["NO_UPDATE_NOTIFIER", (w) => ({ env: { ...w.env, NO_UPDATE_NOTIFIER: "1" } }), "NO_UPDATE_NOTIFIER is set"],
    ["the app's opt-out", (w) => ({ env: { ...w.env, AXOLOTLSAY_NO_UPDATE_CHECK: "1" } }), "AXOLOTLSAY_NO_UPDATE_CHECK is set"],
    ["a stream that is not a terminal", () => ({ stream: { write: () => true } }), "stderr is not a terminal"],
  ];
  for (const [name, options, reason] of silent) {
    it(`silent with ${name}: no request, no file`, async () => {
      const w = await world();
      expect(await w.call(options(w))).toEqual({ outcome: "silent", reason, checked: false });
      expect(w.gh.log).toHaveLength(0);
      expect(w.written).toEqual([]);
      expect(existsSync(w.cache)).toBe(false);
    });
  }

  it("gives up at the deadline on a server that never answers, and resolves", async () => {
    const w = await world();
    w.gh.inject({ match: /\/releases\/latest$/, hang: true });
    expect(await w.call({ deadlineMs: 200 })).toEqual({ outcome: "failed", reason: "deadline", checked: true });
    expect(w.written).toEqual([]);
  });

  it("never rejects: bad options and a missing receipt resolve as failed", async () => {
    const w = await world();
    expect(await w.call({ deadlineMs: -1 })).toMatchObject({ outcome: "failed", reason: expect.stringContaining("USAGE") });
    expect(await w.call({ intervalHours: Number.NaN })).toMatchObject({ outcome: "failed" });
    expect(await w.call({ app: "no/such" })).toMatchObject({ outcome: "failed", reason: "USAGE" });
    expect(await w.call({ app: "other-app" })).toMatchObject({ outcome: "no_update", reason: "RECEIPT_NOT_FOUND" });
    expect(w.written).toEqual([]);
  });

  it("an aborted signal ends it at once, silently", async () => {
    const w = await world();
    expect(await w.call({ signal: AbortSignal.abort() })).toEqual({ outcome: "failed", reason: "interrupted", checked: false });
    expect(w.gh.log).toHaveLength(0);
  });
});
