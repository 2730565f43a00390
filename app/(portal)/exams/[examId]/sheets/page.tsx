import { AlertTriangle, FileDown } from "lucide-react";
import { ExamHeader } from "@/components/exams/exam-header";
import { SheetsPanel } from "@/components/exams/sheets-panel";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/lib/db/client";
import { requireExamPage } from "@/lib/exams/exam-page";
import { listParticipants } from "@/lib/exams/exams";
import { sheetWarnings } from "@/lib/exams/issue";
import { canEdit } from "@/lib/exams/lifecycle";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";

export async function generateMetadata() {
  return { title: (await getTranslations("sheets"))("title") };
}

export default async function SheetsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const rows = listParticipants(getDb(), examId);
  const rooms = d.rooms.filter((r) => r.seats > 0);
  const unseated = rows.filter((p) => p.seat === null).length;
  const warnings = sheetWarnings(rows);
  const printable = canEdit(d.exam.status, "passwords");
  const t = await getTranslations("sheets");
  const tt = await getTranslations();
  const f = await getFmt();
  const blockedReason = !printable
    ? d.exam.status === "draft"
      ? t("scheduleFirst")
      : t("noIssue", { status: tt(`examStatus.${d.exam.status}`) })
    : unseated
      ? t("unseated", { count: unseated })
      : undefined;
  const lastIssued = rows.reduce<Date | null>((m, p) => (p.passwordIssuedAt && (!m || p.passwordIssuedAt > m) ? p.passwordIssuedAt : m), null);
  const docs = `/api/exams/${examId}/documents`;
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Sheets" />
      <div className="space-y-6">
        {may("exam.print") && (
          <Card title={t("otpTitle")} description={t("otpHint", { language: d.exam.language === "de" ? t("german") : t("english") })}>
            {warnings.length > 0 && (
              <div role="alert" className="mb-4 flex gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
                <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
                <span>
                  {t("fontWarning", { count: warnings.length, names: warnings.slice(0, 5).map((w) => `${w.username} (${w.chars.join(" ")})`).join(", "), more: warnings.length > 5 ? t("andMore", { count: warnings.length - 5 }) : "" })}
                </span>
              </div>
            )}
            <SheetsPanel
              examId={examId}
              revision={d.exam.revision}
              examOpen={d.exam.status === "open"}
              canPrint={!blockedReason}
              blockedReason={blockedReason}
              total={rows.length}
              rooms={rooms.map((r) => ({ id: r.id, name: r.name, count: rows.filter((p) => p.roomId === r.id && p.seat !== null).length }))}
              participants={rows.filter((p) => p.seat !== null).map((p) => ({ id: p.id, label: `${p.kind === "backup" ? t("backup") : [p.lastName, p.firstName].filter(Boolean).join(", ")} · ${p.username} · ${t("seatOf", { room: p.room ?? "", seat: p.seat ?? "" })}`, issued: !!p.passwordHash }))}
            />
          </Card>
        )}
        <Card title={t("lists")} description={t("listsHint")}>
          <ul className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
            <li>
              <a className="inline-flex items-center gap-1.5 text-brand-700 hover:underline" href={`${docs}?kind=attendance`} target="_blank" rel="noreferrer">
                <FileDown className="size-4" aria-hidden /> {t("attendanceAll")}
              </a>
            </li>
            {rooms.map((r) => (
              <li key={r.id} className="flex flex-wrap gap-x-4 gap-y-1">
                <a className="inline-flex items-center gap-1.5 text-brand-700 hover:underline" href={`${docs}?kind=attendance&room=${r.id}`} target="_blank" rel="noreferrer">
                  <FileDown className="size-4" aria-hidden /> {t("attendance", { room: r.name })}
                </a>
                <a className="inline-flex items-center gap-1.5 text-brand-700 hover:underline" href={`${docs}?kind=seating-plan&room=${r.id}`} target="_blank" rel="noreferrer">
                  <FileDown className="size-4" aria-hidden /> {t("seatingPlan", { room: r.name })}
                </a>
              </li>
            ))}
          </ul>
        </Card>
        <Card title={t("issued")} description={lastIssued ? t("lastPrinted", { when: f.dateTime(lastIssued), version: d.exam.passwordsVersion }) : t("nothing")}>
          <Table>
            <thead>
              <tr>
                <Th>{t("room")}</Th>
                <Th className="text-right">{t("seated")}</Th>
                <Th className="text-right">{t("withPassword")}</Th>
                <Th className="text-right">{t("reissued")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rooms.map((r) => {
                const inRoom = rows.filter((p) => p.roomId === r.id && p.seat !== null);
                return (
                  <tr key={r.id}>
                    <Td>{r.name}</Td>
                    <Td className="text-right tabular-nums">{inRoom.length}</Td>
                    <Td className="text-right tabular-nums">{inRoom.filter((p) => p.passwordHash).length}</Td>
                    <Td className="text-right tabular-nums">{inRoom.filter((p) => p.passwordIssues > 1).length}</Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}
