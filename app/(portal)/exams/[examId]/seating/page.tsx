import { FileDown } from "lucide-react";
import Link from "next/link";
import { ExamHeader } from "@/components/exams/exam-header";
import { AutoSeat, SeatList, SeatMap, SeatRow } from "@/components/exams/seating-panel";
import { Card, EmptyState } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { getDb } from "@/lib/db/client";
import { requireExamPage } from "@/lib/exams/exam-page";
import { participantRows } from "@/lib/exams/exams";
import { canEdit } from "@/lib/exams/lifecycle";
import { getTranslations } from "next-intl/server";
import { autoSeatAction, clearSeatingAction, setSeatAction } from "../../actions";
import { TableScroll } from "@/components/ui/table";

export async function generateMetadata() {
  return { title: (await getTranslations("seating"))("title") };
}

export default async function SeatingPage({ params, searchParams }: { params: Promise<{ examId: string }>; searchParams: Promise<{ room?: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const sp = await searchParams;
  const editable = may("exam.seat") && canEdit(d.exam.status, "seating");
  const rooms = d.rooms.filter((r) => r.seats > 0);
  const rows = participantRows(getDb(), examId);
  const current = sp.room === "unseated" ? "unseated" : (rooms.find((r) => String(r.id) === sp.room) ?? rooms[0]);
  const unseated = rows.filter((p) => p.seat === null);
  const shown = current === "unseated" ? unseated : current ? rows.filter((p) => p.roomId === current.id && p.seat !== null).sort((a, b) => a.seat! - b.seat!) : [];
  const seatRooms = rooms.map((r) => ({ id: r.id, name: r.name, seats: r.seats, blockedSeats: r.blockedSeats }));
  const base = `/exams/${examId}/seating`;
  const t = await getTranslations("seating");
  const tt = await getTranslations();
  const capacity = d.stats.capacity;
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Seating" />
      {rooms.length === 0 || rows.length === 0 ? (
        <EmptyState title={rooms.length === 0 ? t("noRooms") : t("noParticipants")}>
          {rooms.length === 0
            ? t.rich("addRooms", { link: (c) => <Link className="text-brand-700 underline" href={`/exams/${examId}/rooms`}>{c}</Link> })
            : t.rich("addParticipants", { link: (c) => <Link className="text-brand-700 underline" href={`/exams/${examId}/participants`}>{c}</Link> })}
        </EmptyState>
      ) : (
        <div className="space-y-6">
          {editable && (
            <Card title={t("auto")} description={t("autoHint")}>
              <AutoSeat examId={examId} seated={rows.length - unseated.length} printed={rows.filter((p) => p.hasPassword).length} auto={autoSeatAction as never} clear={clearSeatingAction as never} tooFew={capacity < rows.length ? tt("rooms.capacity", { people: rows.length, capacity }) : undefined} />
            </Card>
          )}
          <nav aria-label={t("roomsNav")} className="flex flex-wrap gap-2">
            {rooms.map((r) => (
              <Link key={r.id} href={`${base}?room=${r.id}`} aria-current={current !== "unseated" && current?.id === r.id ? "page" : undefined} className={cn("rounded-full px-3 py-1 text-sm ring-1 ring-inset", current !== "unseated" && current?.id === r.id ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50")}>
                {r.name} ({rows.filter((p) => p.roomId === r.id && p.seat !== null).length}/{r.free})
              </Link>
            ))}
            <Link href={`${base}?room=unseated`} aria-current={current === "unseated" ? "page" : undefined} className={cn("rounded-full px-3 py-1 text-sm ring-1 ring-inset", current === "unseated" ? "bg-brand-600 text-white ring-brand-600" : unseated.length ? "bg-amber-50 text-amber-800 ring-amber-200" : "bg-white text-slate-600 ring-slate-300")}>
              {t("notSeatedCount", { count: unseated.length })}
            </Link>
          </nav>
          {current !== "unseated" && current && (
            <Card
              title={t("seatMap", { room: current.name })}
              actions={
                <a href={`/api/exams/${examId}/documents?kind=seating-plan&room=${current.id}`} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1.5 text-sm text-brand-700 hover:underline">
                  <FileDown className="size-4" aria-hidden /> {t("planPdf")}
                </a>
              }
            >
              <SeatMap room={seatRooms.find((r) => r.id === current.id)!} people={rows.filter((p) => p.roomId === current.id)} />
            </Card>
          )}
          <Card title={current === "unseated" ? t("notSeated") : t("whoSits", { room: current?.name ?? "" })} description={editable ? t("moveHint") : undefined}>
            <SeatList save={setSeatAction as never}>
            {shown.length === 0 ? (
              <p className="text-sm text-slate-600">{current === "unseated" ? t("everyone") : t("nobody")}</p>
            ) : (
              <TableScroll><table className="min-w-full divide-y divide-slate-100 text-sm">
                <thead>
                  <tr className="text-left text-xs uppercase tracking-wide text-slate-600">
                    <th className="px-4 py-2">{t("participant")}</th>
                    {/* one form per row holds both fields: one heading over both columns */}
                    <th className="px-4 py-2" colSpan={2}>{t("roomAndSeat")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {shown.map((p) => (
                    <SeatRow key={`${p.id}-${p.roomId}-${p.seat}`} examId={examId} p={p} rooms={seatRooms} canEdit={editable} />
                  ))}
                </tbody>
              </table></TableScroll>
            )}
            </SeatList>
          </Card>
        </div>
      )}
    </>
  );
}
