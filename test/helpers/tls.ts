// A certificate authority made for one test with the openssl command, and a server certificate it
// signs for 127.0.0.1.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tmpDir } from "./fake-app.js";

/** PEM files and texts of a fresh test CA and a 127.0.0.1 server certificate. */
export interface TestCa {
  caFile: string;
  key: string;
  cert: string;
}

/** Generates a CA and a server certificate (EC P-256, valid two days). */
export function makeTestCa(): TestCa {
  const dir = tmpDir("upkeep-ca-");
  const at = (f: string) => path.join(dir, f);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=upkeep test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", at("srv.key"), "-out", at("srv.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  ssl(
    "x509",
    "-req",
    "-in",
    at("srv.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-out",
    at("srv.pem"),
    "-days",
    "2",
    "-extfile",
    at("ext.cnf"),
  );
  return { caFile: at("ca.pem"), key: readFileSync(at("srv.key"), "utf8"), cert: readFileSync(at("srv.pem"), "utf8") };
}
