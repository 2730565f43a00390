/**
 * The term a grading request is about, derived on the server from a scan id; the guard then
 * derives the course from the term (`{ termId }` scopes), never taking it from the client.
 */
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { submissionScans } from "@/lib/db/schema";

export function termOfScan(db: DbOrTx, scanId: number): number | null {
  return db.select({ termId: submissionScans.termId }).from(submissionScans).where(eq(submissionScans.id, scanId)).get()?.termId ?? null;
}
