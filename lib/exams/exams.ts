/**
 * Exams in the database: queries for the pages and the changes the actions make (each inside
 * the action's one transaction, with its audit entry). The rules live in rules.ts, seating.ts
 * and lifecycle.ts; this file applies them.
 *
 * Exports (queries):  examScope, listExams, getExam, examSnapshot, listParticipants,
 *                     rosterCandidates, roomConflicts, sheetRows
 * Exports (changes):  createExam, updateExam, deleteExam, saveRoom, deleteRoom, addParticipants,
 *                     removeParticipants, addBackups, setExtraTime, setSeat, autoSeatExam,
 *                     clearSeating, addSupervisor, removeSupervisor, transitionExam, storePasswords,
 *                     unlockParticipant
 */
import { and, asc, count, eq, inArray, isNotNull, max, ne, notInArray, sql } from "drizzle-orm";
import { fmt, t as tr } from "@/lib/i18n/t";
import { portalTimeZone } from "@/lib/i18n/config";
import { utcToZonedInput } from "@/lib/grading/time";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import { coursesWith, type Principal } from "@/lib/auth/capabilities";
import { changedFields } from "@/lib/audit/audit";
import type { DbOrTx } from "@/lib/db/client";
import { courses, examParticipants, examProbes, examRooms, exams, examSupervisors, students, termStaff, terms, users, type ExamStatus } from "@/lib/db/schema";
import { canEdit, TRANSITIONS, transitionProblems, type EditArea, type ExamSnapshot, type TransitionName } from "./lifecycle";
import { backupUsername, probeUsername, examBusyWindow, examUsername, freeSeats, normalizeRoomName, windowsOverlap } from "./rules";
import type { ExamInput, RoomInput } from "./schemas";
import { autoSeat, compareByName, seatableSeats, type SeatOrder } from "./seating";

export type ExamRow = typeof exams.$inferSelect;
export type RoomRow = typeof examRooms.$inferSelect;
export type ParticipantRow = typeof examParticipants.$inferSelect;

/** `{ courseId, examId }` of an exam, for the guard; courseId -1 when the exam does not exist. */
export function examScope(db: DbOrTx, examId: number): { courseId: number; examId: number } {
  const row = db.select({ courseId: terms.courseId }).from(exams).innerJoin(terms, eq(terms.id, exams.termId)).where(eq(exams.id, examId)).get();
  return { courseId: row?.courseId ?? -1, examId };
}

