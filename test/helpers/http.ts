// An HTTP client for tests that talk to a fake server directly, closed when the test finishes.
import { onTestFinished } from "vitest";
import { createHttp, type Http, type HttpSettings } from "../../src/io/http.js";

/** createHttp with test defaults (no proxy, short timeout, one attempt unless given). */
export async function testHttp(o: Partial<HttpSettings> & { apiOrigin: string }): Promise<Http> {
  const http = await createHttp({ timeoutMs: 5000, userAgent: "upkeep/test", proxy: { http: "", https: "", noProxy: "" }, attempts: 1, ...o });
  onTestFinished(() => http.close());
  return http;
}
