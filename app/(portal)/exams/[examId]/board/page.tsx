import { RoomBoard } from "@/components/exam-day/room-board";
import { getDb } from "@/lib/db/client";
import { firstReading } from "@/lib/exam-day/board";
import { ExamHeader } from "@/components/exams/exam-header";
import { requireExamPage } from "@/lib/exams/exam-page";
import { portalTimeZone } from "@/lib/grading/time";
import { getTranslations } from "@/lib/i18n/server";
import { moveToBackupAction, boardExtraTimeAction } from "../../exam-day-actions";
import { previewExamStepAction, unlockParticipantAction } from "../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("exams.tabs"))("Board") };
}
export const dynamic = "force-dynamic";

/**
 * The live room board: seat states from the exam hub and the exchange, every 5 s. `?view=projector`
 * opens the projector view, `?room=<name>` one room (the board keeps both in the address).
 */
export default async function BoardPage({ params, searchParams }: { params: Promise<{ examId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const q = await searchParams;
  // the page arrives with the board drawn when the reading is quick; else the browser asks for it
  const initial = await firstReading(getDb(), examId);
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Board" />
      <RoomBoard
        examId={examId}
        initial={initial}
        zone={portalTimeZone()}
        view={{ projector: q.view === "projector", room: typeof q.room === "string" && q.room ? q.room : null }}
        actions={{
          revision: d.exam.revision,
          // the board acts while the exam is open (its reading says so, every 5 s)
          supervises: may("exam.run"),
          mayPrint: may("exam.print"),
          unlock: unlockParticipantAction as never,
          preview: previewExamStepAction as never,
          extraTime: boardExtraTimeAction as never,
          move: moveToBackupAction as never,
        }}
      />
    </>
  );
}