/** "14:00" in the portal's zone: the same in every language. */
function timeLabel(d: Date): string {
  return fmt().time(d);
}
/** "2026-12-05" in the portal's zone: an audit value, which each reader's page writes in their own way. */
function auditDay(d: Date): string {
  return utcToZonedInput(d, portalTimeZone()).slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Queries

/** Exams the principal may see: all of their courses' exams, and those they supervise. */
export function listExams(db: DbOrTx, principal: Principal, opts: { includeArchived?: boolean } = {}) {
  const visible = coursesWith(principal, "exam.view");
  const supervised = [...(principal.supervisedExams ?? [])];
  const courseCond = visible === "all" ? sql`1` : visible.length ? inArray(terms.courseId, visible) : sql`0`;
  const examCond = supervised.length ? inArray(exams.id, supervised) : sql`0`;
  const rows = db
    .select({ exam: exams, term: terms.term, termId: terms.id, courseId: courses.id, courseCode: courses.code, courseTitle: courses.title })
    .from(exams)
    .innerJoin(terms, eq(terms.id, exams.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(sql`(${courseCond} or ${examCond})`, opts.includeArchived ? undefined : ne(exams.status, "archived")))
    .orderBy(asc(exams.startsAt), asc(exams.id))
    .all();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.exam.id);
  const counts = new Map(
    db
      .select({ examId: examParticipants.examId, n: count(), backups: sql<number>`sum(case when ${examParticipants.kind} = 'backup' then 1 else 0 end)` })
      .from(examParticipants)
      .where(inArray(examParticipants.examId, ids))
      .groupBy(examParticipants.examId)
      .all()
      .map((r) => [r.examId, r]),
  );
  // the rooms people sit in (a network without seats, such as the staff VPN, is not one)
  const roomRows = db.select({ examId: examRooms.examId, name: examRooms.name }).from(examRooms).where(and(inArray(examRooms.examId, ids), sql`${examRooms.seats} > 0`)).orderBy(asc(examRooms.position), asc(examRooms.id)).all();
  return rows.map((r) => ({
    ...r,
    participants: (counts.get(r.exam.id)?.n ?? 0) - (counts.get(r.exam.id)?.backups ?? 0),
    backups: counts.get(r.exam.id)?.backups ?? 0,
    rooms: roomRows.filter((x) => x.examId === r.exam.id).map((x) => x.name),
  }));
}

export function getExam(db: DbOrTx, examId: number) {
  const row = db
    .select({ exam: exams, term: terms, course: courses })
    .from(exams)
    .innerJoin(terms, eq(terms.id, exams.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(eq(exams.id, examId))
    .get();
  if (!row) return null;
  const rooms = db.select().from(examRooms).where(eq(examRooms.examId, examId)).orderBy(asc(examRooms.position), asc(examRooms.id)).all();
  const supervisors = db
    .select({ id: examSupervisors.id, userId: users.id, username: users.username, displayName: users.displayName, active: users.active })
    .from(examSupervisors)
    .innerJoin(users, eq(users.id, examSupervisors.userId))
    .where(eq(examSupervisors.examId, examId))
    .orderBy(asc(users.username))
    .all();
  const stats = db
    .select({
      students: sql<number>`coalesce(sum(case when ${examParticipants.kind} = 'student' then 1 else 0 end), 0)`,
      backups: sql<number>`coalesce(sum(case when ${examParticipants.kind} = 'backup' then 1 else 0 end), 0)`,
      seated: sql<number>`coalesce(sum(case when ${examParticipants.seat} is not null then 1 else 0 end), 0)`,
      withPassword: sql<number>`coalesce(sum(case when ${examParticipants.passwordHash} is not null then 1 else 0 end), 0)`,
      maxExtra: sql<number>`coalesce(max(${examParticipants.extraMinutes}), 0)`,
      withExtra: sql<number>`coalesce(sum(case when ${examParticipants.extraMinutes} > 0 then 1 else 0 end), 0)`,
    })
    .from(examParticipants)
    .where(eq(examParticipants.examId, examId))
    .get()!;
  const perRoom = new Map(
    db
      .select({ roomId: examParticipants.roomId, n: count(), backups: sql<number>`sum(case when ${examParticipants.kind} = 'backup' then 1 else 0 end)` })
      .from(examParticipants)
      .where(and(eq(examParticipants.examId, examId), isNotNull(examParticipants.roomId)))
      .groupBy(examParticipants.roomId)
      .all()
      .map((r) => [r.roomId!, r]),
  );
  const withFree = rooms.map((r) => ({ ...r, free: freeSeats(r), assigned: perRoom.get(r.id)?.n ?? 0, backups: perRoom.get(r.id)?.backups ?? 0 }));
  return {
    ...row,
    rooms: withFree,
    supervisors,
    // capacity: the usable seats of every room (blocked ones left out), what everyone who needs a seat is held against
    stats: { ...stats, capacity: withFree.reduce((n, r) => n + r.free, 0) },
  };
}
export type ExamDetail = NonNullable<ReturnType<typeof getExam>>;

/** Participants with their live roster names (the snapshot when the roster row is gone). */
export function listParticipants(db: DbOrTx, examId: number) {
  const rows = db
    .select({ p: examParticipants, room: examRooms.name, roomPosition: examRooms.position, s: { firstName: students.firstName, lastName: students.lastName, matrikel: students.matrikel } })
    .from(examParticipants)
    .leftJoin(examRooms, eq(examRooms.id, examParticipants.roomId))
    .leftJoin(students, eq(students.id, examParticipants.studentId))
    .where(eq(examParticipants.examId, examId))
    .all();
  return rows
    .map(({ p, room, roomPosition, s }) => ({
      ...p,
      firstName: s?.firstName ?? p.firstName,
      lastName: s?.lastName ?? p.lastName,
      matrikel: s?.matrikel ?? p.matrikel,
      room,
      roomPosition,
      onRoster: p.kind === "backup" || !!s,
    }))
    .sort((a, b) => (a.kind === b.kind ? compareByName(a, b) : a.kind === "student" ? -1 : 1));
}
export type ParticipantView = ReturnType<typeof listParticipants>[number];

/** What the participant and seating tables show (no hashes). */
export function participantRows(db: DbOrTx, examId: number) {
  return listParticipants(db, examId).map((p) => ({ id: p.id, kind: p.kind, username: p.username, rosterUsername: p.rosterUsername, firstName: p.firstName, lastName: p.lastName, matrikel: p.matrikel, roomId: p.roomId, room: p.room, seat: p.seat, extraMinutes: p.extraMinutes, hasPassword: !!p.passwordHash, onRoster: p.onRoster }));
}

/** Students of the exam's term who are not participants yet. */
export function rosterCandidates(db: DbOrTx, examId: number) {
  const exam = db.select({ termId: exams.termId }).from(exams).where(eq(exams.id, examId)).get();
  if (!exam) return [];
  const taken = db.select({ id: examParticipants.studentId }).from(examParticipants).where(and(eq(examParticipants.examId, examId), isNotNull(examParticipants.studentId)));
  return db
    .select({ id: students.id, username: students.username, firstName: students.firstName, lastName: students.lastName, matrikel: students.matrikel })
    .from(students)
    .where(and(eq(students.termId, exam.termId), notInArray(students.id, taken)))
    .all()
    .sort(compareByName);
}

/**
 * Other exams that use a room of this name (or any of this exam's rooms) at an overlapping
 * time: start to the last participant's end plus grace. Archived exams are left out.
 */
export function roomConflicts(db: DbOrTx, examId: number, override?: { roomNames?: string[]; window?: { startsAt: Date; endsAt: Date; graceMinutes: number }; maxExtraMinutes?: number }): { room: string; message: string }[] {
  const exam = db.select().from(exams).where(eq(exams.id, examId)).get();
  if (!exam) return [];
  const names = override?.roomNames ?? db.select({ name: examRooms.name }).from(examRooms).where(and(eq(examRooms.examId, examId), sql`${examRooms.seats} > 0`)).all().map((r) => r.name);
  if (names.length === 0) return [];
  const wanted = new Map(names.map((n) => [normalizeRoomName(n), n]));
  const maxExtra = (id: number) => db.select({ m: max(examParticipants.extraMinutes) }).from(examParticipants).where(eq(examParticipants.examId, id)).get()?.m ?? 0;
  const mine = examBusyWindow(override?.window ?? exam, override?.maxExtraMinutes ?? maxExtra(examId));
  const others = db
    .select({ exam: exams, room: examRooms.name, courseCode: courses.code, term: terms.term })
    .from(examRooms)
    .innerJoin(exams, eq(exams.id, examRooms.examId))
    .innerJoin(terms, eq(terms.id, exams.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(ne(exams.id, examId), ne(exams.status, "archived"), sql`${examRooms.seats} > 0`))
    .all();
  const out: { room: string; message: string }[] = [];
  for (const o of others) {
    const mineName = wanted.get(normalizeRoomName(o.room));
    if (!mineName) continue;
    const theirs = examBusyWindow(o.exam, maxExtra(o.exam.id));
    if (!windowsOverlap(mine, theirs)) continue;
    out.push({
      room: mineName,
      message: tr("examErrors.roomTakenBy", { room: o.room, title: o.exam.title, course: o.courseCode, term: o.term, date: fmt().date(theirs.from), from: timeLabel(theirs.from), to: timeLabel(theirs.to) }),
    });
  }
  return out;
}

export function examSnapshot(db: DbOrTx, examId: number): ExamSnapshot | null {
  const d = getExam(db, examId);
  if (!d) return null;
  const participants = db
    .select({ id: examParticipants.id, kind: examParticipants.kind, username: examParticipants.username, roomId: examParticipants.roomId, seat: examParticipants.seat, extraMinutes: examParticipants.extraMinutes, passwordHash: examParticipants.passwordHash, unlocks: examParticipants.unlocks })
    .from(examParticipants)
    .where(eq(examParticipants.examId, examId))
    .all();
  return {
    exam: d.exam,
    courseCode: d.course.code,
    term: d.term.term,
    rooms: d.rooms.map((r) => ({ id: r.id, name: r.name, seats: r.seats, blockedSeats: r.blockedSeats, cidrs: r.cidrs })),
    participants,
    supervisors: d.supervisors.length,
    probe: probeOf(db, examId, d.course.code, d.exam.period),
    conflicts: roomConflicts(db, examId).map((c) => c.message),
    loginConflicts: loginConflicts(db, examId),
  };
}

function probeOf(db: DbOrTx, examId: number, courseCode: string, period: string): ExamSnapshot["probe"] {
  const row = db.select({ roomId: examProbes.roomId, passwordHash: examProbes.passwordHash }).from(examProbes).where(eq(examProbes.examId, examId)).get();
  return row ? { username: probeUsername(courseCode, period), roomId: row.roomId, passwordHash: row.passwordHash } : null;
}

/**
 * Other scheduled or open exams holding some of this exam's logins: the exam hub can hold a login
 * in one exam at a time (two periods of a course share a student's login).
 */
export function loginConflicts(db: DbOrTx, examId: number): string[] {
  const mine = db.select({ u: examParticipants.username }).from(examParticipants).where(eq(examParticipants.examId, examId));
  const rows = db
    .select({ id: exams.id, title: exams.title, period: exams.period, status: exams.status, n: count(), first: sql<string>`min(${examParticipants.username})` })
    .from(examParticipants)
    .innerJoin(exams, eq(exams.id, examParticipants.examId))
    .where(and(ne(exams.id, examId), inArray(exams.status, ["scheduled", "open"]), inArray(examParticipants.username, mine)))
    .groupBy(exams.id)
    .orderBy(asc(exams.id))
    .all();
  return rows.map((r) => tr("examErrors.loginsInOtherExam", { count: r.n, first: r.first, title: r.title, period: r.period, status: tr(`examStatus.${r.status}`) }));
}

// ---------------------------------------------------------------------------------------------
// Changes

function loadExam(tx: DbOrTx, examId: number): ExamRow & { courseId: number; courseCode: string; term: string } {
  const row = db_exam(tx, examId);
  if (!row) throw new ActionError(tr("examErrors.thisExamNoLongerExists"));
  return row;
}

function db_exam(tx: DbOrTx, examId: number) {
  const r = tx
    .select({ exam: exams, courseId: courses.id, courseCode: courses.code, term: terms.term })
    .from(exams)
    .innerJoin(terms, eq(terms.id, exams.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(eq(exams.id, examId))
    .get();
  return r ? { ...r.exam, courseId: r.courseId, courseCode: r.courseCode, term: r.term } : null;
}

function requireEditable(exam: { status: ExamStatus }, area: EditArea) {
  if (!canEdit(exam.status, area)) {
    const refusal = tr("examErrors.notEditable", { status: tr(`examStatus.${exam.status}`), area });
    throw new ActionError(area === "passwords" && exam.status === "draft" ? `${refusal} ${tr("examErrors.scheduleFirstChecks")}` : refusal);
  }
}

/** Marks a change of what the exam hub gets. */
function touch(tx: DbOrTx, examId: number, extra: Partial<typeof exams.$inferInsert> = {}) {
  tx.update(exams).set({ ...extra, updatedAt: new Date(), revision: sql`${exams.revision} + 1` }).where(eq(exams.id, examId)).run();
}

function examLabel(e: { courseCode: string; term: string; title: string; period: string }) {
  return `${e.courseCode} ${e.term} ${e.period} “${e.title}”`;
}

function examValues(input: ExamInput) {
  return {
    title: input.title,
    period: input.period,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    graceMinutes: input.graceMinutes,
    language: input.language,
    examiners: input.examiners,
    headerLines: input.headerLines,
  };
}

export function createExam(input: ExamInput, { tx, audit, principal }: ActionContext) {
  const t = tx.select({ term: terms, course: courses }).from(terms).innerJoin(courses, eq(courses.id, terms.courseId)).where(eq(terms.id, input.termId)).get();
  if (!t) throw new ActionError(tr("examErrors.thisTermNoLongerExists"), { termId: [tr("examErrors.chooseATerm")] });
  if (t.term.archivedAt || t.course.archivedAt) throw new ActionError(tr("examErrors.theTermIsArchived"), { termId: [tr("examErrors.restoreTheTermBeforeAddingAn")] });
  if (!t.term.hubs.includes("exam")) {
    throw new ActionError(tr("examErrors.theTermIsNotOnThe"), { termId: [tr("examErrors.termNotOnExamHub", { course: t.course.code, term: t.term.term })] });
  }
  const clash = tx.select({ id: exams.id }).from(exams).where(and(eq(exams.termId, input.termId), eq(exams.period, input.period))).get();
  if (clash) throw new ActionError(tr("examErrors.thisPeriodExistsAlready"), { period: [tr("examErrors.periodTaken", { course: t.course.code, term: t.term.term, period: input.period })] });
  const row = tx.insert(exams).values({ termId: input.termId, ...examValues(input), createdBy: principal.id }).returning().get();
  // the term's supervisors supervise its new exams
  const sup = tx.select({ userId: termStaff.userId }).from(termStaff).innerJoin(users, eq(users.id, termStaff.userId)).where(and(eq(termStaff.termId, input.termId), eq(termStaff.role, "supervisor"), eq(users.active, true))).all();
  for (const s of sup) tx.insert(examSupervisors).values({ examId: row.id, userId: s.userId }).run();
  audit({
    action: "exam.create",
    entityType: "exam",
    entityId: row.id,
    courseId: t.course.id,
    message: { key: "examCreate", params: { exam: examLabel({ courseCode: t.course.code, term: t.term.term, title: row.title, period: row.period }), date: auditDay(row.startsAt), start: timeLabel(row.startsAt), end: timeLabel(row.endsAt) } },
    after: { ...examValues(input), supervisors: sup.length },
  });
  return row;
}

export function updateExam(examId: number, input: ExamInput, { tx, audit }: ActionContext) {
  const before = loadExam(tx, examId);
  if (before.termId !== input.termId) throw new ActionError(tr("examErrors.thisExamBelongsToAnotherTerm"));
  requireEditable(before, "details");
  if (before.status === "open" && (input.period !== before.period || input.startsAt.getTime() !== before.startsAt.getTime())) {
    throw new ActionError(tr("examErrors.theExamIsOpenOnlyIts"), { start: [tr("examErrors.closeTheExamToChangeIts")] });
  }
  if (input.period !== before.period) {
    const clash = tx.select({ id: exams.id }).from(exams).where(and(eq(exams.termId, before.termId), eq(exams.period, input.period), ne(exams.id, examId))).get();
    if (clash) throw new ActionError(tr("examErrors.thisPeriodExistsAlready"), { period: [tr("examErrors.periodTaken", { course: before.courseCode, term: before.term, period: input.period })] });
  }
  const conflicts = roomConflicts(tx, examId, { window: input });
  if (conflicts.length) throw new ActionError(tr("examErrors.aRoomIsTakenAtThat"), { date: conflicts.map((c) => c.message) });
  const values = examValues(input);
  const diff = changedFields(before as Record<string, unknown>, values);
  if (diff.changed.length === 0) return before;
  touch(tx, examId, values);
  audit({ action: "exam.update", entityType: "exam", entityId: examId, courseId: before.courseId, message: { key: "examUpdate", params: { exam: examLabel({ ...before, ...values }), fields: diff.changed.join(", ") } }, before: diff.before, after: diff.after });
  return { ...before, ...values };
}

export function deleteExam(examId: number, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  if (e.status !== "draft") throw new ActionError(tr("examErrors.onlyDraftDeleted", { status: tr(`examStatus.${e.status}`) }));
  const n = tx.select({ n: count() }).from(examParticipants).where(eq(examParticipants.examId, examId)).get()?.n ?? 0;
  tx.delete(exams).where(eq(exams.id, examId)).run();
  audit({ action: "exam.delete", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "examDelete", params: { exam: examLabel(e), count: n } } });
}

export function saveRoom(input: RoomInput, { tx, audit }: ActionContext) {
  const e = loadExam(tx, input.examId);
  requireEditable(e, "rooms");
  const blocked = { seats: input.blockedList };
  const existing = input.roomId ? tx.select().from(examRooms).where(and(eq(examRooms.id, input.roomId), eq(examRooms.examId, input.examId))).get() : undefined;
  if (input.roomId && !existing) throw new ActionError(tr("examErrors.thisRoomNoLongerExists"));
  const all = tx.select().from(examRooms).where(eq(examRooms.examId, input.examId)).all();
  const same = all.find((r) => r.id !== input.roomId && normalizeRoomName(r.name) === normalizeRoomName(input.name));
  if (same) throw new ActionError(tr("examErrors.thisExamHasThatRoomAlready"), { name: [tr("examErrors.roomExistsNamed", { name: same.name })] });
  const free = input.seats - blocked.seats.length;
  if (existing) {
    const inRoom = tx.select({ seat: examParticipants.seat, kind: examParticipants.kind }).from(examParticipants).where(eq(examParticipants.roomId, existing.id)).all();
    if (inRoom.length > free) {
      throw new ActionError(tr("examErrors.theRoomIsTooSmallFor"), { seats: [tr("examErrors.roomTooSmallFor", { count: inRoom.length, room: existing.name, free })] });
    }
    const blockedSet = new Set(blocked.seats);
    const clash = inRoom.filter((p) => p.seat !== null && (p.seat > input.seats || blockedSet.has(p.seat)));
    if (clash.length) {
      throw new ActionError(tr("examErrors.someoneSitsOnASeatYou"), { blockedSeats: [tr("examErrors.seatsTaken", { count: clash.length, seats: clash.map((c) => c.seat).join(", ") })] });
    }
  }
  if (input.seats > 0) {
    const conflicts = roomConflicts(tx, input.examId, { roomNames: [input.name] });
    if (conflicts.length) throw new ActionError(tr("examErrors.theRoomIsTakenAtThat"), { name: conflicts.map((c) => c.message) });
  }
  const values = { name: input.name.trim().replace(/\s+/g, " "), seats: input.seats, blockedSeats: blocked.seats, cidrs: input.cidrList };
  if (existing) {
    const diff = changedFields(existing as Record<string, unknown>, values);
    if (diff.changed.length === 0) return existing;
    tx.update(examRooms).set(values).where(eq(examRooms.id, existing.id)).run();
    touch(tx, e.id);
    audit({ action: "exam.room.update", entityType: "exam", entityId: e.id, courseId: e.courseId, message: { key: "roomUpdate", params: { room: values.name, exam: examLabel(e), fields: diff.changed.join(", ") } }, before: diff.before, after: diff.after });
    return { ...existing, ...values };
  }
  const position = (tx.select({ m: max(examRooms.position) }).from(examRooms).where(eq(examRooms.examId, e.id)).get()?.m ?? -1) + 1;
  const row = tx.insert(examRooms).values({ examId: e.id, ...values, position }).returning().get();
  touch(tx, e.id);
  audit({ action: "exam.room.create", entityType: "exam", entityId: e.id, courseId: e.courseId, message: { key: "roomCreate", params: { room: row.name, network: row.seats === 0 ? "yes" : "no", seats: freeSeats(row), cidrs: row.cidrs.join(", "), exam: examLabel(e) } }, after: values });
  return row;
}

export function deleteRoom(examId: number, roomId: number, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "rooms");
  const room = tx.select().from(examRooms).where(and(eq(examRooms.id, roomId), eq(examRooms.examId, examId))).get();
  if (!room) throw new ActionError(tr("examErrors.thisRoomNoLongerExists"));
  const inRoom = tx.select({ n: count() }).from(examParticipants).where(eq(examParticipants.roomId, roomId)).get()?.n ?? 0;
  if (inRoom > 0) throw new ActionError(tr("examErrors.roomNotEmpty", { count: inRoom, room: room.name }));
  tx.delete(examRooms).where(eq(examRooms.id, roomId)).run();
  touch(tx, examId);
  audit({ action: "exam.room.delete", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "roomDelete", params: { room: room.name, exam: examLabel(e) } }, before: { name: room.name, seats: room.seats, cidrs: room.cidrs } });
}

/**
 * Moves a room with seats one place earlier or later in the order automatic seating fills the
 * rooms (and the room lists, sheets and board show them). Only the order changes: nobody's seat,
 * nothing on the hub.
 */
export function moveRoom(examId: number, roomId: number, direction: "up" | "down", { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "rooms");
  const rooms = tx.select().from(examRooms).where(eq(examRooms.examId, examId)).orderBy(asc(examRooms.position), asc(examRooms.id)).all();
  const room = rooms.find((r) => r.id === roomId);
  if (!room) throw new ActionError(tr("examErrors.thisRoomNoLongerExists"));
  if (room.seats === 0) throw new ActionError(tr("examErrors.networksHaveNoPlace", { room: room.name }));
  const seated = rooms.filter((r) => r.seats > 0);
  const i = seated.indexOf(room);
  const j = direction === "up" ? i - 1 : i + 1;
  if (j < 0 || j >= seated.length) throw new ActionError(tr(direction === "up" ? "examErrors.roomIsFirst" : "examErrors.roomIsLast", { room: room.name }));
  // the whole order written anew: rooms made before positions were kept may share one
  const order = [...seated];
  [order[i], order[j]] = [order[j], order[i]];
  [...order, ...rooms.filter((r) => r.seats === 0)].forEach((r, k) => tx.update(examRooms).set({ position: k }).where(eq(examRooms.id, r.id)).run());
  tx.update(exams).set({ updatedAt: new Date() }).where(eq(exams.id, examId)).run();
  audit({
    action: "exam.room.move",
    entityType: "exam",
    entityId: examId,
    courseId: e.courseId,
    message: { key: "roomMove", params: { room: room.name, place: j + 1, count: seated.length, exam: examLabel(e) } },
    before: { order: seated.map((r) => r.name) },
    after: { order: order.map((r) => r.name) },
  });
  return { name: room.name, place: j + 1, count: seated.length };
}

export function addParticipants(examId: number, input: { mode: "all" | "selected"; studentIds: number[] }, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "participants");
  const candidates = rosterCandidates(tx, examId);
  const picked = input.mode === "all" ? candidates : candidates.filter((c) => new Set(input.studentIds).has(c.id));
  if (input.mode === "selected" && input.studentIds.length === 0) throw new ActionError(tr("examErrors.selectAtLeastOneStudent"), { studentIds: [tr("examErrors.selectAtLeastOneStudentOr")] });
  if (picked.length === 0) throw new ActionError(candidates.length === 0 ? tr("examErrors.everyoneOnTheRosterTakesPart") : tr("examErrors.theSelectedStudentsTakePartAlready"));
  const taken = new Set(tx.select({ u: examParticipants.username }).from(examParticipants).where(eq(examParticipants.examId, examId)).all().map((r) => r.u));
  const rows: (typeof examParticipants.$inferInsert)[] = [];
  const clashes: string[] = [];
  for (const s of picked) {
    const username = examUsername(e.courseCode, s.username);
    if (taken.has(username)) {
      clashes.push(s.username);
      continue;
    }
    taken.add(username);
    rows.push({ examId, kind: "student", studentId: s.id, rosterUsername: s.username.trim(), username, firstName: s.firstName, lastName: s.lastName, matrikel: s.matrikel });
  }
  if (clashes.length) {
    throw new ActionError(tr("examErrors.loginTakenTwice", { count: clashes.length, names: `${clashes.slice(0, 5).join(", ")}${clashes.length > 5 ? " …" : ""}` }));
  }
  for (let i = 0; i < rows.length; i += 500) tx.insert(examParticipants).values(rows.slice(i, i + 500)).run();
  touch(tx, examId);
  audit({ action: "exam.participants.add", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "participantsAdd", params: { count: rows.length, exam: examLabel(e), all: input.mode === "all" ? "yes" : "no" } }, after: { usernames: rows.slice(0, 50).map((r) => r.username), count: rows.length } });
  return rows.length;
}

export function removeParticipants(examId: number, ids: number[], { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "participants");
  const rows = tx.select({ id: examParticipants.id, username: examParticipants.username }).from(examParticipants).where(and(eq(examParticipants.examId, examId), inArray(examParticipants.id, ids))).all();
  if (rows.length === 0) throw new ActionError(tr("examErrors.nothingWasRemoved"));
  tx.delete(examParticipants).where(inArray(examParticipants.id, rows.map((r) => r.id))).run();
  touch(tx, examId);
  audit({ action: "exam.participants.remove", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "participantsRemove", params: { count: rows.length, exam: examLabel(e) } }, before: { usernames: rows.slice(0, 50).map((r) => r.username), count: rows.length } });
  return rows.length;
}

