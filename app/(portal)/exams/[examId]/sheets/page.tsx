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
import { formatDateTime } from "@/components/format";

export const metadata = { title: "Sheets" };

export default async function SheetsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const rows = listParticipants(getDb(), examId);
  const rooms = d.rooms.filter((r) => r.seats > 0);
  const unseated = rows.filter((p) => p.seat === null).length;
  const warnings = sheetWarnings(rows);
  const printable = canEdit(d.exam.status, "passwords");
  const blockedReason = !printable
    ? d.exam.status === "draft"
      ? "Schedule the exam first (on the Overview): that checks rooms, seats and participants before any password is printed."
      : `The exam is ${d.exam.status}: no passwords can be issued now.`
    : unseated
      ? `${unseated} participant${unseated === 1 ? " has" : "s have"} no seat: seat everyone before printing.`
      : undefined;
  const lastIssued = rows.reduce<Date | null>((m, p) => (p.passwordIssuedAt && (!m || p.passwordIssuedAt > m) ? p.passwordIssuedAt : m), null);
  const docs = `/api/exams/${examId}/documents`;
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Sheets" />
      <div className="space-y-6">
        {may("exam.print") && (
          <Card title="One-time-password sheets" description={`Per room: the attendance list, then one A4 page per participant in seat order (seat card, hand-in slip with login and hashcode boxes, take-home slip). ${d.exam.language === "de" ? "German" : "English"}. Passwords are shown only in the PDF; the portal keeps salted hashes.`}>
            {warnings.length > 0 && (
              <div role="alert" className="mb-4 flex gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
                <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
                <span>
                  No embedded font has {warnings.length === 1 ? "a character" : "characters"} of {warnings.slice(0, 5).map((w) => `${w.username} (${w.chars.join(" ")})`).join(", ")}
                  {warnings.length > 5 ? ` and ${warnings.length - 5} more` : ""}: {warnings.length === 1 ? "it prints" : "they print"} as empty boxes. Check those sheets by hand.
                </span>
              </div>
            )}
            <SheetsPanel
              examId={examId}
              revision={d.exam.revision}
              canPrint={!blockedReason}
              blockedReason={blockedReason}
              total={rows.length}
              rooms={rooms.map((r) => ({ id: r.id, name: r.name, count: rows.filter((p) => p.roomId === r.id && p.seat !== null).length }))}
              participants={rows.filter((p) => p.seat !== null).map((p) => ({ id: p.id, label: `${p.kind === "backup" ? "backup" : [p.lastName, p.firstName].filter(Boolean).join(", ")} · ${p.username} · ${p.room} ${p.seat}`, issued: !!p.passwordHash }))}
            />
          </Card>
        )}
        <Card title="Lists for the rooms" description="No passwords: print them as often as needed.">
          <ul className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
            <li>
              <a className="inline-flex items-center gap-1.5 text-brand-700 hover:underline" href={`${docs}?kind=attendance`} target="_blank" rel="noreferrer">
                <FileDown className="size-4" aria-hidden /> Attendance lists, all rooms
              </a>
            </li>
            {rooms.map((r) => (
              <li key={r.id} className="flex gap-4">
                <a className="inline-flex items-center gap-1.5 text-brand-700 hover:underline" href={`${docs}?kind=attendance&room=${r.id}`} target="_blank" rel="noreferrer">
                  <FileDown className="size-4" aria-hidden /> Attendance {r.name}
                </a>
                <a className="inline-flex items-center gap-1.5 text-brand-700 hover:underline" href={`${docs}?kind=seating-plan&room=${r.id}`} target="_blank" rel="noreferrer">
                  <FileDown className="size-4" aria-hidden /> Seating plan {r.name}
                </a>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Issued passwords" description={lastIssued ? `Last printed ${formatDateTime(lastIssued)} · passwords version ${d.exam.passwordsVersion}` : "Nothing printed yet."}>
          <Table>
            <thead>
              <tr>
                <Th>Room</Th>
                <Th className="text-right">Seated</Th>
                <Th className="text-right">With password</Th>
                <Th className="text-right">Re-issued</Th>
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
