import { describe, expect, it } from "vitest";
import { isDue, isNewer, noticeLine, planNotice, silenceReasons, type SilenceInput } from "../../src/core/notice.js";

const quiet: SilenceInput = { ci: false, noUpdateNotifier: false, appOptOut: { name: "AXOLOTLSAY_NO_UPDATE_CHECK", set: false }, terminal: true };

describe("silenceReasons", () => {
  // [case, input, reasons]
  const cases: [string, Partial<SilenceInput>, string[]][] = [
    ["nothing set, on a terminal", {}, []],
    ["CI", { ci: true }, ["CI is set"]],
    ["NO_UPDATE_NOTIFIER", { noUpdateNotifier: true }, ["NO_UPDATE_NOTIFIER is set"]],
    ["the app's opt-out", { appOptOut: { name: "AXOLOTLSAY_NO_UPDATE_CHECK", set: true } }, ["AXOLOTLSAY_NO_UPDATE_CHECK is set"]],
    ["updates disabled", { disabled: "installed by Nix" }, ["updates are disabled"]],
    ["not a terminal", { terminal: false }, ["stderr is not a terminal"]],
    ["several", { ci: true, terminal: false }, ["CI is set", "stderr is not a terminal"]],
  ];
  for (const [name, input, reasons] of cases) it(name, () => expect(silenceReasons({ ...quiet, ...input })).toEqual(reasons));
});

describe("isDue and planNotice (times in ms; interval one day)", () => {
  const day = 86_400_000;
  const now = 1_000 * day;
  // [case, last event, due]
  const cases: [string, number | undefined, boolean][] = [
    ["never", undefined, true],
    ["just now", now, false],
    ["an hour ago", now - 3_600_000, false],
    ["exactly an interval ago", now - day, true],
    ["two days ago", now - 2 * day, true],
    ["a minute in the future (clock jitter)", now + 60_000, false],
    ["a day in the future (the clock was set back)", now + day, true],
  ];
  for (const [name, at, due] of cases) it(`${name} → ${due ? "due" : "not due"}`, () => expect(isDue(at, now, day)).toBe(due));

  it("the check and the notice are planned apart", () => {
    expect(planNotice({ checkedAt: now - 2 * day, notifiedAt: now }, now, day)).toEqual({ check: true, noticeDue: false });
    expect(planNotice({ checkedAt: now, notifiedAt: now - 2 * day }, now, day)).toEqual({ check: false, noticeDue: true });
    expect(planNotice({}, now, day)).toEqual({ check: true, noticeDue: true });
  });

  it("an interval of 0 makes both due every time", () => {
    expect(planNotice({ checkedAt: now, notifiedAt: now }, now, 0)).toEqual({ check: true, noticeDue: true });
  });
});

describe("isNewer", () => {
  // [latest, installed, newer]
  const cases: [string, string, boolean][] = [
    ["2.0.0", "1.0.0", true],
    ["1.0.0", "1.0.0", false],
    ["1.0.0", "2.0.0", false],
    ["1.0.0", "1.0.0-rc.1", true],
    ["not-a-version", "1.0.0", false],
    ["2.0.0\u001b[31m", "1.0.0", false],
    ["2.0.0", "", false],
  ];
  for (const [latest, installed, newer] of cases)
    it(`${JSON.stringify(latest)} over ${JSON.stringify(installed)} → ${newer}`, () => expect(isNewer(latest, installed)).toBe(newer));
});

describe("noticeLine", () => {
  it("names the app, both versions and the command", () => {
    expect(noticeLine("axolotlsay", "1.0.0", "2.0.0", "axolotlsay-update")).toBe(
      "A new version of axolotlsay is available: 1.0.0 → 2.0.0. Run axolotlsay-update to update.",
    );
  });
});
