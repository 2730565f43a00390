// The portal's process killed (SIGKILL) in the middle of its work: a roster import, a scan of
// the submissions, a push. On restart nothing is half-written: the import is there completely
// or not at all, an interrupted scan is offered for resume and a resume finishes it, an
// interrupted push is shown as interrupted with what it had applied.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { openDb } from "@/lib/db/open";
import { students, submissions } from "@/lib/db/schema";
import { seedIfEmpty } from "@/lib/db/seed";
import { DEMO_ASSIGNMENT, writeDemoSubmission } from "@/lib/grading/demo";
import { latestScan, resumeScan, scheduleScan } from "@/lib/grading/scans";
import { inAction, principalOf } from "@/lib/test/factories";
import { auditLog, pushes, users } from "@/lib/db/schema";
import { startKubeApiServer } from "@/e2e/services/kube";
import { connectCluster, objectPath } from "@/lib/cluster";
import { getPush, interruptedMessage, listPushes } from "@/lib/deployment/history";
import { previewPush, runPush } from "@/lib/deployment/push";
import { createHubNamespaces, termIdOf } from "./support/hub-cluster";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-kill-"));
const dbFile = path.join(dir, "data", "portal.db");
let termId = 0;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Starts the work in its own process; kills it `afterMs` after it says it started (or when `when` holds). */
function runAndKill(args: string[], kill: { afterMs?: number; when?: () => boolean }): Promise<{ killed: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/integration/support/killable.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let killed = false;
    const doKill = () => {
      if (child.exitCode === null && !killed) {
        killed = true;
        child.kill("SIGKILL");
      }
    };
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("started") && kill.afterMs !== undefined) setTimeout(doKill, kill.afterMs);
    });
    child.stderr.on("data", (d) => (err += d));
    const poll = kill.when
      ? setInterval(() => {
          if (out.includes("started") && kill.when!()) doKill();
        }, 20)
      : null;
    child.on("exit", () => {
      if (poll) clearInterval(poll);
      resolve({ killed, out, err });
    });
  });
}

