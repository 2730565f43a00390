import { and, count, countDistinct, desc, eq, inArray, notLike } from "drizzle-orm";
import { can, coursesWith, type Principal } from "@/lib/auth/capabilities";
import type { DbOrTx } from "@/lib/db/client";
import { auditLog, students, termStaff, users } from "@/lib/db/schema";
import { listCourses } from "@/lib/courses/courses";
import { localChecks } from "@/lib/exam-day/preflight";
import { getExam } from "@/lib/exams/exams";

export interface Attention {
  tone: "amber" | "red";
  /** The message key under `dashboard.att` and its values. */
  key: "noTerm" | "emptyRoster" | "noInstructor" | "noSupervisor" | "examNotReady";
  values: Record<string, string | number>;
  href: string;
}

/**
 * Exams still to come whose pre-flight check (the portal's own part, without the cluster) finds
 * something to fix: first on the list of what needs doing, linked to the check.
 */
export function examsNotReady(db: DbOrTx, exams: readonly { exam: { id: number; title: string; period: string; status: string; endsAt: Date } }[], now = Date.now()): Attention[] {
  const out: Attention[] = [];
  for (const { exam } of exams) {
    if (exam.status === "closed" || exam.status === "archived" || exam.endsAt.getTime() <= now) continue;
    const detail = getExam(db, exam.id);
    const open = detail ? localChecks(db, detail).filter((c) => c.status === "no-go").length : 0;
    if (open > 0) out.push({ tone: "red", key: "examNotReady", values: { title: exam.title, period: exam.period, count: open }, href: `/exams/${exam.id}/preflight` });
  }
  return out;
}

/** What the signed-in person sees first: their courses, counts and what needs doing. */
export function dashboard(db: DbOrTx, principal: Principal) {
  const courseList = listCourses(db, principal);
  const activeTerms = courseList.flatMap((c) => c.terms.filter((t) => !t.archivedAt).map((t) => ({ ...t, course: c })));
  const studentCount = activeTerms.reduce((n, t) => n + t.students, 0);
  const attention: Attention[] = [];
  for (const c of courseList) {
    if (c.terms.length === 0) attention.push({ tone: "amber", key: "noTerm", values: { code: c.code }, href: `/courses/${c.id}` });
  }
  const staffed = new Map<number, Set<string>>();
  const termIds = activeTerms.map((t) => t.id);
  if (termIds.length) {
    const rows = db.select().from(termStaff).where(inArray(termStaff.termId, termIds)).all();
    for (const r of rows) {
      if (!staffed.has(r.termId)) staffed.set(r.termId, new Set());
      staffed.get(r.termId)!.add(r.role);
    }
  }
  for (const t of activeTerms) {
    const href = `/courses/${t.course.id}/terms/${t.id}`;
    if (t.students === 0) attention.push({ tone: "amber", key: "emptyRoster", values: { code: t.course.code, term: t.term }, href: `${href}/roster` });
    if (!staffed.get(t.id)?.has("instructor")) attention.push({ tone: "amber", key: "noInstructor", values: { code: t.course.code, term: t.term }, href });
    if (t.hubs.includes("exam") && !staffed.get(t.id)?.has("supervisor")) attention.push({ tone: "red", key: "noSupervisor", values: { code: t.course.code, term: t.term }, href });
  }
  const visible = coursesWith(principal, "course.view");
  // Content changes only: sign-ins and refused requests belong in the audit log, not on the dashboard.
  const content = notLike(auditLog.action, "auth.%");
  const recentRows = can(principal, "audit.view")
    ? db.select().from(auditLog).where(content).orderBy(desc(auditLog.id)).limit(8).all()
    : visible === "all" || visible.length === 0
      ? []
      : db.select().from(auditLog).where(and(content, inArray(auditLog.courseId, visible))).orderBy(desc(auditLog.id)).limit(8).all();
  const codes = new Map(courseList.map((c) => [c.id, c.code]));
  const recent = recentRows.map((r) => ({ ...r, courseCode: r.courseId !== null ? (codes.get(r.courseId) ?? null) : null }));
  const staffCount = can(principal, "staff.manage") ? (db.select({ n: count() }).from(users).where(eq(users.active, true)).get()?.n ?? 0) : null;
  // counted by the database: a 10,000-student course is not read into the page
  const distinctStudents = termIds.length === 0 ? 0 : (db.select({ n: countDistinct(students.username) }).from(students).where(inArray(students.termId, termIds)).get()?.n ?? 0);
  return { courses: courseList, activeTerms, studentCount, distinctStudents, attention, recent, staffCount };
}
