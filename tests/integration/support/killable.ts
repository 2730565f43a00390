// Portal work in a process of its own, to be killed (SIGKILL) in the middle by
// tests/integration/faults-kill.test.ts. Prints "started" when the work begins.
//   node --conditions=react-server --import tsx killable.ts import DB_FILE TERM_ID CSV_FILE
//   node --conditions=react-server --import tsx killable.ts scan   DB_FILE TERM_ID EXCHANGE_ROOT
//   node --conditions=react-server --import tsx killable.ts push   DB_FILE EXPORT_DIR|KUBECONFIG
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { writeAudit } from "@/lib/audit/audit";
import { loadPrincipal } from "@/lib/auth/principal";
import { connectCluster } from "@/lib/cluster";
import { openDb } from "@/lib/db/open";
import { users } from "@/lib/db/schema";
import { getPush } from "@/lib/deployment/history";
import { runPush } from "@/lib/deployment/push";
import { scheduleScan, startScan } from "@/lib/grading/scans";
import { applyImport, previewImport } from "@/lib/rosters/roster";

const [mode, file, ...rest] = process.argv.slice(2);
const db = openDb(file);
const admin = db.select().from(users).where(eq(users.role, "admin")).get()!;
const principal = loadPrincipal(db, admin.id)!;
const ctx = (tx: Parameters<Parameters<typeof db.transaction>[0]>[0]) => ({ tx, principal, audit: (e: Parameters<typeof writeAudit>[2]) => writeAudit(tx, principal, e) });

if (mode === "import") {
  const termId = Number(rest[0]);
  const csv = fs.readFileSync(rest[1]);
  const p = previewImport(db, termId, csv, "merge");
  if (p.kind !== "preview") throw new Error("no preview");
  console.log("started");
  const r = db.transaction((tx) => applyImport(termId, csv, "merge", { fileHash: p.fileHash, version: p.version }, ctx(tx)));
  console.log(`done ${r.added}`);
} else if (mode === "scan") {
  const termId = Number(rest[0]);
  const row = db.transaction((tx) => startScan({ termId, root: rest[1] }, ctx(tx)));
  console.log("started");
  await scheduleScan(db, row.id, { concurrency: 1, batchSize: 5, flushIntervalMs: 50 });
  console.log("done");
} else if (mode === "push") {
  const target = rest[0].endsWith(".kubeconfig") || rest[0].includes("kubeconfig")
    ? { kind: "cluster" as const, connection: connectCluster({ kubeconfigPath: rest[0] }) }
    : { kind: "export" as const, dir: rest[0] };
  let announced = false;
  const r = await runPush(db, { id: admin.id, username: admin.username }, { forceConflicts: false, prune: true }, {
    target,
    shardBudgetBytes: 4096,
    onProgress: (line) => {
      if (line.type === "object" && !announced) {
        announced = true;
        console.log("started");
      }
    },
  });
  console.log(`done ${getPush(db, r.pushId!)!.push.status}`);
}
db.$client.close();
