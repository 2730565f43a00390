/**
 * A student moved to a backup account during the exam (a broken computer, a lost password): the
 * portal records whose work the backup account holds, so that grading shows its submission under
 * the student. Audited; the exam hub is not involved (the backup account has its own slip).
 *
 * Exports: moveToBackup, workOf
 */
import { and, eq } from "drizzle-orm";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { examMoves, examParticipants, exams, courses, terms } from "@/lib/db/schema";
import { t } from "@/lib/i18n/t";

export function moveToBackup(examId: number, participantId: number, backupId: number, reason: string, { tx, audit, principal }: ActionContext) {
  const exam = tx.select({ status: exams.status }).from(exams).where(eq(exams.id, examId)).get();
  if (!exam) throw new ActionError(t("routes.noExam"));
  if (exam.status !== "open") throw new ActionError(t("moves.notOpen", { status: t(`examStatus.${exam.status}`) }));
  const get = (id: number) => tx.select().from(examParticipants).where(and(eq(examParticipants.examId, examId), eq(examParticipants.id, id))).get();
  const student = get(participantId);
  const backup = get(backupId);
  if (!student || student.kind !== "student") throw new ActionError(t("moves.chooseStudent"), { participantId: [t("moves.chooseStudent")] });
  if (!backup || backup.kind !== "backup") throw new ActionError(t("moves.chooseBackup"), { backupId: [t("moves.chooseBackup")] });
  const taken = tx.select({ participantId: examMoves.participantId }).from(examMoves).where(eq(examMoves.backupId, backupId)).get();
  if (taken) throw new ActionError(t("moves.taken", { backup: backup.username }), { backupId: [t("moves.inUse")] });
  const already = tx.select({ backupId: examMoves.backupId }).from(examMoves).where(eq(examMoves.participantId, participantId)).get();
  if (already) throw new ActionError(t("moves.already", { student: student.username }), { participantId: [t("moves.movedAlready")] });
  tx.insert(examMoves).values({ examId, participantId, backupId, reason, movedBy: principal.id }).run();
  // the student's extra time goes with them: the backup account's window on the hub ends as theirs did
  const extraMinutes = Math.max(student.extraMinutes, backup.extraMinutes);
  if (extraMinutes !== backup.extraMinutes) tx.update(examParticipants).set({ extraMinutes }).where(eq(examParticipants.id, backup.id)).run();
  audit({
    action: "exam.move",
    entityType: "exam",
    entityId: String(examId),
    message: { key: "examMove", params: { student: student.username, backup: backup.username, withReason: reason ? "yes" : "no", reason } },
    before: { backupExtraMinutes: backup.extraMinutes },
    after: { participant: student.username, backup: backup.username, reason, backupExtraMinutes: extraMinutes },
  });
  return { student: student.username, backup: backup.username, carriedMinutes: extraMinutes !== backup.extraMinutes ? extraMinutes : 0 };
}

/**
 * Whose work a hub login's submission is in a term: the student moved to that backup account, if
 * any (for grading's submission view).
 */
export function workOf(db: DbOrTx, termId: number, login: string): { username: string; firstName: string | null; lastName: string | null; movedAt: Date; examTitle: string } | null {
  const row = db
    .select({ backup: examParticipants.username, participantId: examMoves.participantId, movedAt: examMoves.movedAt, examTitle: exams.title })
    .from(examMoves)
    .innerJoin(examParticipants, eq(examParticipants.id, examMoves.backupId))
    .innerJoin(exams, eq(exams.id, examMoves.examId))
    .innerJoin(terms, eq(terms.id, exams.termId))
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(eq(exams.termId, termId), eq(examParticipants.username, login)))
    .get();
  if (!row) return null;
  const s = db.select({ username: examParticipants.username, firstName: examParticipants.firstName, lastName: examParticipants.lastName }).from(examParticipants).where(eq(examParticipants.id, row.participantId)).get();
  return s ? { ...s, movedAt: row.movedAt, examTitle: row.examTitle } : null;
}
