"use server";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { courseIdOfTerm } from "@/lib/courses/courses";
import { addStudent, applyImport, MAX_ROSTER_BYTES, previewImport, removeStudents } from "@/lib/rosters/roster";
import { usernameField } from "@/lib/identity/schema";

const id = z.coerce.number().int().positive();
const termScope = (i: { termId: number }) => ({ courseId: courseIdOfTerm(getDb(), i.termId) ?? -1 });
const file = z
  .instanceof(File, { message: "Choose a CSV file." })
  .refine((f) => f.size > 0, "The file is empty.")
  .refine((f) => f.size <= MAX_ROSTER_BYTES, "Files over 10 MB are refused. Split the roster or remove unused columns.");
const mode = z.enum(["merge", "replace"]);

async function readFile(input: { file: File }) {
  return Buffer.from(await input.file.arrayBuffer());
}

const LIST_LIMIT = 200;

/** Parses and compares; writes nothing. */
export const previewRosterAction = defineAction({
  schema: z.object({ termId: id, file, mode }),
  capability: "roster.edit",
  scope: termScope,
  prepare: readFile,
  run: ({ termId, mode }, { tx }, bytes) => {
    const p = previewImport(tx, termId, bytes, mode);
    const cut = <T,>(a: T[]) => a.slice(0, LIST_LIMIT);
    return {
      message: `Detected ${p.parsed.formatLabel}. Nothing has been written yet.`,
      data: {
        fileHash: p.fileHash,
        version: p.version,
        mode: p.mode,
        format: p.parsed.formatLabel,
        delimiter: p.parsed.delimiter,
        warnings: p.parsed.warnings,
        counts: { added: p.diff.added.length, removed: p.diff.removed.length, updated: p.diff.updated.length, unchanged: p.diff.unchanged.length, invalid: p.parsed.invalid.length, duplicates: p.parsed.duplicates.length },
        invalid: cut(p.parsed.invalid),
        duplicates: cut(p.parsed.duplicates),
        added: cut(p.diff.added).map((r) => ({ username: r.username, name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.displayName || "", matrikel: r.matrikel ?? "" })),
        removed: cut(p.diff.removed).map((r) => ({ username: r.username, name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.displayName || "", matrikel: r.matrikel ?? "" })),
        updated: cut(p.diff.updated).map((u) => ({ username: u.username, changes: u.changes.map((c) => `${c.field} ${c.before ?? "—"} → ${c.after}`) })),
      },
    };
  },
});

export const applyRosterAction = defineAction({
  schema: z.object({ termId: id, file, mode, fileHash: z.string().min(1), version: z.string().min(1) }),
  capability: "roster.edit",
  scope: termScope,
  prepare: readFile,
  run: ({ termId, mode, fileHash, version }, ctx, bytes) => {
    const r = applyImport(termId, bytes, mode, { fileHash, version }, ctx);
    return { message: `Imported: ${r.added} added, ${r.removed} removed, ${r.updated} updated, ${r.unchanged} unchanged.`, data: r };
  },
  revalidate: () => ["/courses", "/"],
});

const opt = z.string().trim().max(200).optional().transform((v) => v || undefined);

export const addStudentAction = defineAction({
  schema: z.object({
    termId: id,
    username: usernameField,
    firstName: opt,
    lastName: opt,
    matrikel: z.string().trim().regex(/^\d{0,12}$/, "Digits only.").optional().transform((v) => v || undefined),
  }),
  capability: "roster.edit",
  scope: termScope,
  run: ({ termId, ...input }, ctx) => {
    addStudent(termId, input, ctx);
    return { message: `Added ${input.username}.` };
  },
  revalidate: () => ["/courses", "/"],
});

export const removeStudentsAction = defineAction({
  schema: z.object({ termId: id, ids: z.array(id).min(1, "Select at least one student.").max(10_000) }),
  capability: "roster.edit",
  scope: termScope,
  arrays: ["ids"],
  run: ({ termId, ids }, ctx) => {
    const n = removeStudents(termId, ids, ctx);
    if (n === 0) throw new ActionError("Nothing was removed.");
    return { message: `Removed ${n} student${n === 1 ? "" : "s"}.` };
  },
  revalidate: () => ["/courses", "/"],
});