export function addBackups(examId: number, roomId: number, n: number, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "participants");
  const room = tx.select().from(examRooms).where(and(eq(examRooms.id, roomId), eq(examRooms.examId, examId))).get();
  if (!room) throw new ActionError(tr("examErrors.chooseARoomOfThisExam"), { roomId: [tr("examErrors.chooseARoom")] });
  const inRoom = tx.select({ n: count() }).from(examParticipants).where(eq(examParticipants.roomId, roomId)).get()?.n ?? 0;
  if (inRoom + n > freeSeats(room)) {
    throw new ActionError(tr("examErrors.notEnoughFreeSeats"), { count: [tr("examErrors.backupsFit", { room: room.name, free: freeSeats(room), used: inRoom, more: Math.max(0, freeSeats(room) - inRoom) })] });
  }
  const taken = new Set(tx.select({ u: examParticipants.username }).from(examParticipants).where(eq(examParticipants.examId, examId)).all().map((r) => r.u));
  const made: string[] = [];
  for (let i = 1; made.length < n && i < 1000; i++) {
    const username = backupUsername(e.courseCode, e.period, i);
    if (taken.has(username)) continue;
    taken.add(username);
    made.push(username);
  }
  // each new backup takes the last seat of its room nobody holds (as automatic seating places them),
  // so adding a backup late leaves no one without a seat
  const held = new Set(tx.select({ seat: examParticipants.seat }).from(examParticipants).where(eq(examParticipants.roomId, roomId)).all().map((r) => r.seat));
  const open = seatableSeats(room).filter((s) => !held.has(s));
  for (const username of made) tx.insert(examParticipants).values({ examId, kind: "backup", username, roomId, seat: open.pop() ?? null }).run();
  touch(tx, examId);
  audit({ action: "exam.backups.add", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "backupsAdd", params: { count: made.length, room: room.name, exam: examLabel(e), names: made.join(", ") } }, after: { room: room.name, usernames: made } });
  return made;
}

