import { ExamHeader } from "@/components/exams/exam-header";
import { RoomsPanel } from "@/components/exams/rooms-panel";
import { Card } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { requireExamPage } from "@/lib/exams/exam-page";
import { roomConflicts } from "@/lib/exams/exams";
import { roomNetworkNotes } from "@/lib/exams/room-networks";
import { getSettings } from "@/lib/deployment/settings";
import { canEdit } from "@/lib/exams/lifecycle";
import { getTranslations } from "next-intl/server";
import { deleteRoomAction, moveRoomAction, saveRoomAction } from "../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("rooms"))("title") };
}

export default async function RoomsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const editable = may("exam.manage") && canEdit(d.exam.status, "rooms");
  const conflicts = roomConflicts(getDb(), examId);
  // said here, as the rooms are entered, not first in the pre-flight check: networks the exam hub
  // is not given yet, and rooms on one network
  const nets = roomNetworkNotes(d.rooms, getSettings(getDb()).settings.exam.sourceCidrs);
  const capacity = d.stats.capacity;
  const people = d.stats.students + d.stats.backups;
  const t = await getTranslations();
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Rooms" />
      <div className="space-y-6">
        {(conflicts.length > 0 || capacity < people) && (
          <div role="alert" className="space-y-1 rounded-md bg-red-50 px-4 py-3 text-sm text-red-700 ring-1 ring-red-200">
            {capacity < people && <p>{t("rooms.capacity", { people, capacity })}</p>}
            {conflicts.map((c) => (
              <p key={c.message}>{c.message}</p>
            ))}
          </div>
        )}
        {(nets.outside.length > 0 || nets.shared.length > 0) && (
          <div role="status" data-testid="room-network-notes" className="space-y-1 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200">
            <p className="font-medium">{t("pf.networks.roomsNote")}</p>
            <ul className="list-disc space-y-0.5 pl-5">
              {[...nets.outside, ...nets.shared].map((line) => (
                <li key={line}>{line}.</li>
              ))}
            </ul>
            {nets.outside.length > 0 && <p>{t("pf.networks.askAdmins")}</p>}
            {nets.shared.length > 0 && <p>{t("pf.networks.fixShared")}</p>}
          </div>
        )}
        <Card
          title={t("rooms.summary", { count: d.rooms.filter((r) => r.seats > 0).length, noSeats: d.rooms.filter((r) => r.seats === 0).length, capacity, people: d.stats.students, backups: d.stats.backups })}
          description={t("rooms.hint")}
        >
          <RoomsPanel examId={examId} rooms={d.rooms} canEdit={editable} save={saveRoomAction as never} remove={deleteRoomAction as never} move={moveRoomAction as never} />
          {!editable && <p className="mt-3 text-sm text-slate-600">{may("exam.manage") ? t("rooms.locked", { status: t(`examStatus.${d.exam.status}`) }) : t("rooms.onlyInstructors")}</p>}
        </Card>
      </div>
    </>
  );
}
