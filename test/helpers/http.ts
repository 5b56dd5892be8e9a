// An HTTP client for tests that talk to a fake server directly, closed when the test finishes.
import { createHttp, type Http, type HttpSettings } from "../../src/io/http.js";
import { defer } from "./cleanup.js";

/** createHttp with test defaults (no proxy, short timeout, one attempt unless given). */
export async function testHttp(o: Partial<HttpSettings> & { apiOrigin: string }): Promise<Http> {
  const http = await createHttp({ timeoutMs: 5000, userAgent: "upkeep/test", proxy: { http: "", https: "", noProxy: "" }, attempts: 1, ...o });
  defer(() => http.close());
  return http;
}
