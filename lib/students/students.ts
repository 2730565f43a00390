/**
 * Students across terms: the portal-wide search (navigation) and one person's page.
 *
 * A person is a hub user: the normalized roster username (lib/identity/username.ts), which is
 * the same on every term's roster. The search matches the roster's stored search key
 * (lib/rosters/search.ts, index `students_term_search`), so it is umlaut-tolerant exactly as a
 * term's roster search is. Both take the courses the reader may see (the guard's
 * `coursesWith(principal, "roster.view")`): a lecturer finds only their own courses' students.
 */
import { and, asc, countDistinct, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { courses, examParticipants, exams, students, submissions, terms, type Hub } from "@/lib/db/schema";
import { normalizeUsername } from "@/lib/identity/username";
import { studentSearch } from "@/lib/rosters/roster";
import { searchTerms } from "@/lib/text/fold";

/** "all" (an admin) or the ids of the courses whose rosters the reader may see. */
export type CourseScope = "all" | readonly number[];

function inScope(scope: CourseScope): SQL | undefined {
  if (scope === "all") return undefined;
  return scope.length ? inArray(terms.courseId, [...scope]) : sql`0`;
}

export interface StudentHitTerm {
  courseId: number;
  termId: number;
  code: string;
  term: string;
  archived: boolean;
}

export interface StudentHit {
  username: string;
  name: string | null;
  matrikel: string | null;
  terms: StudentHitTerm[];
}

export const SEARCH_PAGE_SIZE = 25;

/**
 * One page of the people whose roster rows match every word of `q` on a term the scope covers,
 * by username; each with the terms (in scope) they are on. An empty query finds no one.
 */
export function searchStudents(db: DbOrTx, scope: CourseScope, q: string, opts: { page?: number; pageSize?: number } = {}) {
  const pageSize = Math.min(Math.max(opts.pageSize ?? SEARCH_PAGE_SIZE, 5), 100);
  if (searchTerms(q).length === 0) return { rows: [] as StudentHit[], total: 0, page: 1, pages: 1, pageSize };
  const where = and(inScope(scope), ...studentSearch(q));
  const total =
    db
      .select({ n: countDistinct(students.username) })
      .from(students)
      .innerJoin(terms, eq(terms.id, students.termId))
      .where(where)
      .get()?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(opts.page ?? 1, 1), pages);
  const names = db
    .select({ username: students.username })
    .from(students)
    .innerJoin(terms, eq(terms.id, students.termId))
    .where(where)
    .groupBy(students.username)
    .orderBy(asc(students.username))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all()
    .map((r) => r.username);
  const rows = names.length ? rosterRows(db, scope, names) : [];
  const byName = new Map<string, StudentHit>();
  for (const r of rows) {
    let hit = byName.get(r.username);
    if (!hit) byName.set(r.username, (hit = { username: r.username, name: null, matrikel: null, terms: [] }));
    // the newest term's name and number first: what the person is called now
    hit.name ??= personName(r);
    hit.matrikel ??= r.matrikel;
    hit.terms.push({ courseId: r.courseId, termId: r.termId, code: r.code, term: r.term, archived: r.archived });
  }
  return { rows: names.map((n) => byName.get(n)!).filter(Boolean), total, page, pages, pageSize };
}

function personName(r: { firstName: string | null; lastName: string | null; displayName: string | null }): string | null {
  return [r.firstName, r.lastName].filter(Boolean).join(" ") || r.displayName || null;
}

