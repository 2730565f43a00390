/**
 * Load bench, one run, against `next start` of the production build on a fresh data directory
 * (the demo seed plus a course of 10,000 students imported through the roster code):
 *
 *   pages     32 connections, each its own signed-in staff session (admin), for BENCH_SECONDS
 *             per page: dashboard, roster of the 10,000-student course with a search, the
 *             cluster page (export target), the grading table; requests/s, errors, p50/p95/p99
 *   ratio     the roster page against a static page of the same app (the prerendered not-found
 *             page, measured right before the roster and again last), requests/s; goal >= 0.5
 *   imports   4 roster imports of 10,000 rows at once, each into a term of its own, through the
 *             server actions the roster page's import calls (preview, then apply what it showed,
 *             then the page reload), while the other 28 sessions keep loading the roster page; duration
 *             p50/p95/max, errors, and the rows counted in the database afterwards
 *
 * Results also go to bench/.out/load-<time>.json.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { and, count, eq } from "drizzle-orm";
import { writeAudit } from "../../lib/audit/audit";
import { loadPrincipal } from "../../lib/auth/principal";
import { defaultMounts } from "../../lib/courses/schemas";
import { openDb } from "../../lib/db/open";
import { auditLog, courses, students, terms, users } from "../../lib/db/schema";
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
type Cannon = Promise<CannonResult> & { on(event: "response", f: (client: unknown, status: number, bytes: number, ms: number) => void): void; stop(): void };
interface PageResult {
  name: string;
  url: string;
  requests: number;
  perSecond: number;
  errors: number;
  /** The errors by kind: no answer within autocannon's 10 s, another status, a failed connection. */
  errorKinds: { timeouts: number; wrongStatus: number; failed: number };
  p50: number;
  p95: number;
  p99: number;
}
const autocannon = require("autocannon") as (opts: Record<string, unknown>) => Cannon;

const loadAtStart = os.loadavg().map((x) => x.toFixed(2)).join(" ");
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
// the import phase's terms: empty, one per import
const IMPORTS = 4;
const importTerms = Array.from({ length: IMPORTS }, (_, i) =>
  db
    .insert(terms)
    .values({ courseId: course.id, term: `SS${26 + i}`, hubs: ["assignment"], image: "ghcr.io/e2x/nb:1", cpuGuarantee: "500m", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts() })
    .returning()
    .get(),
);
const mathe = db.select().from(courses).where(eq(courses.code, "mathe1")).get()!;
const matheTerm = db.select().from(terms).where(and(eq(terms.courseId, mathe.id), eq(terms.term, "WS25"))).get()!;
db.$client.close();

// ---- server ----------------------------------------------------------------------------------
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// BENCH_SERVER_PROFILE=<dir>: the server runs with a CPU profile, written to <dir> when it stops
const profile = process.env.BENCH_SERVER_PROFILE;
const server = profile
  ? spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profile)}`, path.join(REPO, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: REPO, env, stdio: ["ignore", "ignore", "inherit"], detached: true })
  : spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: REPO, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
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
  // the proxy and the route both set a CSRF cookie: the route's, set last, matches the token
  const jar = [...new Map(csrf.headers.getSetCookie().map((c) => c.split(";")[0]).map((c) => [c.split("=")[0], c] as const)).values()];
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

/** Loads one page with every session at once: for BENCH_SECONDS, or until stopped. */
function load(name: string, url: string, expectStatus?: number): Promise<PageResult>;
function load(name: string, url: string, expectStatus: number, opts: { until: true; cookies: string[] }): { stop(): Promise<PageResult> };
function load(name: string, url: string, expectStatus = 200, opts: { until?: boolean; cookies?: string[] } = {}) {
  const sessions = opts.cookies ?? cookies;
  let next = 0;
  const times: number[] = [];
  let wrong = 0;
  let started = 0;
  const run = () => {
    started = performance.now();
    const inst = autocannon({
      url: base + url,
      connections: sessions.length,
      // until stopped: longer than any import phase, stopped when the imports are done
      duration: opts.until ? 3600 : SECONDS,
      initialContext: {},
      requests: [
        {
          setupRequest: (req: { headers?: Record<string, string> }, context: { cookie?: string }) => {
            context.cookie ??= sessions[next++ % sessions.length];
            return { ...req, headers: { ...(req.headers ?? {}), cookie: context.cookie } };
          },
        },
      ],
    });
    inst.on("response", (_client, status, _bytes, ms) => {
      times.push(ms);
      if (status !== expectStatus) wrong++;
    });
    return inst;
  };
  const result = (r: CannonResult): PageResult => ({
    name,
    url,
    requests: r.requests.total,
    perSecond: Math.round(r.requests.total / (opts.until ? (performance.now() - started) / 1000 : SECONDS)),
    errors: r.errors + wrong,
    errorKinds: { timeouts: r.timeouts, wrongStatus: wrong, failed: r.errors - r.timeouts },
    p50: pct(times, 0.5),
    p95: pct(times, 0.95),
    p99: pct(times, 0.99),
  });
  if (opts.until) {
    const inst = run();
    return {
      stop: () => {
        inst.stop();
        return inst.then(result);
      },
    };
  }
  // warm the route (first render, caches) before measuring
  return fetch(base + url, { headers: { cookie: sessions[0] } }).then(() => run().then(result));
}

// ---- imports ---------------------------------------------------------------------------------
// The server actions as the browser calls them: POST to the page with the action's id, the
// arguments in React's reply encoding (previous state, then the form), the answer in React's
// flight format.
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, ".next/server/server-reference-manifest.json"), "utf8")).node as Record<string, { filename: string; exportedName: string }>;
const actionId = (name: string) => {
  const id = Object.entries(manifest).find(([, m]) => m.filename.endsWith("roster/actions.ts") && m.exportedName === name)?.[0];
  if (!id) throw new Error(`${name} is not in the build`);
  return id;
};
const PREVIEW = actionId("previewRosterAction");
const APPLY = actionId("applyRosterAction");

function actionBody(fields: Record<string, string | { file: Buffer; name: string }>): { body: Buffer; type: string } {
  const boundary = `----e2x-load-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const part = (name: string, value: Buffer | string, filename?: string) => {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: text/csv` : ""}\r\n\r\n`;
    parts.push(Buffer.from(head), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from("\r\n"));
  };
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string") part(`_1_${k}`, v);
    else part(`_1_${k}`, v.file, v.name);
  }
  part("0", JSON.stringify([{ status: "idle" }, "$K1"]));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** The action's answer (its ActionState) out of a flight response. */
