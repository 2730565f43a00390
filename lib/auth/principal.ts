import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { courses, examSupervisors, termStaff, terms, users, type TermRole } from "@/lib/db/schema";
import type { Principal } from "./capabilities";

/** Loads an active account and its course roles; null when it is gone or deactivated. */
export function loadPrincipal(db: DbOrTx, userId: number): Principal | null {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || !user.active) return null;
  const rows = db
    .select({ courseId: terms.courseId, role: termStaff.role })
    .from(termStaff)
    .innerJoin(terms, eq(terms.id, termStaff.termId))
    .where(eq(termStaff.userId, userId))
    .all();
  const courseRoles = new Map<number, Set<TermRole>>();
  for (const r of rows) {
    if (!courseRoles.has(r.courseId)) courseRoles.set(r.courseId, new Set());
    courseRoles.get(r.courseId)!.add(r.role);
  }
  for (const c of db.select({ id: courses.id }).from(courses).where(eq(courses.createdBy, userId)).all()) {
    if (!courseRoles.has(c.id)) courseRoles.set(c.id, new Set());
    courseRoles.get(c.id)!.add("instructor");
  }
  const supervisedExams = new Set(db.select({ examId: examSupervisors.examId }).from(examSupervisors).where(eq(examSupervisors.userId, userId)).all().map((r) => r.examId));
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, courseRoles, supervisedExams };
}
