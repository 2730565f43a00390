import { createHash } from "node:crypto";
import { and, asc, count, desc, eq, inArray, like, or, sql, type SQL } from "drizzle-orm";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { students } from "@/lib/db/schema";
import { getTerm } from "@/lib/courses/courses";
import { normalizeUsername } from "@/lib/identity/username";
import { diffRoster, parseRosterCsv, RosterFileError } from "./csv";

export const MAX_ROSTER_BYTES = 10 * 1024 * 1024;

export type StudentRow = typeof students.$inferSelect;
export type StudentFields = Pick<StudentRow, "username" | "firstName" | "lastName" | "displayName" | "matrikel" | "room" | "seat">;

export interface StudentQuery {
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: "username" | "lastName" | "matrikel" | "createdAt";
  dir?: "asc" | "desc";
}

/** One page of a term's roster; the database does the searching and paging. */
export function listStudents(db: DbOrTx, termId: number, query: StudentQuery = {}) {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 10), 500);
  const conds: SQL[] = [eq(students.termId, termId)];
  const q = query.q?.trim();
  if (q) {
    const pat = `%${q}%`;
    conds.push(
      or(
        like(students.username, pat),
        like(students.lastName, pat),
        like(students.firstName, pat),
        like(students.displayName, pat),
        like(students.matrikel, pat),
      )!,
    );
  }
  const where = and(...conds);
  const total = db.select({ n: count() }).from(students).where(where).get()?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pages);
  const col = { username: students.username, lastName: students.lastName, matrikel: students.matrikel, createdAt: students.id }[
    query.sort ?? "username"
  ];
  const rows = db
    .select()
    .from(students)
    .where(where)
    .orderBy(query.dir === "desc" ? desc(col) : asc(col), asc(students.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { rows, total, page, pages, pageSize };
}

export function allStudents(db: DbOrTx, termId: number): StudentRow[] {
  return db.select().from(students).where(eq(students.termId, termId)).orderBy(asc(students.username)).all();
}

/** A fingerprint of the roster, so an import applies only onto the roster its preview saw. */
export function rosterVersion(db: DbOrTx, termId: number): string {
  const h = createHash("sha256");
  for (const s of allStudents(db, termId)) {
    h.update([s.username, s.firstName, s.lastName, s.displayName, s.matrikel, s.room, s.seat].map((v) => v ?? "").join("\u0000") + "\n");
  }
  return h.digest("hex").slice(0, 16);
}

export type ImportMode = "merge" | "replace";

/** Everything the preview shows; nothing is written. */
export function previewImport(db: DbOrTx, termId: number, bytes: Buffer, mode: ImportMode) {
  if (bytes.byteLength > MAX_ROSTER_BYTES) {
    const msg = `The file is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB; files over 10 MB are refused.`;
    throw new ActionError(msg, { file: [msg] });
  }
  let parsed;
  try {
    parsed = parseRosterCsv(bytes);
  } catch (err) {
    if (err instanceof RosterFileError) throw new ActionError(err.message, { file: [err.message] });
    throw err;
  }
  const existing = allStudents(db, termId);
  const diff = diffRoster(existing, parsed.rows, { mode });
  return {
    fileHash: createHash("sha256").update(bytes).digest("hex").slice(0, 16),
    version: rosterVersion(db, termId),
    mode,
    parsed,
    diff,
  };
}

export type ImportPreview = ReturnType<typeof previewImport>;

function fieldsOf(r: Partial<StudentFields> & { username: string }): StudentFields {
  return {
    username: r.username,
    firstName: r.firstName ?? null,
    lastName: r.lastName ?? null,
    displayName: r.displayName ?? null,
    matrikel: r.matrikel ?? null,
    room: r.room ?? null,
    seat: r.seat ?? null,
  };
}

function termLabel(db: DbOrTx, termId: number) {
  const row = getTerm(db, termId);
  if (!row) throw new ActionError("This term no longer exists.");
  return { label: `${row.course.code} ${row.term.term}`, courseId: row.course.id };
}

/** Applies an import atomically, refusing invalid files and rosters that changed since the preview. */
export function applyImport(
  termId: number,
  bytes: Buffer,
  mode: ImportMode,
  expected: { fileHash: string; version: string },
  { tx, audit }: ActionContext,
) {
  const preview = previewImport(tx, termId, bytes, mode);
  if (preview.fileHash !== expected.fileHash) throw new ActionError("The file differs from the one previewed. Preview it again.");
  if (preview.version !== expected.version) {
    throw new ActionError("The roster changed since your preview (someone else edited it). Preview again to see the current difference.");
  }
  if (preview.parsed.invalid.length > 0) {
    throw new ActionError(
      `The file has ${preview.parsed.invalid.length} invalid row${preview.parsed.invalid.length === 1 ? "" : "s"}; fix ${preview.parsed.invalid.length === 1 ? "it" : "them"} and upload the file again. Nothing was imported.`,
    );
  }
  const { added, removed, updated, unchanged } = preview.diff;
  const removedNames = removed.map((r) => r.username);
  for (let i = 0; i < removedNames.length; i += 500) {
    tx.delete(students)
      .where(and(eq(students.termId, termId), inArray(students.username, removedNames.slice(i, i + 500))))
      .run();
  }
  for (const u of updated) {
    tx.update(students)
      .set(fieldsOf(u.after))
      .where(and(eq(students.termId, termId), eq(students.username, u.after.username)))
      .run();
  }
  const rows = added.map((r) => ({ termId, ...fieldsOf(r) }));
  for (let i = 0; i < rows.length; i += 500) tx.insert(students).values(rows.slice(i, i + 500)).run();
  const term = termLabel(tx, termId);
  audit({
    action: "roster.import",
    entityType: "term",
    entityId: termId,
    courseId: term.courseId,
    summary: `Imported a ${preview.parsed.formatLabel} roster into ${term.label} (${mode}): ${added.length} added, ${removed.length} removed, ${updated.length} updated, ${unchanged.length} unchanged`,
    before: { removed: removedNames, updated: updated.map((u) => fieldsOf(u.before)) },
    after: { added: added.map((r) => r.username), updated: updated.map((u) => fieldsOf(u.after)) },
  });
  return { added: added.length, removed: removed.length, updated: updated.length, unchanged: unchanged.length };
}

export function addStudent(termId: number, fields: Partial<StudentFields> & { username: string }, { tx, audit }: ActionContext) {
  const term = termLabel(tx, termId);
  // the one username rule: "Alice" is the hub user "alice"
  const input = { ...fields, username: normalizeUsername(fields.username) };
  const exists = tx
    .select({ username: students.username })
    .from(students)
    .where(and(eq(students.termId, termId), or(eq(students.username, input.username), sql`lower(${students.username}) = ${input.username}`)))
    .get();
  if (exists) throw new ActionError("Already on the roster.", { username: [`${exists.username} is already on this roster (usernames are not case-sensitive).`] });
  const row = tx.insert(students).values({ termId, ...fieldsOf(input) }).returning().get();
  audit({ action: "roster.add", entityType: "student", entityId: row.id, courseId: term.courseId, summary: `Added ${input.username} to ${term.label}`, after: fieldsOf(input) });
  return row;
}

export function removeStudents(termId: number, ids: number[], { tx, audit }: ActionContext) {
  const term = termLabel(tx, termId);
  const rows = tx.select().from(students).where(and(eq(students.termId, termId), inArray(students.id, ids))).all();
  if (rows.length === 0) throw new ActionError("Those students are no longer on the roster.");
  tx.delete(students).where(inArray(students.id, rows.map((r) => r.id))).run();
  audit({
    action: "roster.remove",
    entityType: "term",
    entityId: termId,
    courseId: term.courseId,
    summary: `Removed ${rows.length === 1 ? rows[0].username : `${rows.length} students`} from ${term.label}`,
    before: rows.map((r) => fieldsOf(r)),
  });
  return rows.length;
}