function loadParticipant(tx: DbOrTx, examId: number, participantId: number) {
  const p = tx.select().from(examParticipants).where(and(eq(examParticipants.id, participantId), eq(examParticipants.examId, examId))).get();
  if (!p) throw new ActionError(tr("examErrors.thisParticipantIsNoLongerIn"));
  return p;
}

export function setExtraTime(examId: number, participantId: number, extraMinutes: number, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "extraTime");
  const p = loadParticipant(tx, examId, participantId);
  if (p.extraMinutes === extraMinutes) return p;
  if (extraMinutes > p.extraMinutes) {
    const current = tx.select({ m: max(examParticipants.extraMinutes) }).from(examParticipants).where(eq(examParticipants.examId, examId)).get()?.m ?? 0;
    const conflicts = roomConflicts(tx, examId, { maxExtraMinutes: Math.max(current, extraMinutes) });
    if (conflicts.length) throw new ActionError(tr("examErrors.aRoomIsNeededByThe"), { extraMinutes: conflicts.map((c) => tr("examErrors.extraRunsInto", { conflict: c.message, minutes: extraMinutes })) });
  }
  tx.update(examParticipants).set({ extraMinutes }).where(eq(examParticipants.id, p.id)).run();
  touch(tx, examId);
  audit({ action: "exam.extra-time", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "extraTime", params: { username: p.username, before: p.extraMinutes, after: extraMinutes, exam: examLabel(e) } }, before: { extraMinutes: p.extraMinutes }, after: { extraMinutes } });
  return { ...p, extraMinutes };
}

