/**
 * The course a grading request is about, always derived on the server from the term (or scan /
 * submission) id, never taken from the client. Actions and route handlers pass it to the guard.
 */
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { submissionScans, terms } from "@/lib/db/schema";

/** `{ courseId }` of a term; -1 (no one's course) when the term does not exist. */
export function gradingScope(db: DbOrTx, termId: number): { courseId: number } {
  return { courseId: db.select({ courseId: terms.courseId }).from(terms).where(eq(terms.id, termId)).get()?.courseId ?? -1 };
}

export function termOfScan(db: DbOrTx, scanId: number): number | null {
  return db.select({ termId: submissionScans.termId }).from(submissionScans).where(eq(submissionScans.id, scanId)).get()?.termId ?? null;
}
