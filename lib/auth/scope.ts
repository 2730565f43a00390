/**
 * The course a request is about, derived on the server: given directly, or from a term id.
 * Never taken from the client's word for it.
 */
import { courseIdOfTerm } from "@/lib/courses/courses";
import type { DbOrTx } from "@/lib/db/client";
import type { Scope } from "./capabilities";

/** A course, or a term whose course the guard looks up. */
export type ScopeRef = Scope | { termId: number };

/** The course scope of a reference; an unknown term is no one's course (only global grants apply). */
export function resolveScope(db: DbOrTx, ref: ScopeRef): Scope {
  if ("termId" in ref) {
    const courseId = courseIdOfTerm(db, ref.termId);
    return courseId === undefined ? {} : { courseId };
  }
  return ref;
}
