/**
 * Serves the production build for the browser tests: a fresh database with known demo
 * passwords, and a real OpenLDAP directory (Debian's slapd) for LDAP sign-in. Stops both
 * when Playwright stops it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { LDAP_FIXTURE_ROLE_MAP, LDAP_GROUPS_BASE, startLdap } from "./services/ldap";

const port = process.argv[2] ?? "3100";
const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, "e2e/.artifacts/data");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

const ldap = await startLdap();
const authSecret = `e2e-only-${Date.now()}-${Math.random().toString(36).slice(2)}`;
// the secrets test searches the server log and the bundle for this (and for every password)
fs.writeFileSync(path.join(root, "e2e/.artifacts/auth-secret"), authSecret, { mode: 0o600 });
const serverLog = fs.createWriteStream(path.join(root, "e2e/.artifacts/server.log"));
const env = {
  ...process.env,
  E2X_DATA_DIR: dataDir,
  // The demo exchange (mathe1-WS25, written by scripts/migrate.ts on first start) lives here.
  E2X_EXCHANGE_ROOT: path.join(dataDir, "exchange"),
  E2X_SEED_PASSWORD: process.env.E2E_PASSWORD ?? "e2e-Passw0rd!",
  // the browser tests make the exams they need: the demo exam would stand in their way
  E2X_SEED_DEMO_EXAM: "0",
  AUTH_SECRET: authSecret,
  LDAP_URL: ldap.url,
  LDAP_BIND_DN: ldap.bindDN,
  LDAP_BIND_PASSWORD: ldap.bindPassword,
  LDAP_SEARCH_BASE: ldap.searchBase,
  LDAP_GROUP_SEARCH_BASE: LDAP_GROUPS_BASE,
  LDAP_ROLE_MAP: LDAP_FIXTURE_ROLE_MAP,
};

const migrate = spawn("npx", ["tsx", "scripts/migrate.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
migrate.stdout.pipe(serverLog, { end: false });
migrate.stderr.on("data", (d) => {
  serverLog.write(d);
  process.stderr.write(d);
});
const code = await new Promise<number>((resolve) => migrate.on("exit", (c) => resolve(c ?? 1)));
if (code !== 0) {
  await ldap.stop();
  process.exit(code);
}

const server = spawn("npx", ["next", "start", "-p", port, "-H", "127.0.0.1"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
for (const [from, to] of [
  [server.stdout, process.stdout],
  [server.stderr, process.stderr],
] as const) {
  from.on("data", (d) => {
    serverLog.write(d);
    to.write(d);
  });
}
let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  try {
    server.kill(signal);
  } catch {
    /* already gone */
  }
  await ldap.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
server.on("exit", async (c) => {
  if (!stopping) {
    await ldap.stop();
    process.exit(c ?? 1);
  }
});
