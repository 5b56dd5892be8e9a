import path from "node:path";
import type { Config } from "../config.js";
import { createHttp, type Http, type HttpSettings } from "../io/http.js";

/** The HTTP client settings of a run: token only for its API origin, timeouts, proxies, CAs, cache. */
export function httpSettingsFor(config: Config): HttpSettings {
  return {
    apiOrigin: config.githubApiBase(),
    token: config.token?.value,
    timeoutMs: config.timeoutMs,
    userAgent: config.userAgent,
    proxy: config.proxy,
    caFiles: config.caFiles,
    cacheDir: path.join(config.cacheDir, "http"),
    attempts: config.attempts,
    verbose: config.hooks.verbose,
    signal: config.signal,
  };
}

/** The run's HTTP client, created on first use; `dropToken` (a mirror source) before that keeps the token out of it. */
export type RunHttp = Http & { dropToken?(): void };

/** Runs `work` with the run's HTTP client, and closes it afterwards. */
export async function withHttp<T>(config: Config, work: (http: RunHttp) => Promise<T>): Promise<T> {
  let client: Http | undefined;
  let withToken = true;
  // Created on first use: runs that fail on the receipt never load the HTTP stack.
  const http: RunHttp = {
    async get(url, options) {
      client ??= await createHttp({ ...httpSettingsFor(config), ...(withToken ? {} : { token: undefined }) });
      return client.get(url, options);
    },
    close: async () => client?.close(),
    dropToken: () => {
      if (client) throw new Error("dropToken after the first request");
      withToken = false;
    },
  };
  try {
    return await work(http);
  } finally {
    await http.close();
  }
}
