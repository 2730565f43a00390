import "server-only";
import { notFound } from "next/navigation";
import type { Capability, Principal } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { getTerm } from "./courses";

/**
 * For pages under /courses/[courseId]/terms/[termId]: checks the ids, asks the guard for the
 * capability on that course, and 404s unless the term belongs to the course in the URL.
 */
export async function requireTermPage(capability: Capability, params: { courseId: string; termId: string }): Promise<{ principal: Principal; courseId: number; termId: number; row: NonNullable<ReturnType<typeof getTerm>> }> {
  const courseId = Number(params.courseId);
  const termId = Number(params.termId);
  if (!Number.isInteger(courseId) || !Number.isInteger(termId)) notFound();
  const principal = await requirePage(capability, { courseId });
  const row = getTerm(getDb(), termId);
  if (!row || row.course.id !== courseId) notFound();
  return { principal, courseId, termId, row };
}
