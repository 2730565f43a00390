import "server-only";
import { notFound } from "next/navigation";
import { can, type Capability, type Principal } from "@/lib/auth/capabilities";
import { requirePage, requireSignedInPage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { examScope, getExam, type ExamDetail } from "./exams";

/**
 * For pages under /exams/[examId]: asks the guard for the capability on that exam (its course
 * for instructors, the exam itself for its supervisors) and 404s for an unknown id.
 */
export async function requireExamPage(capability: Capability, params: { examId: string }): Promise<{ principal: Principal; examId: number; detail: ExamDetail; may: (c: Capability) => boolean }> {
  const examId = Number(params.examId);
  if (!Number.isInteger(examId) || examId <= 0) notFound();
  const db = getDb();
  const scope = examScope(db, examId);
  // an exam that does not exist (or was just deleted) is "not found" for everyone signed in,
  // not "not allowed" for those whose rights are per course
  if (scope.courseId < 0) {
    await requireSignedInPage();
    notFound();
  }
  const principal = await requirePage(capability, scope);
  const detail = getExam(db, examId);
  if (!detail) notFound();
  return { principal, examId, detail, may: (c) => can(principal, c, scope) };
}
