import { describe, expect, it } from "vitest";
import { redact } from "../../src/core/redact.js";

describe("redact", () => {
  // [text, secrets, expected]
  const cases: [string, string[], string][] = [
    ["token ghp_abc123 here", ["ghp_abc123"], "token *** here"],
    ["proxy http://user:pa55@proxy:3128 failed", [], "proxy http://***@proxy:3128 failed"],
    ["https://tok@host/x and https://host/y", [], "https://***@host/x and https://host/y"],
    ["short abc stays", ["abc"], "short abc stays"],
    ["a ghp_x1 b ghp_x1", ["ghp_x1"], "a *** b ***"],
  ];
  for (const [text, secrets, want] of cases) it(text, () => expect(redact(text, secrets)).toBe(want));
});