/** The roster rows of these usernames on the terms in scope, newest term first. */
function rosterRows(db: DbOrTx, scope: CourseScope, usernames: readonly string[]) {
  return db
    .select({
      id: students.id,
      username: students.username,
      firstName: students.firstName,
      lastName: students.lastName,
      displayName: students.displayName,
      matrikel: students.matrikel,
      universityId: students.universityId,
      room: students.room,
      seat: students.seat,
      isBackup: students.isBackup,
      termId: terms.id,
      term: terms.term,
      hubs: terms.hubs,
      termArchivedAt: terms.archivedAt,
      courseId: courses.id,
      code: courses.code,
      title: courses.title,
      courseArchivedAt: courses.archivedAt,
    })
    .from(students)
    .innerJoin(terms, eq(terms.id, students.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(inScope(scope), inArray(students.username, [...usernames])))
    .orderBy(desc(terms.createdAt), desc(terms.id))
    .all()
    .map((r) => ({ ...r, archived: r.termArchivedAt !== null || r.courseArchivedAt !== null }));
}

export interface StudentExamView {
  examId: number;
  title: string;
  period: string;
  status: string;
  startsAt: Date;
  /** The exam hub login (`<course>-<FB02UID>`). */
  login: string;
  kind: "student" | "backup";
}

export interface StudentTermView {
  courseId: number;
  termId: number;
  code: string;
  title: string;
  term: string;
  archived: boolean;
  /** The hubs the term is offered on (none while archived: the push leaves it out). */
  hubs: Hub[];
  /** Marked as a spare seat on the roster (exam sheet lists' `is_backup`). */
  backup: boolean;
  room: string | null;
  seat: string | null;
  exams: StudentExamView[];
}

export interface StudentSubmissionView {
  id: number;
  courseId: number;
  termId: number;
  code: string;
  term: string;
  assignment: string | null;
  submittedAt: Date | null;
  status: string;
  flags: string[];
  counts: boolean;
  gone: boolean;
}

export interface StudentPerson {
  username: string;
  name: string | null;
  matrikel: string | null;
  universityId: string | null;
  terms: StudentTermView[];
  /** Every exam hub login the person has on the exams of these terms. */
  examLogins: string[];
}

/** One person as the scope shows them, or null when no term in scope has them on its roster. */
export function getStudentPerson(db: DbOrTx, scope: CourseScope, username: string): StudentPerson | null {
  const name = normalizeUsername(username);
  const rows = rosterRows(db, scope, [name]);
  if (rows.length === 0) return null;
  const ids = rows.map((r) => r.id);
  const participants = db
    .select({
      examId: exams.id,
      termId: exams.termId,
      title: exams.title,
      period: exams.period,
      status: exams.status,
      startsAt: exams.startsAt,
      login: examParticipants.username,
      kind: examParticipants.kind,
    })
    .from(examParticipants)
    .innerJoin(exams, eq(exams.id, examParticipants.examId))
    .where(and(inArray(exams.termId, rows.map((r) => r.termId)), or(inArray(examParticipants.studentId, ids), eq(examParticipants.rosterUsername, name))))
    .orderBy(desc(exams.startsAt))
    .all();
  const examsOf = new Map<number, StudentExamView[]>();
  for (const p of participants) {
    const list = examsOf.get(p.termId) ?? [];
    if (!list.some((e) => e.examId === p.examId)) list.push({ examId: p.examId, title: p.title, period: p.period, status: p.status, startsAt: p.startsAt, login: p.login, kind: p.kind });
    examsOf.set(p.termId, list);
  }
  return {
    username: name,
    name: rows.map(personName).find(Boolean) ?? null,
    matrikel: rows.map((r) => r.matrikel).find(Boolean) ?? null,
    universityId: rows.map((r) => r.universityId).find(Boolean) ?? null,
    terms: rows.map((r) => ({
      courseId: r.courseId,
      termId: r.termId,
      code: r.code,
      title: r.title,
      term: r.term,
      archived: r.archived,
      hubs: r.archived ? [] : [...r.hubs],
      backup: r.isBackup === true,
      room: r.room,
      seat: r.seat,
      exams: examsOf.get(r.termId) ?? [],
    })),
    examLogins: [...new Set(participants.map((p) => p.login))].sort(),
  };
}

/**
 * The person's submissions on the given terms (those the reader may grade), newest first: the
 * folders nbgrader filed under their hub login or one of their exam logins.
 */
export function studentSubmissions(db: DbOrTx, person: Pick<StudentPerson, "username" | "examLogins">, termIds: readonly number[]): StudentSubmissionView[] {
  if (termIds.length === 0) return [];
  const logins = [person.username, ...person.examLogins];
  return db
    .select({
      id: submissions.id,
      courseId: terms.courseId,
      termId: submissions.termId,
      code: courses.code,
      term: terms.term,
      assignment: submissions.assignmentName,
      submittedAt: submissions.submittedAt,
      status: submissions.status,
      flags: submissions.flagKinds,
      counts: submissions.counts,
      goneAt: submissions.goneAt,
    })
    .from(submissions)
    .innerJoin(terms, eq(terms.id, submissions.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(inArray(submissions.termId, [...termIds]), inArray(submissions.student, logins)))
    .orderBy(desc(submissions.submittedAt), desc(submissions.id))
    .all()
    .map(({ goneAt, ...s }) => ({ ...s, flags: [...s.flags], gone: goneAt !== null }));
}
