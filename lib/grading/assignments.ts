/**
 * Assignments of a course term: one row per nbgrader assignment id found in the term's exchange
 * (released or submitted), with a deadline set in the portal. Exams will use the same rows.
 */
import { t as tr } from "@/lib/i18n/t";
import { and, asc, eq, sql } from "drizzle-orm";
import type { ActionContext } from "@/lib/auth/guard-types";
import { ActionError } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { assignments, submissions, terms } from "@/lib/db/schema";
import { recomputeStatuses } from "./statuses";
import { portalTimeZone, utcToZonedInput } from "./time";

export type AssignmentRow = typeof assignments.$inferSelect;

/** Creates missing rows for these assignment ids; returns name -> id for all of the term. */
export function ensureAssignments(db: DbOrTx, termId: number, names: Iterable<string>): Map<string, number> {
  const want = [...new Set(names)].filter(Boolean);
  if (want.length > 0) {
    db.insert(assignments)
      .values(want.map((name) => ({ termId, name })))
      .onConflictDoNothing()
      .run();
  }
  return new Map(db.select({ id: assignments.id, name: assignments.name }).from(assignments).where(eq(assignments.termId, termId)).all().map((a) => [a.name, a.id]));
}

export function getAssignment(db: DbOrTx, termId: number, assignmentId: number): AssignmentRow | null {
  return db.select().from(assignments).where(and(eq(assignments.id, assignmentId), eq(assignments.termId, termId))).get() ?? null;
}

export function getAssignmentByName(db: DbOrTx, termId: number, name: string): AssignmentRow | null {
  return db.select().from(assignments).where(and(eq(assignments.termId, termId), eq(assignments.name, name))).get() ?? null;
}

export interface AssignmentSummary {
  id: number;
  name: string;
  title: string | null;
  deadline: Date | null;
  /** Submission folders present in the exchange (every attempt). */
  submissions: number;
  students: number;
  /** Among the submissions that count (one per student). */
  verified: number;
  mismatch: number;
  missingHashcode: number;
  /** Counting submissions whose info file names someone else, plus misfiled folders. */
  identity: number;
  late: number;
  changed: number;
  several: number;
  problems: number;
}

const hasFlag = (kind: string) => sql`exists (select 1 from json_each(${submissions.flagKinds}) where value = ${kind})`;

export function listAssignments(db: DbOrTx, termId: number): AssignmentSummary[] {
  const rows = db.select().from(assignments).where(eq(assignments.termId, termId)).orderBy(asc(assignments.name)).all();
  const counting = sql`(${submissions.counts} = 1)`;
  const stats = db
    .select({
      assignmentId: submissions.assignmentId,
      submissions: sql<number>`count(*)`,
      students: sql<number>`count(distinct ${submissions.student})`,
      verified: sql<number>`coalesce(sum(${counting} and ${submissions.status} = 'verified'), 0)`,
      mismatch: sql<number>`coalesce(sum(${counting} and ${submissions.status} = 'mismatch'), 0)`,
      missingHashcode: sql<number>`coalesce(sum(${counting} and ${submissions.status} = 'missing-hashcode'), 0)`,
      identity: sql<number>`coalesce(sum((${counting} and ${submissions.status} = 'wrong-student') or ${submissions.status} = 'misfiled'), 0)`,
      late: sql<number>`coalesce(sum(${counting} and ${hasFlag("late")}), 0)`,
      changed: sql<number>`coalesce(sum(${hasFlag("changed-since-first-scan")}), 0)`,
      several: sql<number>`coalesce(sum(${counting} and ${hasFlag("several-submissions")}), 0)`,
      problems: sql<number>`coalesce(sum(${hasFlag("scan-problems")}), 0)`,
    })
    .from(submissions)
    .where(and(eq(submissions.termId, termId), sql`${submissions.goneAt} is null`))
    .groupBy(submissions.assignmentId)
    .all();
  const by = new Map(stats.map((s) => [s.assignmentId, s]));
  return rows.map((a) => {
    const s = by.get(a.id);
    return {
      id: a.id,
      name: a.name,
      title: a.title,
      deadline: a.deadline,
      submissions: s?.submissions ?? 0,
      students: s?.students ?? 0,
      verified: s?.verified ?? 0,
      mismatch: s?.mismatch ?? 0,
      missingHashcode: s?.missingHashcode ?? 0,
      identity: s?.identity ?? 0,
      late: s?.late ?? 0,
      changed: s?.changed ?? 0,
      several: s?.several ?? 0,
      problems: s?.problems ?? 0,
    };
  });
}

/** Sets (or clears) an assignment's deadline and re-evaluates late / which submission counts. */
export function setDeadline(termId: number, assignmentId: number, deadline: Date | null, { tx, audit }: ActionContext) {
  const a = getAssignment(tx, termId, assignmentId);
  if (!a) throw new ActionError(tr("scanErrors.noAssignment"), { assignmentId: [tr("scanErrors.unknownAssignment")] });
  const courseId = tx.select({ courseId: terms.courseId }).from(terms).where(eq(terms.id, termId)).get()!.courseId;
  const before = a.deadline?.toISOString() ?? null;
  const after = deadline?.toISOString() ?? null;
  if (before === after) return { assignment: a, changed: 0 };
  tx.update(assignments).set({ deadline }).where(eq(assignments.id, a.id)).run();
  const changed = recomputeStatuses(tx, termId, [a.name]);
  audit({
    action: "grading.deadline.set",
    entityType: "assignment",
    entityId: a.id,
    courseId,
    // the deadline as wall-clock time in the portal's time zone (each reader's page writes it its own way)
    message: deadline ? { key: "deadlineSet", params: { assignment: a.name, deadline: utcToZonedInput(deadline, portalTimeZone()) } } : { key: "deadlineRemove", params: { assignment: a.name } },
    before: { deadline: before },
    after: { deadline: after, submissionsReevaluated: changed },
  });
  return { assignment: { ...a, deadline }, changed };
}