function actionState(flight: string): { status: string; message: string; data?: Record<string, unknown> } {
  const rows = new Map<string, unknown>();
  for (const line of flight.split("\n")) {
    const m = /^([0-9a-f]+):([[{].*)$/.exec(line);
    if (m) rows.set(m[1], JSON.parse(m[2]));
  }
  const resolve = (v: unknown): unknown => {
    if (typeof v === "string") {
      const ref = /^\$@?([0-9a-f]+)$/.exec(v);
      return ref && rows.has(ref[1]) ? resolve(rows.get(ref[1])) : v;
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  for (const v of rows.values()) {
    const r = resolve(v) as Record<string, unknown>;
    const found = [r, r.a].find((x): x is { status: string; message: string } => !!x && typeof x === "object" && "status" in x && "message" in x);
    if (found) return found;
  }
  throw new Error(`no action state in the answer: ${flight.slice(0, 300)}`);
}

async function callAction(id: string, page: string, cookie: string, fields: Parameters<typeof actionBody>[0]) {
  const { body, type } = actionBody(fields);
  const res = await fetch(base + page, { method: "POST", headers: { cookie, "Next-Action": id, Origin: base, Accept: "text/x-component", "Content-Type": type }, body: new Uint8Array(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status}: ${text.slice(0, 300)}`);
  return actionState(text);
}

const importCsv = (n: number) =>
  Buffer.from("Username;Vorname;Nachname;Matrikel\n" + Array.from({ length: ROWS }, (_, i) => `i${n}x${String(i).padStart(5, "0")};Ida;${LAST[i % LAST.length]};${8_000_000 + n * ROWS + i}`).join("\n") + "\n");

/** One import as the page does it: preview, apply what the preview showed, reload the page. */
async function importRoster(n: number, cookie: string) {
  const t = importTerms[n];
  const page = `/courses/${course.id}/terms/${t.id}/roster`;
  const file = { file: importCsv(n), name: `massen-${t.term}.csv` };
  const start = performance.now();
  const p = await callAction(PREVIEW, page, cookie, { termId: String(t.id), mode: "merge", file });
  if (p.status !== "ok" || p.data?.kind !== "preview") throw new Error(`preview: ${p.message}`);
  const previewMs = performance.now() - start;
  console.error(`import ${n}: previewed in ${Math.round(previewMs)} ms`);
  const d = p.data as { fileHash: string; version: string; mapping: unknown; counts: { added: number } };
  if (d.counts.added !== ROWS) throw new Error(`preview shows ${d.counts.added} to add`);
  const a = await callAction(APPLY, page, cookie, { termId: String(t.id), mode: "merge", file, fileHash: d.fileHash, version: d.version, mapping: JSON.stringify(d.mapping), partial: "0" });
  if (a.status !== "ok") throw new Error(`apply: ${a.message}`);
  console.error(`import ${n}: applied after ${Math.round(performance.now() - start)} ms`);
  const reload = await fetch(base + page, { headers: { cookie, RSC: "1" } });
  // the count in the page's language: "10.000 Studierende" (German first) or "10,000 students"
  const text = await reload.text();
  const shown = text.includes(`${ROWS.toLocaleString("de")} Studierende`) || text.includes(`${ROWS.toLocaleString("en")} students`);
  if (!reload.ok || !shown) throw new Error(`the reloaded roster does not show ${ROWS} students (${reload.status})`);
  return { ms: performance.now() - start, previewMs, message: a.message };
}

async function importPhase() {
  // the roster page under load the whole time, from the other sessions
  const during = load("roster first page, during the imports", `/courses/${course.id}/terms/${term.id}/roster`, 200, { until: true, cookies: cookies.slice(IMPORTS) });
  const started = performance.now();
  const outcomes = await Promise.allSettled(importTerms.map((_, n) => importRoster(n, cookies[n])));
  const wallMs = performance.now() - started;
  const page = await during.stop();
  const ok = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
  const errors = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason instanceof Error ? o.reason.message : o.reason)] : []));
  const check = openDb(path.join(dataDir, "portal.db"));
  const rows = importTerms.map((t) => check.select({ n: count() }).from(students).where(eq(students.termId, t.id)).get()!.n);
  const audits = check.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "roster.import")).get()!.n;
  check.$client.close();
  const ms = ok.map((o) => o.ms);
  return {
    imports: IMPORTS,
    rowsEach: ROWS,
    errors,
    wallMs: Math.round(wallMs),
    p50: Math.round(pct(ms, 0.5)),
    p95: Math.round(pct(ms, 0.95)),
    max: Math.round(Math.max(...ms)),
    previewP50: Math.round(pct(ok.map((o) => o.previewMs), 0.5)),
    rowsInDb: rows,
    allRows: rows.every((n) => n === ROWS),
    // one audit entry for the seeding import, one per import here
    auditEntries: audits - 1,
    page,
  };
}

const roster = `/courses/${course.id}/terms/${term.id}/roster?q=${encodeURIComponent("müller")}`;
// the static page twice, right before the roster search and last: the machine's load drifts,
// so the ratio is taken against the static page measured next to it
const STATIC = ["static page (prerendered not-found)", "/bench-no-such-page", 404] as const;
const results = [
  await load("dashboard", "/"),
  await load(...STATIC),
  await load("roster, 10,000 students, search 'müller'", roster),
  await load("roster, 10,000 students, first page", `/courses/${course.id}/terms/${term.id}/roster`),
  await load("cluster page", "/cluster"),
  await load("grading table", `/courses/${mathe.id}/terms/${matheTerm.id}/grading`),
  await load(...STATIC),
];

const rosterRate = results[2].perSecond;
const staticBefore = results[1].perSecond;
const staticRate = (results[1].perSecond + results[6].perSecond) / 2;
console.log(`\nload: ${CONNECTIONS} connections (one signed-in session each), ${SECONDS} s per page, ${os.cpus().length} cores, loopback; load average ${loadAtStart} at the start, ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} at the end\n`);
// req/s against the static page of the same run: comparable across runs on a machine whose load varies
console.log("page".padEnd(44) + "req/s".padStart(7) + "/static".padStart(9) + "errors".padStart(8) + "p50 ms".padStart(9) + "p95 ms".padStart(9) + "p99 ms".padStart(9));
const ms = (x: number) => String(Math.round(x)).padStart(9);
for (const r of results) console.log(r.name.padEnd(44) + String(r.perSecond).padStart(7) + (r.perSecond / staticRate).toFixed(2).padStart(9) + String(r.errors).padStart(8) + ms(r.p50) + ms(r.p95) + ms(r.p99));
console.log(`\n"/static" is against the mean of both static runs (${staticRate} req/s)`);
console.log(`roster (search) / static page measured right before it: ${(rosterRate / staticBefore).toFixed(2)} (goal >= 0.5)`);
const imports = await importPhase();
stop();
const ip = imports.page;
console.log(
  `\nimports: ${imports.imports} at once, ${ROWS.toLocaleString("en")} rows each, into terms of their own (preview, apply, page reload), while ${CONNECTIONS - IMPORTS} sessions load the roster page\n` +
    `  duration per import p50 ${imports.p50} ms, p95 ${imports.p95} ms, max ${imports.max} ms (preview p50 ${imports.previewP50} ms); all four done in ${imports.wallMs} ms\n` +
    `  errors ${imports.errors.length}${imports.errors.length ? `: ${imports.errors.join(" | ")}` : ""}; rows in the database ${imports.rowsInDb.join(", ")} (${imports.allRows ? "every row arrived" : "ROWS MISSING"}); ${imports.auditEntries} import audit entries\n` +
    `  roster page meanwhile: ${ip.perSecond} req/s, ${ip.errors} errors (${ip.errorKinds.timeouts} without an answer within 10 s), p50 ${Math.round(ip.p50)} ms, p95 ${Math.round(ip.p95)} ms, p99 ${Math.round(ip.p99)} ms`,
);
fs.mkdirSync(path.join(REPO, "bench/.out"), { recursive: true });
const out = path.join(REPO, `bench/.out/load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(out, JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, cores: os.cpus().length, load: os.loadavg(), results, ratio: rosterRate / staticBefore, imports }, null, 2));
console.log(`results: ${path.relative(REPO, out)}`);
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
