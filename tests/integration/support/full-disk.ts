// Runs inside a mount namespace of its own where DATA_DIR and EXPORT_DIR are small tmpfs
// file systems (tests/integration/faults-disk.test.ts). Fills each disk and tries what the
// portal does there: a roster import into the database, a push to the export target. Prints
// what it saw as one JSON line for the test to judge.
//   node --import tsx full-disk.ts DATA_DIR EXPORT_DIR
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { writeAudit } from "@/lib/audit/audit";
import { loadPrincipal } from "@/lib/auth/principal";
import { dbErrorKey, sqliteCode } from "@/lib/db/errors";
import { openDb } from "@/lib/db/open";
import { students, terms, users } from "@/lib/db/schema";
import { seedIfEmpty } from "@/lib/db/seed";
import { getPush } from "@/lib/deployment/history";
import { t } from "@/lib/i18n/t";
import { previewPush, runPush } from "@/lib/deployment/push";
import { applyImport, previewImport } from "@/lib/rosters/roster";

const [dataDir, exportDir] = process.argv.slice(2);
const out: Record<string, unknown> = {};

/** Writes a filler file until the disk refuses another byte; returns its path. */
function fill(dir: string): string {
  const file = path.join(dir, "filler");
  const fd = fs.openSync(file, "w");
  for (const size of [1 << 20, 1 << 16, 4096, 1]) {
    const buf = Buffer.alloc(size, 0x61);
    for (;;) {
      try {
        fs.writeSync(fd, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
        break;
      }
    }
  }
  fs.closeSync(fd);
  return file;
}

const integrity = (file: string) => {
  const c = new Database(file, { readonly: true });
  try {
    return { check: (c.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; "), students: (c.prepare("SELECT count(*) AS n FROM students").get() as { n: number }).n };
  } finally {
    c.close();
  }
};

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!f.isFile() || f.name === "filler") continue;
    const p = path.join(f.parentPath, f.name);
    files[path.relative(dir, p)] = createHash("sha256").update(fs.readFileSync(p)).digest("hex");
  }
  return files;
}

const file = path.join(dataDir, "portal.db");
const db = openDb(file);
await seedIfEmpty(db, { password: "disk-Passw0rd!" });
const admin = db.select().from(users).where(eq(users.role, "admin")).get()!;
const principal = loadPrincipal(db, admin.id)!;
const termId = db.select({ id: terms.id }).from(terms).orderBy(terms.id).get()!.id;
const csv = Buffer.from("Username;Vorname;Nachname\n" + Array.from({ length: 3000 }, (_, i) => `voll${String(i).padStart(4, "0")}s;Vera;Voll${i}`).join("\n") + "\n");
const importRoster = () => {
  const p = previewImport(db, termId, csv, "merge");
  if (p.kind !== "preview") throw new Error("no preview");
  return db.transaction((tx) => applyImport(termId, csv, "merge", { fileHash: p.fileHash, version: p.version }, { tx, principal, audit: (e) => writeAudit(tx, principal, e) }));
};

// ---- the data directory full -----------------------------------------------------------------
// Everything committed so far is in the database file itself (an empty WAL): the import needs
// new space on the disk.
db.$client.pragma("wal_checkpoint(TRUNCATE)");
out.dataBefore = integrity(file);
let filler = fill(dataDir);
try {
  importRoster();
  out.importOnFullDisk = { ok: true };
} catch (e) {
  // the answer the guard gives (lib/auth/guard.ts), here in the portal's default language
  const k = dbErrorKey(e);
  out.importOnFullDisk = { ok: false, code: sqliteCode(e), key: k?.key ?? null, message: k ? t(k.key, k.values) : null };
}
out.dataWhileFull = integrity(file);
fs.rmSync(filler);
const retried = importRoster();
out.importRetried = { added: retried.added ?? null };
out.dataAfter = integrity(file);

// ---- the export target full ------------------------------------------------------------------
const actor = { id: admin.id, username: admin.username };
const req = { forceConflicts: false, prune: true };
const target = { kind: "export" as const, dir: exportDir };
const first = await runPush(db, actor, req, { target, shardBudgetBytes: 8192 });
out.firstPush = getPush(db, first.pushId!)!.push.status;
const previous = snapshot(exportDir);
out.exportFiles = Object.keys(previous).length;
// more students: the next push rewrites profile shards and adds some
db.insert(students)
  .values(Array.from({ length: 1500 }, (_, i) => ({ termId, username: `neu${String(i).padStart(4, "0")}s` })))
  .run();
const plan = await previewPush(db, { target, shardBudgetBytes: 8192 });
out.planned = plan.ok ? plan.plan.summary : plan.error;
filler = fill(exportDir);
const full = await runPush(db, actor, req, { target, shardBudgetBytes: 8192 });
const h = getPush(db, full.pushId!)!;
out.pushOnFullDisk = { status: h.push.status, error: h.push.error, applied: h.push.appliedCount };
out.exportUnchanged = JSON.stringify(snapshot(exportDir)) === JSON.stringify(previous);
out.leftovers = fs.readdirSync(exportDir, { recursive: true }).filter((f) => String(f).endsWith(".new"));
fs.rmSync(filler);
const retry = await runPush(db, actor, { ...req, retryOf: full.pushId }, { target, shardBudgetBytes: 8192 });
out.pushRetried = getPush(db, retry.pushId!)!.push.status;
const after = await previewPush(db, { target, shardBudgetBytes: 8192 });
out.afterRetry = after.ok ? after.plan.summary : after.error;
db.$client.close();
console.log(JSON.stringify(out));
