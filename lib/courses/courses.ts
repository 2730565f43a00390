import { t } from "@/lib/i18n/t";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import { coursesWith, type Principal } from "@/lib/auth/capabilities";
import type { DbOrTx } from "@/lib/db/client";
import { courseStaff, courses, students, termStaff, terms, users, type TermMount } from "@/lib/db/schema";
import { changedFields } from "@/lib/audit/audit";
import type { CourseInput, TermInput } from "./schemas";

export function listCourses(db: DbOrTx, principal: Principal, opts: { includeArchived?: boolean } = {}) {
  const visible = coursesWith(principal, "course.view");
  if (visible !== "all" && visible.length === 0) return [];
  const where = and(
    visible === "all" ? undefined : inArray(courses.id, visible),
    opts.includeArchived ? undefined : isNull(courses.archivedAt),
  );
  const rows = db.select().from(courses).where(where).orderBy(asc(courses.code)).all();
  const termRows = db
    .select({ id: terms.id, courseId: terms.courseId, term: terms.term, hubs: terms.hubs, archivedAt: terms.archivedAt, students: count(students.id) })
    .from(terms)
    .leftJoin(students, eq(students.termId, terms.id))
    .where(rows.length ? inArray(terms.courseId, rows.map((r) => r.id)) : sql`0`)
    .groupBy(terms.id)
    .orderBy(asc(terms.term))
    .all();
  return rows.map((c) => ({ ...c, terms: termRows.filter((t) => t.courseId === c.id) }));
}

export function getCourse(db: DbOrTx, courseId: number) {
  const course = db.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!course) return null;
  const termRows = db.select().from(terms).where(eq(terms.courseId, courseId)).orderBy(asc(terms.term)).all();
  const counts = new Map(
    db
      .select({ termId: students.termId, n: count() })
      .from(students)
      .innerJoin(terms, eq(terms.id, students.termId))
      .where(eq(terms.courseId, courseId))
      .groupBy(students.termId)
      .all()
      .map((r) => [r.termId, r.n]),
  );
  const staff = db
    .select({ id: termStaff.id, termId: termStaff.termId, role: termStaff.role, userId: users.id, username: users.username, displayName: users.displayName })
    .from(termStaff)
    .innerJoin(users, eq(users.id, termStaff.userId))
    .innerJoin(terms, eq(terms.id, termStaff.termId))
    .where(eq(terms.courseId, courseId))
    .orderBy(asc(users.username))
    .all();
  const courseWide = db
    .select({ id: courseStaff.id, role: courseStaff.role, userId: users.id, username: users.username, displayName: users.displayName })
    .from(courseStaff)
    .innerJoin(users, eq(users.id, courseStaff.userId))
    .where(eq(courseStaff.courseId, courseId))
    .orderBy(asc(users.username))
    .all();
  return {
    ...course,
    staff: courseWide,
    terms: termRows.map((t) => ({ ...t, students: counts.get(t.id) ?? 0, staff: staff.filter((s) => s.termId === t.id) })),
  };
}

type StaffRole = NonNullable<ReturnType<typeof getCourse>>["staff"][number]["role"] | NonNullable<ReturnType<typeof getCourse>>["terms"][number]["staff"][number]["role"];

/**
 * Who sees a term without being on it: the course's staff and the staff of its other terms (the
 * portal grants by course). One entry per person, with each role they have and where.
 */
export function alsoSeeingTerm(course: NonNullable<ReturnType<typeof getCourse>>, termId: number): { displayName: string; roles: { role: StaffRole; term: string | null }[] }[] {
  const on = new Set(course.terms.find((x) => x.id === termId)?.staff.map((s) => s.userId) ?? []);
  const byUser = new Map<number, { displayName: string; roles: { role: StaffRole; term: string | null }[] }>();
  const add = (s: { userId: number; displayName: string; role: StaffRole }, term: string | null) => {
    if (on.has(s.userId)) return;
    const e = byUser.get(s.userId) ?? { displayName: s.displayName, roles: [] };
    e.roles.push({ role: s.role, term });
    byUser.set(s.userId, e);
  };
  for (const s of course.staff) add(s, null);
  for (const x of course.terms) if (x.id !== termId) for (const s of x.staff) add(s, x.term);
  return [...byUser.values()];
}

export function getTerm(db: DbOrTx, termId: number) {
  const row = db
    .select({ term: terms, course: courses })
    .from(terms)
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(eq(terms.id, termId))
    .get();
  return row ?? null;
}

export function createCourse(input: CourseInput, { tx, audit, principal }: ActionContext) {
  const exists = tx.select({ id: courses.id }).from(courses).where(eq(courses.code, input.code)).get();
  if (exists) throw new ActionError(t("domain.courseExists"), { code: [t("domain.codeTakenAll", { code: input.code })] });
  const row = tx.insert(courses).values({ ...input, createdBy: principal.id }).returning().get();
  audit({ action: "course.create", entityType: "course", entityId: row.id, courseId: row.id, message: { key: "courseCreate", params: { code: row.code, title: row.title } }, after: input });
  if (principal.role !== "admin") {
    // the creator runs the course as an ordinary assignment, removable like any other
    tx.insert(courseStaff).values({ courseId: row.id, userId: principal.id, role: "instructor" }).run();
    audit({ action: "staff.assign", entityType: "course", entityId: row.id, courseId: row.id, message: { key: "courseCreator", params: { username: principal.username, code: row.code } }, after: { username: principal.username, role: "instructor" } });
  }
  return row;
}

