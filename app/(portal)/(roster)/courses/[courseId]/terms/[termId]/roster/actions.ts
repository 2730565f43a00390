"use server";
import { z } from "zod";
import { msg, t } from "@/lib/i18n/t";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { getTerm } from "@/lib/courses/courses";
import { usernameField } from "@/lib/identity/schema";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { COLUMN_MEANINGS } from "@/lib/rosters/csv";
import { getDb } from "@/lib/db/client";
import type { ColumnMapping } from "@/lib/rosters/csv";
import { addStudent, applyImport, MAX_ROSTER_BYTES, previewImport, readRosterOffThread, rejectedRows, removeStudents, type ImportPreview } from "@/lib/rosters/roster";
import { mappingField } from "@/lib/rosters/schemas";

const id = z.coerce.number().int().positive();
/** The guard looks the course up from the term. */
const termScope = (i: { termId: number }) => ({ termId: i.termId });
const file = z
  .instanceof(File, msg("roster.msg.chooseFile"))
  .refine((f) => f.size > 0, msg("roster.msg.emptyFile"))
  .refine((f) => f.size <= MAX_ROSTER_BYTES, msg("roster.msg.tooBig"));
const mode = z.enum(["merge", "replace"]);

/** The file read and validated on a roster thread, before the transaction: pages do not wait meanwhile. */
const readFile =
  (opts: { rejected?: boolean } = {}) =>
  async (input: { termId: number; file: File; mapping?: ColumnMapping }) =>
    readRosterOffThread(getDb(), input.termId, Buffer.from(await input.file.arrayBuffer()), { mapping: input.mapping, ...opts });

const LIST_LIMIT = 200;
const cut = <T,>(a: T[]) => a.slice(0, LIST_LIMIT);
const nameOf = (r: { firstName?: string | null; lastName?: string | null; displayName?: string | null }) => [r.firstName, r.lastName].filter(Boolean).join(" ") || r.displayName || "";

function previewData(p: ImportPreview) {
  const { parsed, diff } = p;
  return {
    kind: "preview" as const,
    fileHash: p.fileHash,
    version: p.version,
    mode: p.mode,
    format: parsed.format,
    formatLabel: parsed.formatLabel,
    delimiter: parsed.delimiter,
    encoding: parsed.encoding,
    mapping: parsed.mapping,
    mappingSource: p.mappingSource,
    columns: parsed.columns,
    step: p.step,
    meanings: COLUMN_MEANINGS,
    warnings: parsed.warnings,
    notKept: parsed.notKept,
    counts: {
      valid: parsed.rows.length,
      added: diff.added.length,
      removed: diff.removed.length,
      updated: diff.updated.length,
      unchanged: diff.unchanged.length,
      kept: p.mode === "replace" ? diff.kept.length : 0,
      invalid: parsed.invalid.length,
      duplicates: parsed.duplicates.length,
    },
    invalid: cut(parsed.invalid),
    duplicates: cut(parsed.duplicates),
    added: cut(diff.added).map((r) => ({ username: r.username, name: nameOf(r), matrikel: r.matrikel ?? "" })),
    removed: cut(diff.removed).map((r) => ({ username: r.username, name: nameOf(r), matrikel: r.matrikel ?? "" })),
    kept: p.mode === "replace" ? cut(diff.kept).map((r) => ({ username: r.username, name: nameOf(r), matrikel: r.matrikel ?? "" })) : [],
    updated: cut(diff.updated).map((u) => ({ username: u.username, changes: u.changes.map((c) => `${t(`columnMapping.meanings.${c.field}`)}: ${shownValue(c.before)} → ${shownValue(c.after)}`) })),
  };
}

/** A roster value as the preview shows it: empty as a dash, yes/no in words. */
function shownValue(v: string | boolean | null): string {
  if (v === null || v === "") return "—";
  if (typeof v === "boolean") return t(v ? "common.yes" : "common.no");
  return v;
}

export type RosterPreviewData =
  | ReturnType<typeof previewData>
  | { kind: "needs-mapping"; fileHash: string; delimiter: string; encoding: string; step: ImportPreview["step"]; meanings: typeof COLUMN_MEANINGS; message: string };

