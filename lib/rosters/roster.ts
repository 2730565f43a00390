/**
 * A term's student roster in the database: listing and searching, importing a file (preview,
 * then apply exactly that preview), the column mappings remembered per course, adding and
 * removing students. The file format itself is lib/rosters/csv.ts.
 */
import { fmt, t } from "@/lib/i18n/t";
import { createHash } from "node:crypto";
import { and, asc, count, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { rosterColumnMappings, students } from "@/lib/db/schema";
import { getTerm } from "@/lib/courses/courses";
import { searchTerms } from "@/lib/text/fold";
import { diffRoster, type ColumnMapping, type ParsedRoster } from "./csv";
import { readRosterFile, studentValues, type MappingSource, type MappingStep, type ReadOptions, type ReadRoster } from "./read";
import { likeTerm } from "./search";
import { readRosterFileOffThread } from "./threads";

export type { MappingSource, MappingStep, ReadRoster } from "./read";

export const MAX_ROSTER_BYTES = 10 * 1024 * 1024;

export type StudentRow = typeof students.$inferSelect;
export type StudentFields = Pick<StudentRow, "username" | "universityId" | "firstName" | "lastName" | "displayName" | "matrikel" | "room" | "seat" | "examDate" | "isBackup">;

const FIELDS = ["username", "universityId", "firstName", "lastName", "displayName", "matrikel", "room", "seat", "examDate", "isBackup"] as const satisfies readonly (keyof StudentFields)[];

export interface StudentQuery {
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: "username" | "lastName" | "matrikel" | "createdAt";
  dir?: "asc" | "desc";
}

/** Conditions for a search: every folded term must occur in the student's search key. */
export function studentSearch(q: string | undefined): SQL[] {
  return searchTerms(q ?? "").map((t) => sql`${students.searchKey} like ${likeTerm(t)} escape '\\'`);
}

const rosterWhere = (termId: number, q: string | undefined) => and(eq(students.termId, termId), ...studentSearch(q));

/** The students `where` selects, in the order a roster query asks for (ties by id). */
function studentsInOrder(db: DbOrTx, where: SQL | undefined, query: Pick<StudentQuery, "sort" | "dir">) {
  const col = {
    username: students.username,
    lastName: sql`coalesce(${students.lastName}, ${students.displayName})`,
    matrikel: students.matrikel,
    createdAt: students.id,
  }[query.sort ?? "username"];
  return db
    .select()
    .from(students)
    .where(where)
    .orderBy(query.dir === "desc" ? desc(col) : asc(col), asc(students.id))
    .$dynamic();
}

/** One page of a term's roster; the database does the searching and paging. */
export function listStudents(db: DbOrTx, termId: number, query: StudentQuery = {}) {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 10), 500);
  const where = rosterWhere(termId, query.q);
  const total = db.select({ n: count() }).from(students).where(where).get()?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pages);
  const rows = studentsInOrder(db, where, query)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { rows, total, page, pages, pageSize };
}

/** Every row of a roster search in the page's order (for printing all rows, not one page). */
export function listAllStudents(db: DbOrTx, termId: number, query: Omit<StudentQuery, "page" | "pageSize"> = {}): StudentRow[] {
  return studentsInOrder(db, rosterWhere(termId, query.q), query).all();
}

export function allStudents(db: DbOrTx, termId: number): StudentRow[] {
  return db.select().from(students).where(eq(students.termId, termId)).orderBy(asc(students.username)).all();
}

/** A fingerprint of the roster, so an import applies only onto the roster its preview saw. */
export function rosterVersion(db: DbOrTx, termId: number): string {
  const h = createHash("sha256");
  for (const s of allStudents(db, termId)) h.update(FIELDS.map((f) => String(s[f] ?? "")).join("\u0000") + "\n");
  return h.digest("hex").slice(0, 16);
}

export { studentValues };