export function updateCourse(courseId: number, input: CourseInput, { tx, audit }: ActionContext) {
  const before = tx.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!before) throw new ActionError(t("domain.courseGone"));
  if (input.code !== before.code) {
    const clash = tx.select({ id: courses.id }).from(courses).where(eq(courses.code, input.code)).get();
    if (clash) throw new ActionError(t("domain.courseExists"), { code: [t("domain.codeTaken", { code: input.code })] });
  }
  const diff = changedFields(before, input);
  if (diff.changed.length === 0) return before;
  const row = tx.update(courses).set(input).where(eq(courses.id, courseId)).returning().get();
  audit({ action: "course.update", entityType: "course", entityId: courseId, courseId, message: { key: "courseUpdate", params: { code: row.code, fields: diff.changed.join(", ") } }, before: diff.before, after: diff.after });
  return row;
}

export function setCourseArchived(courseId: number, archived: boolean, { tx, audit }: ActionContext) {
  const before = tx.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!before) throw new ActionError(t("domain.courseGone"));
  const archivedAt = archived ? new Date() : null;
  tx.update(courses).set({ archivedAt }).where(eq(courses.id, courseId)).run();
  audit({
    action: archived ? "course.archive" : "course.restore",
    entityType: "course",
    entityId: courseId,
    courseId,
    message: { key: "courseArchive", params: { archived: archived ? "yes" : "no", code: before.code } },
    before: { archivedAt: before.archivedAt },
    after: { archivedAt },
  });
}

function termValues(input: TermInput) {
  const { courseId: _c, ...rest } = input;
  return rest;
}

/** Only admins add or change `extra` mounts (they may point anywhere on the NFS export). */
function checkExtraMounts(mounts: readonly TermMount[], before: readonly TermMount[], principal: ActionContext["principal"]) {
  if (principal.role === "admin") return;
  const key = (m: TermMount) => JSON.stringify([m.subPath.trim(), m.mountPath.trim(), !!m.readOnly]);
  const had = new Set(before.filter((m) => m.kind === "extra").map(key));
  const added = mounts.filter((m) => m.kind === "extra" && !had.has(key(m)));
  if (added.length) {
    throw new ActionError(t("domain.extraAdmins"), {
      mounts: [t("domain.extraWhy", { paths: added.map((m) => m.subPath).join(", ") })],
    });
  }
}

export function createTerm(input: TermInput, { tx, audit, principal }: ActionContext) {
  checkExtraMounts(input.mounts, [], principal);
  const course = tx.select().from(courses).where(eq(courses.id, input.courseId)).get();
  if (!course) throw new ActionError(t("domain.courseGone"));
  if (course.archivedAt) throw new ActionError(t("domain.restoreFirst"));
  const clash = tx.select({ id: terms.id }).from(terms).where(and(eq(terms.courseId, input.courseId), eq(terms.term, input.term))).get();
  if (clash) throw new ActionError(t("domain.termExists"), { term: [t("domain.termExistsIn", { code: course.code, term: input.term })] });
  const row = tx.insert(terms).values({ courseId: input.courseId, ...termValues(input) }).returning().get();
  audit({ action: "term.create", entityType: "term", entityId: row.id, courseId: course.id, message: { key: "termCreate", params: { term: input.term, code: course.code } }, after: termValues(input) });
  if (principal.role !== "admin") {
    // whoever sets up a term runs it, until they hand it over on the term page
    tx.insert(termStaff).values({ termId: row.id, userId: principal.id, role: "instructor" }).run();
  }
  return row;
}

export function updateTerm(termId: number, input: TermInput, { tx, audit, principal }: ActionContext) {
  const before = tx.select().from(terms).where(eq(terms.id, termId)).get();
  if (!before || before.courseId !== input.courseId) throw new ActionError(t("domain.termGone"));
  checkExtraMounts(input.mounts, before.mounts, principal);
  if (input.term !== before.term) {
    const clash = tx.select({ id: terms.id }).from(terms).where(and(eq(terms.courseId, input.courseId), eq(terms.term, input.term))).get();
    if (clash) throw new ActionError(t("domain.termExists"), { term: [t("domain.termExistsShort", { term: input.term })] });
  }
  const values = termValues(input);
  const diff = changedFields(before, values);
  if (diff.changed.length === 0) return before;
  const row = tx.update(terms).set(values).where(eq(terms.id, termId)).returning().get();
  audit({ action: "term.update", entityType: "term", entityId: termId, courseId: before.courseId, message: { key: "termUpdate", params: { term: row.term, fields: diff.changed.join(", ") } }, before: diff.before, after: diff.after });
  return row;
}

