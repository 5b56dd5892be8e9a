import { describe, expect, it } from "vitest";
import { appEnvPrefix, appEnvVar } from "../../src/core/env-name.js";

// [app, prefix] — ASCII upper-case and `-` → `_`, nothing else (cargo-dist's own rule)
const cases: [string, string][] = [
  ["axolotlsay", "AXOLOTLSAY"],
  ["akaikatana-repack", "AKAIKATANA_REPACK"],
  ["cargo-dist", "CARGO_DIST"],
  ["my.app", "MY.APP"],
  ["straße", "STRAßE"],
];

describe("appEnvPrefix", () => {
  for (const [app, prefix] of cases) it(`${app} → ${prefix}`, () => expect(appEnvPrefix(app)).toBe(prefix));
  it("builds variable names", () => expect(appEnvVar("a-b", "INSTALL_DIR")).toBe("A_B_INSTALL_DIR"));
});