/** Puts one participant on a seat (or off any seat); a taken seat swaps the two. */
export function setSeat(examId: number, participantId: number, roomId: number | null, seat: number | null, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "seating");
  const p = loadParticipant(tx, examId, participantId);
  if ((roomId === null) !== (seat === null)) throw new ActionError(tr("examErrors.chooseARoomAndASeat"), roomId === null ? { roomId: [tr("examErrors.chooseTheRoomToo")] } : { seat: [tr("examErrors.typeASeatNumber")] });
  const roomName = (id: number | null) => (id === null ? null : (tx.select({ name: examRooms.name }).from(examRooms).where(eq(examRooms.id, id)).get()?.name ?? "?"));
  if (roomId === null || seat === null) {
    if (p.kind === "backup") throw new ActionError(tr("examErrors.aBackupAccountKeepsItsRoom2"), { roomId: [tr("examErrors.backupsStayInTheirRoom")] });
    tx.update(examParticipants).set({ roomId: null, seat: null }).where(eq(examParticipants.id, p.id)).run();
    touch(tx, examId);
    audit({ action: "exam.seat", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "seatNone", params: { username: p.username, exam: examLabel(e) } }, before: { room: roomName(p.roomId), seat: p.seat } });
    return { username: p.username, room: null, seat: null, swappedWith: null, unseated: null, printed: [] as string[] };
  }
  const room = tx.select().from(examRooms).where(and(eq(examRooms.id, roomId), eq(examRooms.examId, examId))).get();
  if (!room) throw new ActionError(tr("examErrors.chooseARoomOfThisExam"), { roomId: [tr("examErrors.chooseARoomOfThisExam")] });
  if (p.kind === "backup" && p.roomId !== roomId) throw new ActionError(tr("examErrors.aBackupAccountKeepsItsRoom"), { roomId: [tr("examErrors.isBackupFor", { username: p.username, room: roomName(p.roomId) ?? "?" })] });
  if (seat > room.seats) throw new ActionError(tr("examErrors.noSuchSeat"), { seat: [tr("examErrors.roomHasSeats", { room: room.name, seats: room.seats })] });
  if (room.blockedSeats.includes(seat)) throw new ActionError(tr("examErrors.thatSeatIsBlocked"), { seat: [tr("examErrors.seatBlockedIn", { seat, room: room.name })] });
  if (p.roomId === roomId && p.seat === seat) return { username: p.username, room: room.name, seat, swappedWith: null, unseated: null, printed: [] as string[] };
  const other = tx.select().from(examParticipants).where(and(eq(examParticipants.roomId, roomId), eq(examParticipants.seat, seat))).get();
  const hadSeat = p.roomId !== null && p.seat !== null;
  // a taken seat: swap when the other can move to p's old seat, otherwise the other loses the seat
  const swap = !!other && hadSeat && (other.kind === "student" || other.roomId === p.roomId);
  if (other && !swap && other.kind === "backup") throw new ActionError(tr("examErrors.aBackupAccountSitsThere"), { seat: [tr("examErrors.seatHoldsBackup", { seat, username: other.username, room: room.name })] });
  if (other) tx.update(examParticipants).set({ seat: null, ...(other.kind === "student" ? { roomId: null } : {}) }).where(eq(examParticipants.id, other.id)).run();
  tx.update(examParticipants).set({ roomId, seat }).where(eq(examParticipants.id, p.id)).run();
  if (other && swap) tx.update(examParticipants).set({ roomId: p.roomId, seat: p.seat }).where(eq(examParticipants.id, other.id)).run();
  touch(tx, examId);
  const swapped = other && swap ? other.username : null;
  audit({
    action: "exam.seat",
    entityType: "exam",
    entityId: examId,
    courseId: e.courseId,
    message: { key: "seatSet", params: { username: p.username, room: room.name, seat, swapped: swapped || "none", unseated: !swapped && other ? other.username : "none", exam: examLabel(e) } },
    before: { room: roomName(p.roomId), seat: p.seat },
    after: { room: room.name, seat },
  });
  // who sits where now: said above the list, where a row that left the room's list no longer is;
  // and whose sheet, printed already, names the old seat
  return {
    username: p.username,
    room: room.name,
    seat,
    swappedWith: swapped ? { username: swapped, room: roomName(p.roomId)!, seat: p.seat! } : null,
    unseated: other && !swapped ? other.username : null,
    printed: [p, ...(other ? [other] : [])].filter((x) => x.passwordHash !== null).map((x) => x.username),
  };
}