export function setTermArchived(termId: number, archived: boolean, { tx, audit }: ActionContext) {
  const before = tx.select().from(terms).where(eq(terms.id, termId)).get();
  if (!before) throw new ActionError(t("domain.termGone"));
  const archivedAt = archived ? new Date() : null;
  tx.update(terms).set({ archivedAt }).where(eq(terms.id, termId)).run();
  audit({ action: archived ? "term.archive" : "term.restore", entityType: "term", entityId: termId, courseId: before.courseId, message: { key: "termArchive", params: { archived: archived ? "yes" : "no", term: before.term } } });
}

export function assignStaff(termId: number, username: string, role: "instructor" | "grader" | "supervisor", { tx, audit }: ActionContext) {
  const term = tx.select().from(terms).where(eq(terms.id, termId)).get();
  if (!term) throw new ActionError(t("domain.termGone"));
  const user = tx.select().from(users).where(eq(users.username, username)).get();
  if (!user) throw new ActionError(t("domain.noStaff"), { username: [t("domain.noStaffWhy", { username })] });
  const existing = tx.select().from(termStaff).where(and(eq(termStaff.termId, termId), eq(termStaff.userId, user.id))).get();
  if (existing) {
    if (existing.role === role) throw new ActionError(t("domain.alreadyRole", { username, role: t(`roles.${role}`) }));
    tx.update(termStaff).set({ role }).where(eq(termStaff.id, existing.id)).run();
    audit({ action: "staff.assign", entityType: "term", entityId: termId, courseId: term.courseId, message: { key: "staffRoleChange", params: { username, role, term: term.term } }, before: { role: existing.role }, after: { role } });
    return;
  }
  tx.insert(termStaff).values({ termId, userId: user.id, role }).run();
  audit({ action: "staff.assign", entityType: "term", entityId: termId, courseId: term.courseId, message: { key: "staffAssignTerm", params: { username, role, term: term.term } }, after: { username, role } });
}

export function unassignStaff(assignmentId: number, { tx, audit }: ActionContext) {
  const row = tx
    .select({ a: termStaff, username: users.username, term: terms.term, courseId: terms.courseId })
    .from(termStaff)
    .innerJoin(users, eq(users.id, termStaff.userId))
    .innerJoin(terms, eq(terms.id, termStaff.termId))
    .where(eq(termStaff.id, assignmentId))
    .get();
  if (!row) throw new ActionError(t("domain.assignmentGone"));
  tx.delete(termStaff).where(eq(termStaff.id, assignmentId)).run();
  audit({ action: "staff.unassign", entityType: "term", entityId: row.a.termId, courseId: row.courseId, message: { key: "staffUnassignTerm", params: { username: row.username, role: row.a.role, term: row.term } }, before: { username: row.username, role: row.a.role } });
}

export function assignCourseStaff(courseId: number, username: string, { tx, audit }: ActionContext) {
  const course = tx.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!course) throw new ActionError(t("domain.courseGone"));
  const user = tx.select().from(users).where(eq(users.username, username)).get();
  if (!user) throw new ActionError(t("domain.noStaff"), { username: [t("domain.noStaffWhy", { username })] });
  const existing = tx.select().from(courseStaff).where(and(eq(courseStaff.courseId, courseId), eq(courseStaff.userId, user.id))).get();
  if (existing) throw new ActionError(t("domain.alreadyCourseInstructor", { username }));
  tx.insert(courseStaff).values({ courseId, userId: user.id, role: "instructor" }).run();
  audit({ action: "staff.assign", entityType: "course", entityId: courseId, courseId, message: { key: "staffAssignCourse", params: { username, code: course.code } }, after: { username, role: "instructor" } });
}

export function unassignCourseStaff(assignmentId: number, { tx, audit }: ActionContext) {
  const row = tx
    .select({ a: courseStaff, username: users.username, code: courses.code })
    .from(courseStaff)
    .innerJoin(users, eq(users.id, courseStaff.userId))
    .innerJoin(courses, eq(courses.id, courseStaff.courseId))
    .where(eq(courseStaff.id, assignmentId))
    .get();
  if (!row) throw new ActionError(t("domain.assignmentGone"));
  tx.delete(courseStaff).where(eq(courseStaff.id, assignmentId)).run();
  audit({ action: "staff.unassign", entityType: "course", entityId: row.a.courseId, courseId: row.a.courseId, message: { key: "staffUnassignCourse", params: { username: row.username, code: row.code } }, before: { username: row.username, role: row.a.role } });
}

export function courseIdOfCourseStaff(db: DbOrTx, assignmentId: number): number | undefined {
  return db.select({ courseId: courseStaff.courseId }).from(courseStaff).where(eq(courseStaff.id, assignmentId)).get()?.courseId;
}

export function courseIdOfTerm(db: DbOrTx, termId: number): number | undefined {
  return db.select({ courseId: terms.courseId }).from(terms).where(eq(terms.id, termId)).get()?.courseId;
}

export function courseIdOfStaffAssignment(db: DbOrTx, assignmentId: number): number | undefined {
  return db
    .select({ courseId: terms.courseId })
    .from(termStaff)
    .innerJoin(terms, eq(terms.id, termStaff.termId))
    .where(eq(termStaff.id, assignmentId))
    .get()?.courseId;
}
