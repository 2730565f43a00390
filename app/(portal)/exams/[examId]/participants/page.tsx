import { ExamHeader } from "@/components/exams/exam-header";
import { BackupsForm, ParticipantsTable, RosterPicker } from "@/components/exams/participants-panel";
import { Card, EmptyState } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { requireExamPage } from "@/lib/exams/exam-page";
import { participantRows, rosterCandidates } from "@/lib/exams/exams";
import { canEdit } from "@/lib/exams/lifecycle";
import { addBackupsAction, addParticipantsAction, removeParticipantsAction, setExtraTimeAction } from "../../actions";

export const metadata = { title: "Participants" };

export default async function ParticipantsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const manage = may("exam.manage");
  const editable = manage && canEdit(d.exam.status, "participants");
  const rows = participantRows(db, examId);
  const candidates = editable ? rosterCandidates(db, examId) : [];
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Participants" />
      <div className="space-y-6">
        {editable && (
          <div className="grid gap-6 lg:grid-cols-3">
            <Card title={`From the ${d.course.code} ${d.term.term} roster`} description={`Exam logins are ${d.course.code}-<university account>, e.g. ${d.course.code}-mmuster2s.`} className="lg:col-span-2">
              <RosterPicker examId={examId} candidates={candidates.map((c) => ({ id: c.id, username: c.username, firstName: c.firstName, lastName: c.lastName, matrikel: c.matrikel }))} add={addParticipantsAction as never} />
            </Card>
            <Card title="Backup accounts" description={`For walk-ins: ${d.course.code}-backup-${d.exam.period.toLowerCase()}-01 … with a seat and sheet in their room.`}>
              <BackupsForm examId={examId} rooms={d.rooms.filter((r) => r.seats > 0).map((r) => ({ id: r.id, name: r.name }))} add={addBackupsAction as never} />
            </Card>
          </div>
        )}
        <Card title={`${d.stats.students} participant${d.stats.students === 1 ? "" : "s"}${d.stats.backups ? ` and ${d.stats.backups} backup account${d.stats.backups === 1 ? "" : "s"}` : ""}`} description="Extra time (compensation for disadvantage) extends that participant's window; the grace applies on top.">
          {rows.length === 0 ? (
            <EmptyState title="Nobody takes part yet">{editable ? "Add the whole roster or choose students above." : "The exam's instructor has not added participants yet."}</EmptyState>
          ) : (
            <ParticipantsTable
              examId={examId}
              rows={rows}
              canEdit={editable}
              canEditTime={manage && canEdit(d.exam.status, "extraTime")}
              remove={removeParticipantsAction as never}
              saveExtra={setExtraTimeAction as never}
            />
          )}
        </Card>
      </div>
    </>
  );
}