/** Parses and compares; writes nothing. Without a usable header it returns the mapping step. */
export const previewRosterAction = defineAction({
  schema: z.object({ termId: id, file, mode, mapping: mappingField }),
  capability: "roster.edit",
  scope: termScope,
  prepare: readFile(),
  readOnly: true,
  run: ({ termId, mode, mapping }, { tx }, read): { message: string; data: RosterPreviewData } => {
    const p = previewImport(tx, termId, read, mode, { mapping });
    if (p.kind === "needs-mapping") {
      return { message: p.message || t("roster.msg.chooseColumns"), data: { kind: "needs-mapping", fileHash: p.fileHash, delimiter: p.delimiter, encoding: p.encoding, step: p.step, meanings: COLUMN_MEANINGS, message: p.message } };
    }
    return { message: t("roster.msg.readAs", { format: p.parsed.formatLabel }), data: previewData(p) };
  },
});

export const applyRosterAction = defineAction({
  schema: z.object({
    termId: id,
    file,
    mode,
    fileHash: z.string().min(1),
    version: z.string().min(1),
    mapping: mappingField,
    partial: z.preprocess((v) => v === "1" || v === "true", z.boolean()).default(false),
  }),
  capability: "roster.edit",
  scope: termScope,
  prepare: readFile(),
  run: ({ termId, mode, fileHash, version, mapping, partial }, ctx, read) => {
    const r = applyImport(termId, read, mode, { fileHash, version }, ctx, { mapping, partial });
    const rest = [r.rejected ? t("roster.msg.rejectedLeftOut", { count: r.rejected }) : "", r.kept ? t("roster.msg.keptRejected", { count: r.kept }) : ""].filter(Boolean).join("; ");
    return { message: t("roster.msg.imported", { added: r.added, removed: r.removed, updated: r.updated, unchanged: r.unchanged, rest: rest ? ` (${rest})` : "" }), data: r };
  },
  revalidate: () => ["/courses", "/"],
});

/** The rejected rows as a CSV file to fix; writes nothing. */
export const rejectedRowsAction = defineAction({
  schema: z.object({ termId: id, file, mapping: mappingField }),
  capability: "roster.edit",
  scope: termScope,
  prepare: readFile({ rejected: true }),
  readOnly: true,
  run: ({ termId, mapping }, { tx }, read) => {
    const r = rejectedRows(tx, termId, read, { mapping });
    if (r.rows === 0) throw new ActionError(t("roster.msg.noRejected"));
    const term = getTerm(tx, termId)!;
    return { message: t("roster.msg.rejectedRows", { count: r.rows }), data: { csv: r.csv, filename: `${nbgraderCourseId(term.course.code, term.term.term)}.rejected-rows.csv` } };
  },
});

const opt = z.string().trim().max(200).optional().transform((v) => v || undefined);

export const addStudentAction = defineAction({
  schema: z.object({
    termId: id,
    username: usernameField,
    firstName: opt,
    lastName: opt,
    matrikel: z.string().trim().regex(/^\d{0,12}$/, msg("roster.msg.digitsOnly")).optional().transform((v) => v || undefined),
  }),
  capability: "roster.edit",
  scope: termScope,
  run: ({ termId, ...input }, ctx) => {
    const row = addStudent(termId, input, ctx);
    return { message: t("roster.msg.added", { username: row.username }) };
  },
  revalidate: () => ["/courses", "/"],
});

export const removeStudentsAction = defineAction({
  schema: z.object({ termId: id, ids: z.array(id).min(1, msg("roster.msg.selectOne")).max(10_000) }),
  capability: "roster.edit",
  scope: termScope,
  arrays: ["ids"],
  run: ({ termId, ids }, ctx) => {
    const n = removeStudents(termId, ids, ctx);
    if (n === 0) throw new ActionError(t("roster.msg.nothingRemoved"));
    return { message: t("roster.msg.removed", { count: n }) };
  },
  revalidate: () => ["/courses", "/"],
});