function fieldsOf(r: Partial<StudentFields> & { username: string }): StudentFields {
  const { searchKey: _k, ...v } = studentValues(r);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Column mappings remembered per course

export function rememberedMapping(db: DbOrTx, courseId: number, signature: string): ColumnMapping | null {
  const row = db
    .select({ mapping: rosterColumnMappings.mapping })
    .from(rosterColumnMappings)
    .where(and(eq(rosterColumnMappings.courseId, courseId), eq(rosterColumnMappings.signature, signature)))
    .get();
  return row ? (row.mapping as ColumnMapping) : null;
}

function rememberMapping(tx: DbOrTx, courseId: number, signature: string, mapping: ColumnMapping, userId: number) {
  tx.insert(rosterColumnMappings)
    .values({ courseId, signature, mapping, updatedById: userId })
    .onConflictDoUpdate({ target: [rosterColumnMappings.courseId, rosterColumnMappings.signature], set: { mapping, updatedById: userId, updatedAt: new Date() } })
    .run();
}

const sameMapping = (a: ColumnMapping, b: ColumnMapping) => a.hasHeader === b.hasHeader && a.columns.length === b.columns.length && a.columns.every((m, i) => m === b.columns[i]);

// ---------------------------------------------------------------------------------------------
// Import

export type ImportMode = "merge" | "replace";

export type PreviewResult =
  | { kind: "needs-mapping"; fileHash: string; delimiter: string; encoding: string; step: MappingStep; message: string }
  | ({ kind: "preview" } & ImportPreview);

export interface ImportPreview {
  fileHash: string;
  version: string;
  mode: ImportMode;
  parsed: ParsedRoster;
  mappingSource: MappingSource;
  step: MappingStep;
  diff: ReturnType<typeof diffRoster<StudentRow>>;
}

function checkSize(bytes: Uint8Array) {
  if (bytes.byteLength > MAX_ROSTER_BYTES) {
    const msg = t("domain.fileTooBig", { size: fmt().number(bytes.byteLength / 1024 / 1024, 1) });
    throw new ActionError(msg, { file: [msg] });
  }
}

/** A roster file read in this thread, with the course's remembered mappings from the database. */
export function readRoster(db: DbOrTx, termId: number, bytes: Buffer, opts: ReadOptions = {}): ReadRoster {
  const term = getTerm(db, termId);
  if (!term) throw new ActionError(t("domain.termGone"));
  checkSize(bytes);
  return readRosterFile(bytes, (signature) => rememberedMapping(db, term.course.id, signature), opts);
}

/** A roster file read on a roster thread (the request's thread stays free for other pages). */
export async function readRosterOffThread(db: DbOrTx, termId: number, bytes: Buffer, opts: ReadOptions = {}): Promise<ReadRoster> {
  checkSize(bytes);
  const term = getTerm(db, termId);
  const remembered = term
    ? db.select({ signature: rosterColumnMappings.signature, mapping: rosterColumnMappings.mapping }).from(rosterColumnMappings).where(eq(rosterColumnMappings.courseId, term.course.id)).all().map((r) => [r.signature, r.mapping as ColumnMapping] as [string, ColumnMapping])
    : [];
  return readRosterFileOffThread(bytes, remembered, opts);
}

/** A file given as bytes (read here) or already read (by `readRosterOffThread`). */
export type RosterInput = Buffer | ReadRoster;

const readOf = (db: DbOrTx, termId: number, input: RosterInput, opts: ReadOptions) => (Buffer.isBuffer(input) ? readRoster(db, termId, input, opts) : input);

/** Everything the preview shows; nothing is written. */
export function previewImport(db: DbOrTx, termId: number, input: RosterInput, mode: ImportMode, opts: { mapping?: ColumnMapping } = {}): PreviewResult {
  return buildPreview(db, termId, input, mode, opts).result;
}

function buildPreview(db: DbOrTx, termId: number, input: RosterInput, mode: ImportMode, opts: ReadOptions): { result: PreviewResult; read: ReadRoster & { kind: "parsed" } | null } {
  const term = getTerm(db, termId);
  if (!term) throw new ActionError(t("domain.termGone"));
  const read = readOf(db, termId, input, opts);
  if (read.kind === "needs-mapping") return { read: null, result: read };
  const { parsed } = read;
  const existing = allStudents(db, termId);
  const protect = parsed.invalid.map((i) => i.username).filter((u): u is string => !!u);
  const diff = diffRoster(existing, parsed.rows, { mode, protect });
  return { read, result: { kind: "preview", fileHash: read.fileHash, version: rosterVersion(db, termId), mode, parsed, mappingSource: read.mappingSource, step: read.step, diff } };
}

function termLabel(db: DbOrTx, termId: number) {
  const row = getTerm(db, termId);
  if (!row) throw new ActionError(t("domain.termGone"));
  return { label: `${row.course.code} ${row.term.term}`, courseId: row.course.id };
}

export interface ApplyOptions {
  mapping?: ColumnMapping;
  /** Import the valid rows and leave the rejected ones out (an explicit choice). */
  partial?: boolean;
}

/** Applies an import atomically, refusing files and rosters that changed since the preview. */
export function applyImport(
  termId: number,
  input: RosterInput,
  mode: ImportMode,
  expected: { fileHash: string; version: string },
  { tx, audit, principal }: ActionContext,
  opts: ApplyOptions = {},
) {
  const { result: preview, read } = buildPreview(tx, termId, input, mode, { mapping: opts.mapping });
  if (preview.kind !== "preview" || !read) throw new ActionError(t("domain.mapFirst"));
  if (preview.fileHash !== expected.fileHash) throw new ActionError(t("domain.fileDiffers"));
  if (preview.version !== expected.version) {
    throw new ActionError(t("domain.rosterChanged"));
  }
  const { invalid, rows } = preview.parsed;
  if (invalid.length > 0 && !opts.partial) {
    throw new ActionError(t("domain.hasRejected", { count: invalid.length }));
  }
  if (rows.length === 0) throw new ActionError(t("domain.noValid"));
  const { added, removed, updated, unchanged, kept } = preview.diff;
  const removedNames = removed.map((r) => r.username);
  for (let i = 0; i < removedNames.length; i += 500) {
    tx.delete(students)
      .where(and(eq(students.termId, termId), inArray(students.username, removedNames.slice(i, i + 500))))
      .run();
  }
  // prepared once, run per row: several times faster than batched inserts for 10,000 students.
  // isBackup goes in raw (1, 0 or null): the boolean column would map null to 0.
  const ph = (k: string) => sql.placeholder(k);
  const columns = { universityId: ph("universityId"), firstName: ph("firstName"), lastName: ph("lastName"), displayName: ph("displayName"), matrikel: ph("matrikel"), room: ph("room"), seat: ph("seat"), examDate: ph("examDate"), isBackup: sql`${ph("isBackup")}`, searchKey: ph("searchKey") };
  const driver = (v: ReturnType<typeof studentValues>) => ({ ...v, isBackup: v.isBackup === null ? null : v.isBackup ? 1 : 0 });
  if (updated.length > 0) {
    const update = tx
      .update(students)
      .set(columns as never)
      .where(and(eq(students.termId, termId), eq(students.username, ph("username"))))
      .prepare();
    for (const u of updated) update.run(driver(studentValues(u.after)));
  }
  if (added.length > 0) {
    const insert = tx.insert(students).values({ termId: ph("termId"), username: ph("username"), ...columns } as never).prepare();
    // the search keys were built with the rows (on the roster thread when the file was read there)
    const keyOf = new Map(read.parsed.rows.map((r, i) => [r, read.searchKeys[i]] as const));
    for (const r of added) insert.run({ termId, ...driver(studentValues(r, keyOf.get(r))) });
  }

  const term = termLabel(tx, termId);
  const remembered = !(read.detected && sameMapping(read.detected, preview.parsed.mapping));
  if (remembered) rememberMapping(tx, term.courseId, preview.parsed.signature, preview.parsed.mapping, principal.id);
  const rejected = invalid.length;
  const protectedKept = mode === "replace" ? kept.length : 0;
  audit({
    action: "roster.import",
    entityType: "term",
    entityId: termId,
    courseId: term.courseId,
    message: {
      key: "rosterImport",
      params: { format: preview.parsed.formatLabel, term: term.label, mode, rejected, added: added.length, removed: removed.length, updated: updated.length, unchanged: unchanged.length, kept: protectedKept },
    },
    before: { removed: removedNames, updated: updated.map((u) => fieldsOf(u.before)) },
    after: {
      added: added.map((r) => r.username),
      updated: updated.map((u) => fieldsOf(u.after)),
      rejected: invalid.map((i) => ({ row: i.row, reason: i.reason })),
      notKept: preview.parsed.notKept.map((n) => ({ column: n.column, reason: n.reason })),
      mapping: preview.parsed.mapping,
      ...(remembered ? { mappingRemembered: preview.parsed.signature } : {}),
    },
  });
  return { added: added.length, removed: removed.length, updated: updated.length, unchanged: unchanged.length, rejected, kept: protectedKept };
}

/** The rejected rows of a file as CSV to fix and import again. */
export function rejectedRows(db: DbOrTx, termId: number, input: RosterInput, opts: { mapping?: ColumnMapping } = {}): { csv: string; rows: number } {
  const { result: preview, read } = buildPreview(db, termId, input, "merge", { ...opts, rejected: true });
  if (preview.kind !== "preview" || !read) throw new ActionError(t("domain.mapFirst"));
  return { csv: read.rejectedCsv ?? "", rows: preview.parsed.invalid.length };
}

export function addStudent(termId: number, fields: Partial<StudentFields> & { username: string }, { tx, audit }: ActionContext) {
  const term = termLabel(tx, termId);
  // the one username rule: "Alice" is the hub user "alice"
  const values = studentValues(fields);
  const exists = tx
    .select({ username: students.username })
    .from(students)
    .where(and(eq(students.termId, termId), or(eq(students.username, values.username), sql`lower(${students.username}) = ${values.username}`)))
    .get();
  if (exists) throw new ActionError(t("domain.onRoster"), { username: [t("domain.onRosterWhy", { username: exists.username })] });
  const row = tx.insert(students).values({ termId, ...values }).returning().get();
  audit({ action: "roster.add", entityType: "student", entityId: row.id, courseId: term.courseId, message: { key: "rosterAdd", params: { username: values.username, term: term.label } }, after: fieldsOf(values) });
  return row;
}

export function removeStudents(termId: number, ids: number[], { tx, audit }: ActionContext) {
  const term = termLabel(tx, termId);
  const rows = tx.select().from(students).where(and(eq(students.termId, termId), inArray(students.id, ids))).all();
  if (rows.length === 0) throw new ActionError(t("domain.notOnRoster"));
  tx.delete(students).where(inArray(students.id, rows.map((r) => r.id))).run();
  audit({
    action: "roster.remove",
    entityType: "term",
    entityId: termId,
    courseId: term.courseId,
    message: { key: "rosterRemove", params: { count: rows.length, username: rows[0]?.username ?? "", term: term.label } },
    before: rows.map((r) => fieldsOf(r)),
  });
  return rows.length;
}

/** A student as the printed roster shows them: username, name, matriculation number, room and seat. */
export function printRow(r: StudentRow) {
  return { id: r.id, username: r.username, name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.displayName || "", matrikel: r.matrikel ?? "", roomSeat: [r.room, r.seat].filter(Boolean).join(" / ") };
}
export type PrintRow = ReturnType<typeof printRow>;