export function autoSeatExam(examId: number, order: SeatOrder, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "seating");
  const rooms = tx.select().from(examRooms).where(and(eq(examRooms.examId, examId), sql`${examRooms.seats} > 0`)).orderBy(asc(examRooms.position), asc(examRooms.id)).all();
  if (rooms.length === 0) throw new ActionError(tr("examErrors.addARoomWithSeatsFirst"));
  const people = listParticipants(tx, examId);
  if (people.length === 0) throw new ActionError(tr("examErrors.theExamHasNoParticipantsAdd"));
  const result = autoSeat(rooms, people, order);
  if (result.error) throw new ActionError(result.error);
  // clear first: the unique (room, seat) index must hold after every statement
  tx.update(examParticipants).set({ seat: null }).where(eq(examParticipants.examId, examId)).run();
  for (const p of people) {
    const s = result.seats.get(p.id);
    tx.update(examParticipants).set({ roomId: s?.roomId ?? null, seat: s?.seat ?? null }).where(eq(examParticipants.id, p.id)).run();
  }
  touch(tx, examId);
  audit({ action: "exam.seat.auto", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "seatAuto", params: { count: result.seats.size, order, rooms: rooms.map((r) => r.name).join(", "), exam: examLabel(e) } } });
  return { seated: result.seats.size, rooms: rooms.length };
}

