/**
 * Roster bench, one run:
 *
 *   parse     lib/rosters/csv.ts parseRosterCsv (decode, csv-parse, map by meaning, normalize,
 *             duplicates) vs pandas.read_csv + str.strip (how e2xhub and the E2x exam tools read
 *             a roster) and Python's csv module, all on the same bytes
 *   import    the portal's preview + apply of the file into a fresh term (one transaction, the
 *             way the roster page does it), in a temporary SQLite file
 *   search    the roster page's folded search (students.search_key) vs a plain LIKE over the raw
 *             columns, for German spellings, matriculation numbers and usernames; median and p95
 *
 * Environment: BENCH_ROWS (default 10000), BENCH_REPEAT (default 5; the fastest parse counts).
 * Results also go to bench/.out/rosters-<time>.json.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, like, or, sql } from "drizzle-orm";
import { defaultMounts } from "../../lib/courses/schemas";
import { openDb } from "../../lib/db/client";
import { courses, students, terms, users } from "../../lib/db/schema";
import { parseRosterCsv } from "../../lib/rosters/csv";
import { applyImport, listStudents, previewImport } from "../../lib/rosters/roster";
import { writeAudit } from "../../lib/audit/audit";
import { loadPrincipal } from "../../lib/auth/principal";

const REPO = path.resolve(import.meta.dirname, "../..");
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 5));
const LAST = ["Müller", "Straße", "Weiß", "Öztürk", "Meier", "Groß", "Schäfer", "Fischer", "Jäger", "Böhm"];
const FIRST = ["Jürgen", "Anna-Lena", "Zoë", "Ümit", "Max", "Käthe", "Sören", "Lea"];

function generate(): Buffer {
  const lines = ["Name;FB02UID;Matrikel;Raum;Platz;Date"];
  for (let i = 0; i < ROWS; i++) {
    lines.push(`"${LAST[i % LAST.length]}, ${FIRST[i % FIRST.length]}";s${String(i).padStart(6, "0")}x ;${String(100_000 + i).padStart(7, "0")};C-${100 + (i % 20)};${i % 150};24.07.2026`);
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8")]);
}

const best = (xs: number[]) => Math.min(...xs);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-bench-rosters-"));
try {
  const bytes = generate();
  const file = path.join(tmp, "exam-list.csv");
  fs.writeFileSync(file, bytes);
  console.log(`roster bench: ${ROWS.toLocaleString("en")} rows, ${(bytes.length / 1024).toFixed(0)} KiB, German Excel (UTF-8 BOM, ';', CRLF)`);

  // parse: portal
  const portal: number[] = [];
  let parsedRows = 0;
  for (let k = 0; k < REPEAT; k++) {
    const [r, ms] = timed(() => parseRosterCsv(bytes));
    parsedRows = r.rows.length;
    portal.push(ms);
  }
  // parse: pandas and csv, the same file, best of REPEAT inside Python
  const py = `
import csv, io, json, sys, time
import pandas as pd
path, repeat = sys.argv[1], int(sys.argv[2])
def t(fn):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter(); n = fn(); dt = (time.perf_counter() - t0) * 1000
        best = dt if best is None else min(best, dt)
    return best, n
def pandas_read():
    df = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    return len(df.FB02UID.str.strip().str.lower().unique())
def csv_read():
    with open(path, newline="", encoding="utf-8-sig") as f:
        return len({row["FB02UID"].strip().lower() for row in csv.DictReader(f, delimiter=";")})
pm, pn = t(pandas_read); cm, cn = t(csv_read)
print(json.dumps({"pandas": {"ms": pm, "users": pn, "version": pd.__version__}, "csv": {"ms": cm, "users": cn}}))
`;
  const r = spawnSync(path.join(REPO, ".venv/bin/python"), ["-c", py, file, String(REPEAT)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python peer failed: ${r.stderr}`);
  const peer = JSON.parse(r.stdout) as { pandas: { ms: number; users: number; version: string }; csv: { ms: number; users: number } };

  // import: preview + apply into a fresh database
  const db = openDb(path.join(tmp, "portal.db"));
  const admin = db.insert(users).values({ username: "bench", displayName: "Bench", role: "admin" }).returning().get();
  const principal = loadPrincipal(db, admin.id)!;
  const c = db.insert(courses).values({ code: "bench", title: "Bench" }).returning().get();
  const termId = db.insert(terms).values({ courseId: c.id, term: "WS26", hubs: ["exam"], image: "x/y:1", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: defaultMounts() }).returning().get().id;
  const [preview, previewMs] = timed(() => previewImport(db, termId, bytes, "merge"));
  if (preview.kind !== "preview") throw new Error("no preview");
  const [applied, applyMs] = timed(() =>
    db.transaction((tx) => applyImport(termId, bytes, "merge", { fileHash: preview.fileHash, version: preview.version }, { tx, principal, audit: (e) => writeAudit(tx, { id: principal.id, username: principal.username }, e) })),
  );

  // search: folded key vs plain LIKE on the raw columns, each query 50 times
  const queries = ["mueller", "Müller", "muller", "strasse", "oeztuerk", "0104711", "104711", "s004711x", "weiss zoe", "jaeger"];
  const search: Record<string, { folded: { median: number; p95: number; hits: number }; plain: { median: number; p95: number; hits: number } }> = {};
  const plain = (q: string) => {
    const p = `%${q}%`;
    return db.select({ id: students.id }).from(students).where(and(eq(students.termId, termId), or(like(students.username, p), like(students.displayName, p), like(students.matrikel, p), like(sql`coalesce(${students.firstName}, '') || ' ' || coalesce(${students.lastName}, '')`, p)))).all().length;
  };
  for (const q of queries) {
    const f: number[] = [];
    const p: number[] = [];
    let fh = 0;
    let ph = 0;
    for (let k = 0; k < 50; k++) {
      const [res, ms] = timed(() => listStudents(db, termId, { q, pageSize: 50 }));
      fh = res.total;
      f.push(ms);
      const [n, ms2] = timed(() => plain(q));
      ph = n;
      p.push(ms2);
    }
    search[q] = { folded: { median: pct(f, 0.5), p95: pct(f, 0.95), hits: fh }, plain: { median: pct(p, 0.5), p95: pct(p, 0.95), hits: ph } };
  }
  db.$client.close();

  const out = {
    rows: ROWS,
    bytes: bytes.length,
    parse: { portalMs: best(portal), rows: parsedRows, pandasMs: peer.pandas.ms, pandasVersion: peer.pandas.version, pythonCsvMs: peer.csv.ms, users: peer.pandas.users },
    import: { previewMs, applyMs, added: applied.added },
    search,
    node: process.version,
    cpus: os.cpus().length,
    load: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  console.log(`parse     portal ${out.parse.portalMs.toFixed(0)} ms (${parsedRows} students) · pandas.read_csv ${peer.pandas.ms.toFixed(0)} ms (${peer.pandas.users}) · python csv ${peer.csv.ms.toFixed(0)} ms`);
  console.log(`import    preview ${previewMs.toFixed(0)} ms + apply ${applyMs.toFixed(0)} ms = ${(previewMs + applyMs).toFixed(0)} ms for ${applied.added} students`);
  console.log("search    query                folded median / p95 (hits)      plain LIKE median / p95 (hits)");
  for (const [q, s] of Object.entries(search)) {
    console.log(`          ${q.padEnd(20)} ${s.folded.median.toFixed(2).padStart(6)} / ${s.folded.p95.toFixed(2).padStart(6)} ms (${String(s.folded.hits).padStart(5)})    ${s.plain.median.toFixed(2).padStart(6)} / ${s.plain.p95.toFixed(2).padStart(6)} ms (${String(s.plain.hits).padStart(5)})`);
  }
  console.log(`machine   ${out.cpus} cores, load ${out.load.join(" ")}`);
  const dir = path.join(REPO, "bench/.out");
  fs.mkdirSync(dir, { recursive: true });
  const name = path.join(dir, `rosters-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(name, JSON.stringify(out, null, 2));
  console.log(`written   ${path.relative(REPO, name)}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
