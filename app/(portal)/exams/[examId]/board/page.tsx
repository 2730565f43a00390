import { RoomBoard } from "@/components/exam-day/room-board";
import { getDb } from "@/lib/db/client";
import { firstReading } from "@/lib/exam-day/board";
import { ExamHeader } from "@/components/exams/exam-header";
import { requireExamPage } from "@/lib/exams/exam-page";
import { canEdit } from "@/lib/exams/lifecycle";
import { portalTimeZone } from "@/lib/grading/time";
import { getTranslations } from "@/lib/i18n/server";
import { moveToBackupAction, boardExtraTimeAction } from "../../exam-day-actions";
import { previewExamStepAction, unlockParticipantAction } from "../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("exams.tabs"))("Board") };
}
export const dynamic = "force-dynamic";

/** The live room board: seat states from the exam hub and the exchange, every 5 s, for the room's projector. */
export default async function BoardPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  // the page arrives with the board drawn when the reading is quick; else the browser asks for it
  const initial = await firstReading(getDb(), examId);
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Board" />
      <RoomBoard
        examId={examId}
        initial={initial}
        zone={portalTimeZone()}
        actions={{
          revision: d.exam.revision,
          mayRun: may("exam.run") && d.exam.status === "open",
          mayPrint: may("exam.print") && canEdit(d.exam.status, "passwords"),
          canUnlock: may("exam.run") && canEdit(d.exam.status, "unlock"),
          unlock: unlockParticipantAction as never,
          preview: previewExamStepAction as never,
          extraTime: boardExtraTimeAction as never,
          move: moveToBackupAction as never,
        }}
      />
    </>
  );
}
