import { describe, expect, it } from "vitest";
import { remoteUrlProblem } from "../../src/core/url.js";

describe("remoteUrlProblem: which URLs named by remote data are followed", () => {
  const cases: [string, string, string, string | RegExp | undefined][] = [
    ["https from https", "https://objects.example/a", "https://api.github.com/repos/o/r/releases/latest", undefined],
    ["http from http (a loopback test server, a plain-http mirror)", "http://127.0.0.1:1/a", "http://127.0.0.1:2/releases.json", undefined],
    ["http from https is a downgrade", "http://objects.example/a", "https://api.github.com/x", /downgrade/],
    ["file: from an API answer", "file:///etc/passwd", "https://api.github.com/x", /file: scheme/],
    ["file: from a plain-http mirror", "file:///dev/zero", "http://mirror/releases.json", /file: scheme/],
    ["ftp:", "ftp://x/a", "https://api.github.com/x", /ftp: scheme/],
    ["javascript:", "javascript:alert(1)", "https://api.github.com/x", /javascript: scheme/],
    ["not a URL", "::::", "https://api.github.com/x", /not a valid URL/],
    ["a directory mirror's own file", "file:///srv/m/v1/i.sh", "file:///srv/m/releases.json", undefined],
    ["a directory mirror: ../ out of it", "file:///srv/other/i.sh", "file:///srv/m/releases.json", /outside the mirror directory/],
    ["a directory mirror: an absolute path", "file:///etc/passwd", "file:///srv/m/releases.json", /outside the mirror directory/],
    ["a directory mirror naming an http URL is fine (http from local)", "http://127.0.0.1/x", "file:///srv/m/releases.json", undefined],
    ["a directory mirror naming a data: URL", "data:text/plain,hi", "file:///srv/m/releases.json", /data: scheme/],
  ];
  for (const [label, url, from, want] of cases) {
    it(label, () => {
      const got = remoteUrlProblem(url, from);
      if (want === undefined) expect(got).toBeUndefined();
      else expect(got).toMatch(want);
    });
  }
});