export function clearSeating(examId: number, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "seating");
  tx.update(examParticipants).set({ seat: null }).where(eq(examParticipants.examId, examId)).run();
  tx.update(examParticipants).set({ roomId: null }).where(and(eq(examParticipants.examId, examId), eq(examParticipants.kind, "student"))).run();
  touch(tx, examId);
  audit({ action: "exam.seat.clear", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "seatClear", params: { exam: examLabel(e) } } });
}

export function addSupervisor(examId: number, username: string, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "supervisors");
  const user = tx.select().from(users).where(eq(users.username, username)).get();
  if (!user) throw new ActionError(tr("examErrors.notAStaffAccount"), { username: [tr("domain.noStaffWhy", { username })] });
  if (!user.active) throw new ActionError(tr("examErrors.thisAccountIsDeactivated"), { username: [tr("examErrors.accountDeactivated", { username })] });
  const exists = tx.select({ id: examSupervisors.id }).from(examSupervisors).where(and(eq(examSupervisors.examId, examId), eq(examSupervisors.userId, user.id))).get();
  if (exists) throw new ActionError(tr("examErrors.supervisesAlready", { username }), { username: [tr("examErrors.supervisesAlready", { username })] });
  tx.insert(examSupervisors).values({ examId, userId: user.id }).run();
  audit({ action: "exam.supervisor.add", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "supervisorAdd", params: { username, exam: examLabel(e) } }, after: { username } });
}

