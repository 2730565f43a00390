/**
 * Reading stored submissions: the per-assignment list (filters, search, paging), one
 * submission with its files, and the "type the code from the sheet" lookup.
 */
import { and, asc, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { students, submissionFiles, submissions, SUBMISSION_STATUSES } from "@/lib/db/schema";
import type { SubmissionFileRow, SubmissionRow } from "@/lib/submissions/persist";
import { lookupHashcode, type HashcodeIndex, type HashcodeLookup, type HashcodeSource, type SubmissionFlagKind, type SubmissionStatus, type VerifiableSubmission } from "@/lib/submissions/verify";
import { normalizeHashcode } from "@/lib/submissions/hashcode";
import { likeTerm } from "@/lib/rosters/search";
import { searchTerms } from "@/lib/text/fold";
import type { LookupAnswer, LookupMatch } from "./types";

export type { LookupAnswer, LookupMatch };

export const FLAG_FILTERS = ["late", "changed-since-first-scan", "several-submissions", "added-after-submission", "scan-problems", "mismatch", "missing-hashcode", "verified", "wrong-student", "misfiled"] as const satisfies readonly SubmissionFlagKind[];
export type FlagFilter = (typeof FLAG_FILTERS)[number];
export const STATUS_FILTERS = SUBMISSION_STATUSES;

export interface SubmissionQuery {
  status?: SubmissionStatus;
  flag?: FlagFilter;
  /** Student username or name (from the roster). */
  q?: string;
  /** Only the submission that counts per student (default), or every attempt. */
  all?: boolean;
  page?: number;
  /** Rows per page (1 to 500, default 50), or "all": one page with every row (for printing). */
  pageSize?: number | "all";
}

export interface SubmissionListItem {
  id: number;
  student: string | null;
  studentName: string | null;
  matrikel: string | null;
  submittedAt: Date | null;
  timestamp: string | null;
  recordedHashcode: string | null;
  computedHashcode: string | null;
  status: SubmissionStatus;
  flagKinds: SubmissionFlagKind[];
  counts: boolean;
  attempts: number;
  mode: SubmissionRow["mode"];
  files: number;
  totalBytes: number;
}

function studentName(s: { firstName: string | null; lastName: string | null; displayName: string | null } | null): string | null {
  if (!s) return null;
  const full = [s.firstName, s.lastName].filter(Boolean).join(" ");
  return full || s.displayName || null;
}

export function computedHashcode(r: Pick<SubmissionRow, "mode" | "storedHashcode" | "notebookHashcode" | "notebookLegacyHashcode" | "recordedHashcode">): string | null {
  if (r.mode === "sha1sum") return r.storedHashcode;
  if (r.mode === "notebook") return r.recordedHashcode && normalizeHashcode(r.recordedHashcode).length === 24 ? r.notebookLegacyHashcode : r.notebookHashcode;
  return null;
}

export function listSubmissions(db: DbOrTx, termId: number, assignmentName: string, query: SubmissionQuery = {}) {
  const where: SQL[] = [eq(submissions.termId, termId), eq(submissions.assignmentName, assignmentName), isNull(submissions.goneAt)];
  // misfiled folders count for nobody, yet they must not vanish from the list
  if (!query.all) where.push(or(eq(submissions.counts, true), eq(submissions.status, "misfiled"))!);
  if (query.status) where.push(eq(submissions.status, query.status));
  if (query.flag) where.push(sql`exists (select 1 from json_each(${submissions.flagKinds}) where value = ${query.flag})`);
  // as on the roster: folded terms (mueller finds Müller), each in the student or the roster entry
  for (const term of searchTerms(query.q ?? "")) {
    const p = likeTerm(term);
    where.push(or(sql`${submissions.student} like ${p} escape '\\'`, sql`${students.searchKey} like ${p} escape '\\'`)!);
  }
  const cond = and(...where);
  const join = and(eq(students.termId, submissions.termId), eq(students.username, submissions.student));
  const total = db.select({ n: sql<number>`count(*)` }).from(submissions).leftJoin(students, join).where(cond).get()?.n ?? 0;
  const pageSize = query.pageSize === "all" ? Math.max(total, 1) : Math.min(Math.max(query.pageSize ?? 50, 1), 500);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pages);
  const attempts = sql<number>`(select count(*) from ${submissions} s2 where s2.term_id = ${submissions.termId} and s2.student = ${submissions.student} and s2.assignment_name = ${submissions.assignmentName} and s2.gone_at is null)`;
  const files = sql<number>`(select count(*) from ${submissionFiles} f where f.submission_id = ${submissions.id} and f.kind <> 'absent')`;
  // username first: drizzle drops a left-joined object whose first column is null (a roster row with a name but no first name)
  const rows = db
    .select({ s: submissions, st: { username: students.username, firstName: students.firstName, lastName: students.lastName, displayName: students.displayName, matrikel: students.matrikel }, attempts, files })
    .from(submissions)
    .leftJoin(students, join)
    .where(cond)
    .orderBy(asc(submissions.student), desc(submissions.submittedAtUtc), asc(submissions.key))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const items: SubmissionListItem[] = rows.map(({ s, st, attempts, files }) => ({
    id: s.id,
    student: s.student,
    studentName: studentName(st),
    matrikel: st?.matrikel ?? null,
    submittedAt: s.submittedAt,
    timestamp: s.timestamp,
    recordedHashcode: s.recordedHashcode,
    computedHashcode: computedHashcode(s),
    status: s.status,
    flagKinds: s.flagKinds,
    counts: s.counts,
    attempts,
    mode: s.mode,
    files,
    totalBytes: s.totalBytes,
  }));
  return { rows: items, total, page, pages, pageSize };
}

