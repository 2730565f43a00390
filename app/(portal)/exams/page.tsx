import { Archive, CalendarClock, Plus } from "lucide-react";
import Link from "next/link";
import { examDate, examTime, STATUS_TONE } from "@/components/exams/format";
import { ButtonLink } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { coursesWith } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { listExams } from "@/lib/exams/exams";

export const metadata = { title: "Exams" };

export default async function ExamsPage({ searchParams }: { searchParams: Promise<{ archived?: string }> }) {
  const principal = await requirePage("dashboard.view");
  const showArchived = (await searchParams).archived === "1";
  const list = listExams(getDb(), principal, { includeArchived: showArchived });
  const manages = coursesWith(principal, "exam.manage");
  const canCreate = manages === "all" || manages.length > 0;
  return (
    <>
      <PageHeader
        title="Exams"
        description={canCreate ? "Exam windows of your courses: rooms, participants, seating and one-time-password sheets." : "The exams you supervise: seating, sheets and opening and closing on the day."}
        actions={
          <>
            <ButtonLink variant="secondary" href={showArchived ? "/exams" : "/exams?archived=1"}>
              <Archive className="size-4" aria-hidden /> {showArchived ? "Hide archived" : "Show archived"}
            </ButtonLink>
            {canCreate && (
              <ButtonLink href="/exams/new">
                <Plus className="size-4" aria-hidden /> New exam
              </ButtonLink>
            )}
          </>
        }
      />
      {list.length === 0 ? (
        <EmptyState icon={<CalendarClock className="size-8" />} title={showArchived ? "No exams" : "No upcoming exams"} action={canCreate && <ButtonLink href="/exams/new">Plan an exam</ButtonLink>}>
          {canCreate ? "Plan an exam on a term that is offered on the exam hub." : "You are not assigned to any exam. The exam's instructor can add you as a supervisor."}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Exam</Th>
              <Th>Course</Th>
              <Th>Date and time</Th>
              <Th>Rooms</Th>
              <Th className="text-right">Participants</Th>
              <Th>Status</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((r) => (
              <tr key={r.exam.id} className="hover:bg-slate-50" data-testid="exam-row">
                <Td>
                  <Link href={`/exams/${r.exam.id}`} className="font-medium text-brand-700 hover:underline">
                    {r.exam.title}
                  </Link>
                  <div className="text-xs text-slate-600">{r.exam.period}</div>
                </Td>
                <Td>
                  <span className="font-mono">{r.courseCode}</span> {r.term}
                </Td>
                <Td className="tabular-nums">
                  {examDate(r.exam.startsAt)}, {examTime(r.exam.startsAt)}–{examTime(r.exam.endsAt)}
                </Td>
                <Td>{r.rooms.length ? r.rooms.join(", ") : <span className="text-slate-500">none yet</span>}</Td>
                <Td className="text-right tabular-nums">
                  {r.participants}
                  {r.backups ? <span className="text-slate-600"> + {r.backups} backup</span> : null}
                </Td>
                <Td>
                  <Badge tone={STATUS_TONE[r.exam.status]}>{r.exam.status}</Badge>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
