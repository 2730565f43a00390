import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { courseStaff, examSupervisors, termStaff, terms, users, type TermRole } from "@/lib/db/schema";
import type { Principal } from "./capabilities";

/**
 * Loads an active account and its course roles; null when it is gone, deactivated, or the
 * session was issued under an older session version (signed out, password or role changed).
 */
export function loadPrincipal(db: DbOrTx, userId: number, sessionVersion?: number): Principal | null {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || !user.active) return null;
  if (sessionVersion !== undefined && user.sessionVersion !== sessionVersion) return null;
  const rows = db
    .select({ courseId: terms.courseId, role: termStaff.role })
    .from(termStaff)
    .innerJoin(terms, eq(terms.id, termStaff.termId))
    .where(eq(termStaff.userId, userId))
    .all();
  const courseRoles = new Map<number, Set<TermRole>>();
  const add = (courseId: number, role: TermRole) => {
    if (!courseRoles.has(courseId)) courseRoles.set(courseId, new Set());
    courseRoles.get(courseId)!.add(role);
  };
  for (const r of rows) add(r.courseId, r.role);
  for (const c of db.select({ courseId: courseStaff.courseId, role: courseStaff.role }).from(courseStaff).where(eq(courseStaff.userId, userId)).all()) add(c.courseId, c.role);
  const supervisedExams = new Set(db.select({ examId: examSupervisors.examId }).from(examSupervisors).where(eq(examSupervisors.userId, userId)).all().map((r) => r.examId));
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    courseRoles,
    supervisedExams,
    source: user.source,
    mustChangePassword: user.source === "local" && user.mustChangePassword,
  };
}
