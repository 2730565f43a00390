/**
 * Load bench, one run, against `next start` of the production build on a fresh data directory
 * (the demo seed plus a course of 10,000 students imported through the roster code):
 *
 *   pages     32 connections, each its own signed-in staff session (admin), for BENCH_SECONDS
 *             per page: dashboard, roster of the 10,000-student course with a search, the
 *             cluster page (export target), the grading table; requests/s, errors, p50/p95/p99
 *   ratio     the roster page against a static page of the same app (the prerendered not-found
 *             page), requests/s; goal >= 0.5
 *
 * Results also go to bench/.out/load-<time>.json.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { writeAudit } from "../../lib/audit/audit";
import { loadPrincipal } from "../../lib/auth/principal";
import { defaultMounts } from "../../lib/courses/schemas";
import { openDb } from "../../lib/db/open";
import { courses, terms, users } from "../../lib/db/schema";
import { applyImport, previewImport } from "../../lib/rosters/roster";

const REPO = path.resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROWS = 10_000;
const PASSWORD = "bench-Passw0rd!";
const require = createRequire(path.join(REPO, ".cache/bench/node_modules/"));
interface CannonResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
}
type Cannon = Promise<CannonResult> & { on(event: "response", f: (client: unknown, status: number, bytes: number, ms: number) => void): void };
const autocannon = require("autocannon") as (opts: Record<string, unknown>) => Cannon;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-load-"));
const env = { ...process.env, E2X_DATA_DIR: dataDir, E2X_EXCHANGE_ROOT: path.join(dataDir, "exchange"), E2X_SEED_PASSWORD: PASSWORD, AUTH_SECRET: "bench-only-secret", E2X_CLUSTER_TARGET: "export" };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

// ---- data ------------------------------------------------------------------------------------
const m = spawnSync("npx", ["tsx", "scripts/migrate.ts"], { cwd: REPO, env, encoding: "utf8" });
if (m.status !== 0) throw new Error(`migrate failed: ${m.stderr}`);
const db = openDb(path.join(dataDir, "portal.db"));
const admin = db.select().from(users).where(eq(users.role, "admin")).get()!;
const principal = loadPrincipal(db, admin.id)!;
const course = db.insert(courses).values({ code: "massen", title: "Massenvorlesung", description: "" }).returning().get();
const term = db
  .insert(terms)
  .values({ courseId: course.id, term: "WS25", hubs: ["assignment"], image: "ghcr.io/e2x/nb:1", cpuGuarantee: "500m", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts() })
  .returning()
  .get();
const LAST = ["Müller", "Schmidt", "Weiß", "Öztürk", "Meier", "Groß", "Schäfer", "Fischer"];
const csv = Buffer.from(
  "Username;Vorname;Nachname;Matrikel\n" + Array.from({ length: ROWS }, (_, i) => `m${String(i).padStart(5, "0")}s;Vera;${LAST[i % LAST.length]};${9_000_000 + i}`).join("\n") + "\n",
);
const p = previewImport(db, term.id, csv, "merge");
if (p.kind !== "preview") throw new Error("no preview");
db.transaction((tx) => applyImport(term.id, csv, "merge", { fileHash: p.fileHash, version: p.version }, { tx, principal, audit: (e) => writeAudit(tx, principal, e) }));
const mathe = db.select().from(courses).where(eq(courses.code, "mathe1")).get()!;
const matheTerm = db.select().from(terms).where(and(eq(terms.courseId, mathe.id), eq(terms.term, "WS25"))).get()!;
db.$client.close();

// ---- server ----------------------------------------------------------------------------------
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: REPO, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
const stop = () => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    /* gone */
  }
};
process.on("exit", stop);
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/sign-in`)).ok) break;
  } catch {
    /* not yet */
  }
  if (i > 600) throw new Error("the portal did not start");
  await new Promise((r) => setTimeout(r, 100));
}

async function signIn(): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, username: admin.username, password: PASSWORD, callbackUrl: `${base}/` }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.includes("session-token"));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return [...jar, session].join("; ");
}
const cookies: string[] = [];
for (let i = 0; i < CONNECTIONS; i++) cookies.push(await signIn());

// ---- load ------------------------------------------------------------------------------------
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN;
};

async function load(name: string, url: string, expectStatus = 200) {
  // warm the route (first render, caches) before measuring
  await fetch(base + url, { headers: { cookie: cookies[0] } });
  let next = 0;
  const times: number[] = [];
  let wrong = 0;
  const inst = autocannon({
    url: base + url,
    connections: CONNECTIONS,
    duration: SECONDS,
    initialContext: {},
    requests: [
      {
        setupRequest: (req: { headers?: Record<string, string> }, context: { cookie?: string }) => {
          context.cookie ??= cookies[next++ % cookies.length];
          return { ...req, headers: { ...(req.headers ?? {}), cookie: context.cookie } };
        },
      },
    ],
  });
  inst.on("response", (_client, status, _bytes, ms) => {
    times.push(ms);
    if (status !== expectStatus) wrong++;
  });
  const r = await inst;
  return {
    name,
    url,
    requests: r.requests.total,
    perSecond: Math.round(r.requests.total / SECONDS),
    errors: r.errors + r.timeouts + wrong,
    p50: pct(times, 0.5),
    p95: pct(times, 0.95),
    p99: pct(times, 0.99),
  };
}

const roster = `/courses/${course.id}/terms/${term.id}/roster?q=${encodeURIComponent("müller")}`;
const results = [
  await load("dashboard", "/"),
  await load("roster, 10,000 students, search 'müller'", roster),
  await load("roster, 10,000 students, first page", `/courses/${course.id}/terms/${term.id}/roster`),
  await load("cluster page", "/cluster"),
  await load("grading table", `/courses/${mathe.id}/terms/${matheTerm.id}/grading`),
  await load("static page (prerendered not-found)", "/bench-no-such-page", 404),
];
stop();

const rosterRate = results[1].perSecond;
const staticRate = results[5].perSecond;
console.log(`\nload: ${CONNECTIONS} connections (one signed-in session each), ${SECONDS} s per page, ${os.cpus().length} cores, loopback\n`);
console.log("page".padEnd(44) + "req/s".padStart(7) + "errors".padStart(8) + "p50 ms".padStart(9) + "p95 ms".padStart(9) + "p99 ms".padStart(9));
for (const r of results) console.log(r.name.padEnd(44) + String(r.perSecond).padStart(7) + String(r.errors).padStart(8) + String(r.p50).padStart(9) + String(r.p95).padStart(9) + String(r.p99).padStart(9));
console.log(`\nroster (search) / static page: ${(rosterRate / staticRate).toFixed(2)} (goal >= 0.5)`);
fs.mkdirSync(path.join(REPO, "bench/.out"), { recursive: true });
const out = path.join(REPO, `bench/.out/load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(out, JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, cores: os.cpus().length, results, ratio: rosterRate / staticRate }, null, 2));
console.log(`results: ${path.relative(REPO, out)}`);
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