export interface SubmissionDetail {
  row: SubmissionRow;
  files: SubmissionFileRow[];
  studentName: string | null;
  matrikel: string | null;
  computedHashcode: string | null;
  /** Other attempts of the same student and assignment (including gone ones). */
  siblings: Pick<SubmissionRow, "id" | "key" | "submittedAt" | "status" | "counts" | "goneAt">[];
}

export function getSubmission(db: DbOrTx, termId: number, submissionId: number): SubmissionDetail | null {
  const row = db.select().from(submissions).where(and(eq(submissions.id, submissionId), eq(submissions.termId, termId))).get();
  if (!row) return null;
  const files = db.select().from(submissionFiles).where(eq(submissionFiles.submissionId, row.id)).orderBy(asc(submissionFiles.path)).all();
  const st = row.student ? db.select().from(students).where(and(eq(students.termId, termId), eq(students.username, row.student))).get() : undefined;
  const siblings =
    row.student && row.assignmentName
      ? db
          .select({ id: submissions.id, key: submissions.key, submittedAt: submissions.submittedAt, status: submissions.status, counts: submissions.counts, goneAt: submissions.goneAt })
          .from(submissions)
          .where(and(eq(submissions.termId, termId), eq(submissions.student, row.student), eq(submissions.assignmentName, row.assignmentName)))
          .orderBy(desc(submissions.submittedAtUtc))
          .all()
      : [];
  return { row, files, studentName: studentName(st ?? null), matrikel: st?.matrikel ?? null, computedHashcode: computedHashcode(row), siblings };
}

// ---------------------------------------------------------------------------------------------
// Hashcode lookup

/**
 * Index of the term's hashcodes built from the stored rows (no files needed: the stored
 * status is verify.ts's own verdict).
 */
function indexOfTerm(db: DbOrTx, termId: number, assignmentName?: string) {
  const where: SQL[] = [eq(submissions.termId, termId), isNull(submissions.goneAt)];
  if (assignmentName) where.push(eq(submissions.assignmentName, assignmentName));
  const rows = db
    .select({
      id: submissions.id,
      key: submissions.key,
      student: submissions.student,
      assignment: submissions.assignmentName,
      submittedAtUtc: submissions.submittedAtUtc,
      timestamp: submissions.timestamp,
      recorded: submissions.recordedHashcode,
      stored: submissions.storedHashcode,
      rebuilt: submissions.rebuiltHashcode,
      nbShort: submissions.notebookHashcode,
      nbLegacy: submissions.notebookLegacyHashcode,
      status: submissions.status,
      counts: submissions.counts,
    })
    .from(submissions)
    .where(and(...where))
    .all();
  const byCode: HashcodeIndex["byCode"] = new Map();
  const status = new Map<string, SubmissionStatus>();
  const subs: VerifiableSubmission[] = [];
  const meta = new Map<string, { id: number; counts: boolean }>();
  for (const r of rows) {
    const sub = {
      key: r.key,
      student: r.student,
      assignment: r.assignment,
      submittedAt: r.submittedAtUtc ? { text: r.timestamp ?? r.submittedAtUtc, utc: r.submittedAtUtc, epochMicros: 0 } : null,
      recordedHashcode: r.recorded,
    } as VerifiableSubmission;
    subs.push(sub);
    status.set(r.key, r.status);
    meta.set(r.key, { id: r.id, counts: r.counts });
    const add = (c: string | null, source: HashcodeSource) => {
      if (!c) return;
      const n = normalizeHashcode(c);
      if (!n) return;
      const list = byCode.get(n);
      if (list) list.push({ sub, source });
      else byCode.set(n, [{ sub, source }]);
    };
    add(r.recorded, "recorded");
    add(r.stored, "sha1sum-stored");
    add(r.rebuilt, "sha1sum-rebuilt");
    add(r.nbShort, "notebook");
    add(r.nbLegacy, "notebook");
  }
  return { index: { byCode, status, subs } satisfies HashcodeIndex, meta };
}

/** Answers a hashcode typed from a student's sheet (case, spaces and dashes forgiven). */
export function lookupTermHashcode(db: DbOrTx, termId: number, typed: string, opts: { assignment?: string } = {}): LookupAnswer {
  const { index, meta } = indexOfTerm(db, termId, opts.assignment);
  const r = lookupHashcode(typed, index);
  const conv = (m: HashcodeLookup["matches"][number] & { code?: string }): LookupMatch => ({
    id: meta.get(m.key)!.id,
    student: m.student,
    assignment: m.assignment,
    submittedAt: m.submittedAt,
    status: m.status,
    matchedOn: m.matchedOn,
    counts: meta.get(m.key)!.counts,
    ...(m.code ? { code: m.code } : {}),
  });
  return { typed: r.typed, normalized: r.normalized, answer: r.answer, matches: r.matches.map(conv), nearMatches: r.nearMatches.map(conv) };
}