export function removeSupervisor(examId: number, supervisorId: number, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "supervisors");
  const row = tx.select({ id: examSupervisors.id, username: users.username }).from(examSupervisors).innerJoin(users, eq(users.id, examSupervisors.userId)).where(and(eq(examSupervisors.id, supervisorId), eq(examSupervisors.examId, examId))).get();
  if (!row) throw new ActionError(tr("examErrors.thisSupervisorIsNoLongerAssigned"));
  tx.delete(examSupervisors).where(eq(examSupervisors.id, row.id)).run();
  audit({ action: "exam.supervisor.remove", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "supervisorRemove", params: { username: row.username, exam: examLabel(e) } }, before: { username: row.username } });
}

const STAMP: Partial<Record<ExamStatus, "scheduledAt" | "openedAt" | "closedAt" | "archivedAt">> = { scheduled: "scheduledAt", open: "openedAt", closed: "closedAt", archived: "archivedAt" };

export function transitionExam(examId: number, name: TransitionName, expectedRevision: number | undefined, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  if (expectedRevision !== undefined && expectedRevision !== e.revision) {
    throw new ActionError(tr("examErrors.theExamChangedSinceYouOpened"));
  }
  const snap = examSnapshot(tx, examId)!;
  const problems = transitionProblems(snap, name);
  if (problems.length) throw new ActionError(tr("examErrors.stepNotPossible", { step: tr(`examPage.steps.${name}`), problems: problems.map((p) => p.message).join(" ") }));
  const to = TRANSITIONS[name].to;
  const stamp = STAMP[to];
  touch(tx, examId, { status: to, ...(stamp ? { [stamp]: new Date() } : {}) });
  audit({ action: `exam.${name}`, entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "examStatus", params: { exam: examLabel(e), from: e.status, to } }, before: { status: e.status }, after: { status: to } });
  return to;
}

/** Participants who get a sheet, sorted by room order and seat; who is printed in this request. */
export function sheetRows(db: DbOrTx, examId: number, which: { roomId?: number; participantId?: number } = {}) {
  return listParticipants(db, examId)
    .filter((p) => (which.participantId ? p.id === which.participantId : which.roomId ? p.roomId === which.roomId : true))
    .sort((a, b) => (a.roomPosition ?? 1e9) - (b.roomPosition ?? 1e9) || (a.roomId ?? 0) - (b.roomId ?? 0) || (a.seat ?? 1e9) - (b.seat ?? 1e9));
}

/**
 * Stores new password hashes (prepared outside the transaction) for the given participants,
 * raises the exam's passwordsVersion and audits the print, never the passwords.
 */
export function storePasswords(
  examId: number,
  hashes: { participantId: number; hash: string }[],
  what: { kind: "all" | "room" | "missing" | "reissue"; label: string; room?: string; expectedRevision?: number },
  { tx, audit }: ActionContext,
) {
  const e = loadExam(tx, examId);
  requireEditable(e, "passwords");
  if (what.expectedRevision !== undefined && what.expectedRevision !== e.revision) throw new ActionError(tr("examErrors.theExamChangedWhileTheSheets"));
  const ids = hashes.map((h) => h.participantId);
  const found = tx.select({ id: examParticipants.id, issues: examParticipants.passwordIssues, username: examParticipants.username, roomId: examParticipants.roomId, seat: examParticipants.seat }).from(examParticipants).where(and(eq(examParticipants.examId, examId), inArray(examParticipants.id, ids))).all();
  if (found.length !== ids.length) throw new ActionError(tr("examErrors.theParticipantsChangedWhileTheSheets"));
  if (found.some((p) => p.roomId === null || p.seat === null)) throw new ActionError(tr("examErrors.someoneLostTheirSeatWhileThe"));
  const version = e.passwordsVersion + 1;
  const at = new Date();
  for (const h of hashes) {
    tx.update(examParticipants).set({ passwordHash: h.hash, passwordIssuedAt: at, passwordVersion: version, passwordIssues: sql`${examParticipants.passwordIssues} + 1` }).where(eq(examParticipants.id, h.participantId)).run();
  }
  touch(tx, examId, { passwordsVersion: version });
  const reissued = found.filter((p) => p.issues > 0).length;
  audit({
    action: what.kind === "reissue" ? "exam.password.reissue" : "exam.sheets.print",
    entityType: "exam",
    entityId: examId,
    courseId: e.courseId,
    message:
      what.kind === "reissue"
        ? { key: "passwordReissue", params: { username: found[0].username, exam: examLabel(e), version } }
        : { key: "sheetsPrint", params: { count: found.length, what: what.label, scope: what.kind, room: what.room ?? "", exam: examLabel(e), reissued, version } },
    after: { participants: found.length, reissued, version, usernames: found.slice(0, 50).map((p) => p.username) },
  });
  return { version, count: found.length, reissued };
}

/**
 * Lifts the exam hub's sign-in lock of one participant (after too many wrong passwords): raises
 * the participant's unlock count, which the hub sees with the next push and lifts its lock.
 */
export function unlockParticipant(examId: number, participantId: number, expectedRevision: number | undefined, { tx, audit }: ActionContext) {
  const e = loadExam(tx, examId);
  requireEditable(e, "unlock");
  if (expectedRevision !== undefined && expectedRevision !== e.revision) throw new ActionError(tr("examErrors.theExamChangedSinceYouOpened2"));
  const p = loadParticipant(tx, examId, participantId);
  if (!p.passwordHash) throw new ActionError(tr("examErrors.noPasswordYet", { username: p.username }));
  tx.update(examParticipants).set({ unlocks: sql`${examParticipants.unlocks} + 1`, unlockedAt: new Date() }).where(eq(examParticipants.id, p.id)).run();
  touch(tx, examId);
  audit({ action: "exam.unlock", entityType: "exam", entityId: examId, courseId: e.courseId, message: { key: "unlock", params: { username: p.username, exam: examLabel(e) } }, after: { username: p.username, unlocks: p.unlocks + 1 } });
  return { username: p.username };
}
