/**
 * The exams as the render model takes them (lib/render/exam-model.ts): every exam the exam hub
 * holds (scheduled, open, closed), from `examHubData` of its snapshot. Pure reads.
 *
 * Exports: HUB_STATUSES, hubExams, toRenderExam, notePushedExams
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { exams, type ExamStatus } from "@/lib/db/schema";
import type { RenderExamInput } from "@/lib/render";
import { examSnapshot } from "./exams";
import { examHubData, type ExamHubData } from "./lifecycle";

/** States in which the exam hub holds an exam (draft and archived stay in the portal). */
export const HUB_STATUSES = ["scheduled", "open", "closed"] as const satisfies readonly ExamStatus[];

export function toRenderExam(d: ExamHubData): RenderExamInput {
  if (d.status !== "scheduled" && d.status !== "open" && d.status !== "closed") throw new Error(`exam ${d.examId} is ${d.status}: not on the exam hub`);
  return {
    id: d.examId,
    courseCode: d.courseCode,
    term: d.term,
    period: d.period,
    title: d.title,
    status: d.status,
    accepting: d.accepting,
    startsAt: d.window.startsAt,
    endsAt: d.window.endsAt,
    graceMinutes: d.window.graceMinutes,
    revision: d.revision,
    passwordsVersion: d.passwordsVersion,
    rooms: d.rooms,
    accounts: d.accounts.map((a) => ({
      username: a.username,
      kind: a.kind,
      room: a.room,
      seat: a.seat,
      notAfter: a.notAfter,
      extraMinutes: a.extraMinutes,
      passwordHash: a.passwordHash,
      unlocks: a.unlocks,
    })),
  };
}

/** Every exam the exam hub holds now, in start order. */
export function hubExams(db: DbOrTx): RenderExamInput[] {
  const ids = db.select({ id: exams.id }).from(exams).where(inArray(exams.status, [...HUB_STATUSES])).orderBy(asc(exams.startsAt), asc(exams.id)).all();
  const out: RenderExamInput[] = [];
  for (const { id } of ids) {
    const snap = examSnapshot(db, id);
    const data = snap && examHubData(snap);
    if (data) out.push(toRenderExam(data));
  }
  return out;
}

/**
 * After a push that wrote the exam hub's data: each exam it held is on the hub at the revision it
 * was rendered with (`pushed`: id and revision of every exam of that render).
 */
export function notePushedExams(tx: DbOrTx, pushed: readonly { id: number; revision: number }[], pushId: number, at: Date): void {
  for (const e of pushed) {
    tx.update(exams).set({ hubRevision: e.revision, hubPushedAt: at, hubPushId: pushId }).where(and(eq(exams.id, e.id), eq(exams.revision, e.revision))).run();
  }
}
