// A real forward proxy for tests: Debian's tinyproxy, started on a free loopback port with its own
// config and log, stopped when the test ends.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { defer } from "./cleanup.js";
import { tmpDir } from "./fake-app.js";

/** Path of tinyproxy, or "" when it is not installed. */
export const tinyproxyPath = spawnSync("sh", ["-c", "command -v tinyproxy"], { encoding: "utf8" }).stdout.trim();

/** A running proxy: its URL (with credentials when asked) and what it logged. */
export interface Proxy {
  url: string;
  port: number;
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, "127.0.0.1", () => {
      c.end();
      resolve(true);
    });
    c.on("error", () => resolve(false));
  });
}

/** Starts tinyproxy; with `auth`, it demands those credentials (and the URL carries them). */
export async function startTinyproxy(auth?: { user: string; password: string }): Promise<Proxy> {
  const dir = tmpDir("upkeep-proxy-");
  chmodSync(dir, 0o777); // tinyproxy may drop to nobody before it writes its log
  const port = await freePort();
  const logFile = path.join(dir, "tinyproxy.log");
  const conf = path.join(dir, "tinyproxy.conf");
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      "Listen 127.0.0.1",
      "Timeout 30",
      `LogFile "${logFile}"`,
      "LogLevel Info",
      "MaxClients 50",
      "Allow 127.0.0.1",
      ...(auth ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
    ].join("\n"),
  );
  const child = spawn(tinyproxyPath, ["-d", "-c", conf], { stdio: "ignore" });
  defer(
    () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  );
  for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
  const creds = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : "";
  return { url: `http://${creds}127.0.0.1:${port}`, port, log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "") };
}
