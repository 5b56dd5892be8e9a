import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { upkeepVersion } from "../../src/release/checkout.js";
import { main } from "../../src/release/release-self.js";
import { tmpDir } from "../helpers/fake-app.js";

describe("release-self main", () => {
  it("releases the built targets as upkeep, its own updater, at upkeep's version", async () => {
    const from = tmpDir();
    mkdirSync(path.join(from, "x86_64-unknown-linux-gnu"));
    writeFileSync(path.join(from, "x86_64-unknown-linux-gnu", "upkeep"), "upkeep\n", { mode: 0o755 });
    const out = path.join(tmpDir(), "out");
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["--out", out, "--from", from], { sourceDateEpoch: "1700000000" })).toBe(0);
      expect(err.mock.calls.map(([text]) => String(text)).join("")).toContain(`release-self: upkeep ${upkeepVersion()} for 1 targets`);
      expect(await main([])).toBe(2);
      expect(await main(["--out", path.join(tmpDir(), "o"), "--from", path.join(from, "missing")])).toBe(1);
    } finally {
      err.mockRestore();
    }
    expect(readdirSync(out)).toContain("upkeep-x86_64-unknown-linux-gnu-update");
  });
});
