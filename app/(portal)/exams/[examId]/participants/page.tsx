import { ExamHeader } from "@/components/exams/exam-header";
import { BackupsForm, ParticipantsTable, RosterPicker } from "@/components/exams/participants-panel";
import { Card, EmptyState } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { requireExamPage } from "@/lib/exams/exam-page";
import { participantRows, rosterCandidates } from "@/lib/exams/exams";
import { canEdit } from "@/lib/exams/lifecycle";
import { getTranslations } from "next-intl/server";
import { addBackupsAction, addParticipantsAction, removeParticipantsAction, setExtraTimeAction } from "../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("participants"))("title") };
}

export default async function ParticipantsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const manage = may("exam.manage");
  const editable = manage && canEdit(d.exam.status, "participants");
  const rows = participantRows(db, examId);
  const t = await getTranslations("participants");
  const candidates = editable ? rosterCandidates(db, examId) : [];
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Participants" />
      <div className="space-y-6">
        {editable && (
          <div className="grid gap-6 lg:grid-cols-3">
            <Card title={t("fromRoster", { code: d.course.code, term: d.term.term })} description={t("loginsHint", { code: d.course.code })} className="lg:col-span-2">
              <RosterPicker examId={examId} candidates={candidates.map((c) => ({ id: c.id, username: c.username, firstName: c.firstName, lastName: c.lastName, matrikel: c.matrikel }))} add={addParticipantsAction as never} />
            </Card>
            <Card title={t("backupTitle")} description={t("backupHint", { first: `${d.course.code}-backup-${d.exam.period.toLowerCase()}-01` })}>
              <BackupsForm examId={examId} rooms={d.rooms.filter((r) => r.seats > 0).map((r) => ({ id: r.id, name: r.name }))} add={addBackupsAction as never} />
            </Card>
          </div>
        )}
        <Card title={t("summary", { count: d.stats.students, backups: d.stats.backups })} description={t("extraHint")}>
          {rows.length === 0 ? (
            <EmptyState title={t("nobody")}>{editable ? t("nobodyEdit") : t("nobodyView")}</EmptyState>
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
