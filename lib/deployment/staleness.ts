/**
 * Nothing stale without saying so: which changes made in the portal have not reached the hubs
 * yet. The hubs only get what a push sends, so every audited change that feeds the rendered
 * configuration (rosters, terms, courses, staff, exams, cluster settings) and is newer than
 * the start of the last successful push is pending.
 */
import { and, desc, eq, gt, inArray, like, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { whileUnchanged } from "@/lib/db/state";
import { auditLog, exams, pushes, students } from "@/lib/db/schema";

/** Audit actions whose change the next push carries to the hubs (prefixes end with "."). */
export const HUB_ACTIONS = [
  "roster.import",
  "roster.add",
  "roster.remove",
  "roster.normalize-username",
  "term.",
  "course.",
  "staff.",
  "exam.create",
  "exam.update",
  "exam.delete",
  "exam.schedule",
  "exam.open",
  "exam.close",
  "exam.archive",
  "exam.reopen",
  "exam.unschedule",
  "exam.room.",
  "exam.participants.",
  "exam.backups.",
  "exam.extra-time",
  "exam.seat",
  "exam.seat.",
  "exam.supervisor.",
  "exam.password.",
  "exam.sheets.print",
  "cluster.settings",
] as const;

function hubRelevant(): SQL {
  return or(...HUB_ACTIONS.map((a) => (a.endsWith(".") ? like(auditLog.action, `${a}%`) : eq(auditLog.action, a))))!;
}

export interface LastPush {
  id: number;
  startedAt: Date;
  finishedAt: Date;
}

/** The last push that went through, or null before the first one. */
export function lastGoodPush(db: DbOrTx): LastPush | null {
  return db.select({ id: pushes.id, startedAt: pushes.startedAt, finishedAt: pushes.finishedAt }).from(pushes).where(eq(pushes.status, "ok")).orderBy(desc(pushes.startedAt)).limit(1).get() ?? null;
}

export interface Staleness {
  /** Changes not yet on the hubs. */
  pending: number;
  /** The newest of them. */
  changedAt: Date | null;
  /** When the last successful push started (what it carried), or null. */
  pushedAt: Date | null;
}

function summarize(db: DbOrTx, where: SQL | undefined, last: LastPush | null): Staleness {
  const cond = and(hubRelevant(), where, last ? gt(auditLog.at, last.startedAt) : undefined);
  const row = db.select({ n: sql<number>`count(*)`, at: sql<number | null>`max(${auditLog.at})` }).from(auditLog).where(cond).get();
  return { pending: row?.n ?? 0, changedAt: row?.at ? new Date(row.at) : null, pushedAt: last?.startedAt ?? null };
}

/** All pending changes (for admins: the count in the navigation). */
export function pendingChanges(db: DbOrTx): Staleness {
  // every page's navigation shows it: counted again only after the database changed
  return whileUnchanged(db, "pendingChanges", () => summarize(db, undefined, lastGoodPush(db)));
}

/**
 * Pending changes that concern one term: its own settings, staff and roster, its course's
 * settings, and its exams.
 */
export function termStaleness(db: DbOrTx, courseId: number, termId: number): Staleness {
  return whileUnchanged(db, `termStaleness:${courseId}:${termId}`, () => countTermStaleness(db, courseId, termId));
}

function countTermStaleness(db: DbOrTx, courseId: number, termId: number): Staleness {
  const id = String(termId);
  const studentIds = db.select({ id: sql<string>`cast(${students.id} as text)` }).from(students).where(eq(students.termId, termId));
  const examIds = db.select({ id: sql<string>`cast(${exams.id} as text)` }).from(exams).where(eq(exams.termId, termId));
  const concerns = and(
    eq(auditLog.courseId, courseId),
    or(
      and(eq(auditLog.entityType, "term"), eq(auditLog.entityId, id)),
      eq(auditLog.entityType, "course"),
      and(eq(auditLog.entityType, "student"), inArray(auditLog.entityId, studentIds)),
      and(eq(auditLog.entityType, "exam"), inArray(auditLog.entityId, examIds)),
    ),
  );
  return summarize(db, concerns, lastGoodPush(db));
}