const count = (sql: string, ...params: unknown[]) => {
  const c = new Database(dbFile, { readonly: true });
  try {
    return (c.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    c.close();
  }
};
const integrity = () => {
  const c = new Database(dbFile, { readonly: true });
  try {
    return (c.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
  } finally {
    c.close();
  }
};

beforeAll(async () => {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const db = openDb(dbFile);
  await seedIfEmpty(db, { password: "kill-Passw0rd!" });
  termId = termIdOf(db, "mathe1", "WS25");
  db.$client.close();
}, 120_000);

describe("the portal killed mid-work", () => {
  it("a roster import killed at several points: always all of it or nothing, never a part", { timeout: 300_000 }, async () => {
    const rows = 10_000;
    const outcomes: string[] = [];
    for (const [i, afterMs] of [0, 100, 500, 2000, 8000].entries()) {
      const csv = path.join(dir, `import-${i}.csv`);
      fs.writeFileSync(csv, "Username;Vorname;Nachname\n" + Array.from({ length: rows }, (_, j) => `k${i}n${String(j).padStart(5, "0")}s;Kai;Kill${j}`).join("\n") + "\n");
      const before = count("SELECT count(*) AS n FROM students WHERE term_id = ?", termId);
      const audits = count("SELECT count(*) AS n FROM audit_log WHERE action = 'roster.import'");
      const r = await runAndKill(["import", dbFile, String(termId), csv], { afterMs });
      // the next start: migrations, data upgrades, and the portal's own reads
      openDb(dbFile).$client.close();
      expect(integrity()).toBe("ok");
      const after = count("SELECT count(*) AS n FROM students WHERE term_id = ?", termId);
      const ours = count(`SELECT count(*) AS n FROM students WHERE term_id = ? AND username GLOB 'k${i}n*'`, termId);
      const committed = r.out.includes("done");
      expect([after - before, ours]).toEqual(committed ? [rows, rows] : [0, 0]);
      expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'roster.import'") - audits).toBe(committed ? 1 : 0);
      outcomes.push(`${afterMs} ms: ${r.killed && !committed ? "killed, nothing written" : "finished first, all written"}`);
    }
    console.log(outcomes.join("\n"));
    // the early kills land inside the transaction
    expect(outcomes[0]).toContain("killed, nothing written");
  });

  it("a scan killed after some checkpoints is offered for resume, and the resume finishes it with every submission once", { timeout: 300_000 }, async () => {
    const root = path.join(dir, "exchange");
    const courseDir = path.join(root, "mathe1-WS25");
    const db: Db = openDb(dbFile);
    const names = Array.from({ length: 300 }, (_, i) => `scan${String(i).padStart(3, "0")}s`);
    db.insert(students).values(names.map((username) => ({ termId, username }))).run();
    const base = Date.UTC(2025, 9, 20, 8, 0, 0);
    names.forEach((user, i) => writeDemoSubmission(courseDir, DEMO_ASSIGNMENT, { user, at: new Date(base + i * 60_000), answer: `x = ${i}\n` }, 1000 + i));
    db.$client.close();

    const r = await runAndKill(["scan", dbFile, String(termId), root], { when: () => count("SELECT max(submissions_done) AS n FROM submission_scans") >= 30 });
    expect(r.killed).toBe(true);
    expect(integrity()).toBe("ok");

    const again = openDb(dbFile);
    try {
      const seen = latestScan(again, termId)!;
      expect(seen.status).toBe("paused");
      expect(seen.error).toBe("The server stopped during this scan. Resume it to continue from the last checkpoint.");
      const doneBefore = seen.submissionsDone;
      expect(doneBefore).toBeGreaterThanOrEqual(30);
      expect(doneBefore).toBeLessThan(names.length);
      const stored = again.select().from(submissions).where(eq(submissions.termId, termId)).all().length;
      expect(stored).toBeGreaterThanOrEqual(doneBefore);

      const admin = again.select().from(users).where(eq(users.role, "admin")).get()!;
      const resumed = inAction(again, principalOf(again, admin.id), (ctx) => resumeScan({ termId, scanId: seen.id }, ctx));
      await scheduleScan(again, resumed.id);
      const finished = latestScan(again, termId)!;
      expect(finished.status).toBe("completed");
      const rows = again.select().from(submissions).where(eq(submissions.termId, termId)).all().filter((s) => s.student !== null && names.includes(s.student));
      expect(rows.length).toBe(names.length);
      expect(new Set(rows.map((s) => s.student)).size).toBe(names.length);
    } finally {
      again.$client.close();
    }
  });

  it("a push killed mid-way is shown as interrupted with what it wrote; the next push stores it so and converges", { timeout: 300_000 }, async () => {
    const kube = await startKubeApiServer();
    const conn = connectCluster({ kubeconfigPath: kube.kubeconfigPath });
    try {
      await createHubNamespaces(conn);
      const db = openDb(dbFile);
      db.insert(students)
        .values(Array.from({ length: 2000 }, (_, i) => ({ termId, username: `push${String(i).padStart(4, "0")}s` })))
        .run();
      db.$client.close();

      const r = await runAndKill(["push", dbFile, kube.kubeconfigPath], { afterMs: 0 });
      expect(r.err).toBe("");
      expect(r.killed).toBe(true);
      expect(r.out).not.toContain("done");

      const again = openDb(dbFile);
      try {
        const { rows } = listPushes(again);
        const cut = rows[0];
        // seen from the restarted portal: interrupted, with the objects it had written
        expect(cut.status).toBe("failed");
        const h = getPush(again, cut.id)!;
        const written = h.objects.filter((o) => o.applied);
        expect(h.push.error).toBe(interruptedMessage(written.length));
        expect(h.push.appliedCount).toBe(written.length);
        expect(written.length).toBeGreaterThan(0);
        for (const o of written) {
          const got = await conn.request<{ metadata: { name: string } }>("GET", objectPath(await conn.resource(o.apiVersion, o.kind), o.namespace ?? undefined, o.name));
          expect(got.body.metadata.name).toBe(o.name);
        }
        // the next push stores the interruption (with an audit entry) and converges
        const admin = again.select().from(users).where(eq(users.role, "admin")).get()!;
        const next = await runPush(again, { id: admin.id, username: admin.username }, { forceConflicts: false, prune: true, retryOf: cut.id }, { target: { kind: "cluster", connection: conn }, shardBudgetBytes: 4096 });
        expect(getPush(again, next.pushId!)!.push.status).toBe("ok");
        const stored = again.select().from(pushes).where(eq(pushes.id, cut.id)).get()!;
        expect(stored).toMatchObject({ status: "failed", error: interruptedMessage(written.length) });
        expect(again.select().from(auditLog).where(and(eq(auditLog.entityType, "push"), eq(auditLog.entityId, String(cut.id)))).all().map((a) => a.summary)).toEqual([`Push #${cut.id} was interrupted: ${written.length} written`]);
        const after = await previewPush(again, { target: { kind: "cluster", connection: conn }, shardBudgetBytes: 4096 });
        if (!after.ok) throw new Error(after.error);
        expect(after.plan.summary).toMatchObject({ create: 0, change: 0, prune: 0, conflict: 0, error: 0 });
      } finally {
        again.$client.close();
      }
    } finally {
      conn.close();
      await kube.stop();
    }
  });
});
