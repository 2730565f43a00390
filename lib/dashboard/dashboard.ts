import { count, desc, eq, inArray } from "drizzle-orm";
import { can, coursesWith, type Principal } from "@/lib/auth/capabilities";
import type { DbOrTx } from "@/lib/db/client";
import { auditLog, students, termStaff, users } from "@/lib/db/schema";
import { listCourses } from "@/lib/courses/courses";

export interface Attention {
  tone: "amber" | "red";
  text: string;
  href: string;
}

/** What the signed-in person sees first: their courses, counts and what needs doing. */
export function dashboard(db: DbOrTx, principal: Principal) {
  const courseList = listCourses(db, principal);
  const activeTerms = courseList.flatMap((c) => c.terms.filter((t) => !t.archivedAt).map((t) => ({ ...t, course: c })));
  const studentCount = activeTerms.reduce((n, t) => n + t.students, 0);
  const attention: Attention[] = [];
  for (const c of courseList) {
    if (c.terms.length === 0) attention.push({ tone: "amber", text: `${c.code} has no term yet: add one to give students a profile.`, href: `/courses/${c.id}` });
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
    if (t.students === 0) attention.push({ tone: "amber", text: `${t.course.code} ${t.term} has an empty roster.`, href: `${href}/roster` });
    if (!staffed.get(t.id)?.has("instructor")) attention.push({ tone: "amber", text: `${t.course.code} ${t.term} has no instructor.`, href });
    if (t.hubs.includes("exam") && !staffed.get(t.id)?.has("supervisor")) attention.push({ tone: "red", text: `${t.course.code} ${t.term} is on the exam hub but has no supervisor.`, href });
  }
  const visible = coursesWith(principal, "course.view");
  const recent = can(principal, "audit.view")
    ? db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(8).all()
    : visible === "all" || visible.length === 0
      ? []
      : db.select().from(auditLog).where(inArray(auditLog.courseId, visible)).orderBy(desc(auditLog.id)).limit(8).all();
  const staffCount = can(principal, "staff.manage") ? (db.select({ n: count() }).from(users).where(eq(users.active, true)).get()?.n ?? 0) : null;
  const distinctStudents =
    termIds.length === 0 ? 0 : (db.selectDistinct({ u: students.username }).from(students).where(inArray(students.termId, termIds)).all().length);
  return { courses: courseList, activeTerms, studentCount, distinctStudents, attention, recent, staffCount };
}
