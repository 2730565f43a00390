/**
 * Statuses and flags of stored submissions, recomputed from their rows (after a scan, after a
 * deadline change). verify.ts decides; this file only reads rows and writes the verdicts back.
 */
import { and, eq, inArray, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { assignments, submissionFiles, submissions } from "@/lib/db/schema";
import { fromRows, type SubmissionFileRow } from "@/lib/submissions/persist";
import { verifyAll, type Deadline } from "@/lib/submissions/verify";

export function deadlinesOf(db: DbOrTx, termId: number): Record<string, Deadline> {
  const out: Record<string, Deadline> = {};
  for (const a of db.select({ name: assignments.name, deadline: assignments.deadline }).from(assignments).where(eq(assignments.termId, termId)).all()) {
    out[a.name] = a.deadline;
  }
  return out;
}

/**
 * Re-verifies the present submissions of a term (or of some assignments only) and stores
 * status, flags and which submission counts. Returns how many rows changed.
 */
export function recomputeStatuses(db: DbOrTx, termId: number, onlyAssignments?: string[]): number {
  const where: SQL[] = [eq(submissions.termId, termId), isNull(submissions.goneAt)];
  if (onlyAssignments) {
    if (onlyAssignments.length === 0) return 0;
    where.push(inArray(submissions.assignmentName, onlyAssignments));
  }
  const cond = and(...where);
  const rows = db.select().from(submissions).where(cond).all();
  if (rows.length === 0) return 0;
  const files = db
    .select({ f: submissionFiles })
    .from(submissionFiles)
    .innerJoin(submissions, eq(submissions.id, submissionFiles.submissionId))
    .where(cond)
    .all()
    .map((r) => r.f);
  const filesBy = new Map<number, SubmissionFileRow[]>();
  for (const f of files) {
    const list = filesBy.get(f.submissionId);
    if (list) list.push(f);
    else filesBy.set(f.submissionId, [f]);
  }
  const { submissions: verdicts } = verifyAll(
    rows.map((r) => fromRows(r, filesBy.get(r.id) ?? [])),
    { deadlines: deadlinesOf(db, termId) },
  );
  const byKey = new Map(verdicts.map((v) => [v.key, v]));
  let changed = 0;
  for (const r of rows) {
    const v = byKey.get(r.key)!;
    const flagKinds = [...new Set(v.flags.map((f) => f.kind))];
    if (r.status === v.status && r.counts === v.counts && JSON.stringify(r.flags) === JSON.stringify(v.flags)) continue;
    db.update(submissions).set({ status: v.status, flags: v.flags, flagKinds, counts: v.counts }).where(eq(submissions.id, r.id)).run();
    changed++;
  }
  // Submissions gone from the exchange never count.
  db.update(submissions).set({ counts: false }).where(and(eq(submissions.termId, termId), isNotNull(submissions.goneAt), eq(submissions.counts, true))).run();
  return changed;
}
