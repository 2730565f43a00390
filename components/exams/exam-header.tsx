import Link from "next/link";
import { Badge, PageHeader } from "@/components/ui/card";
import { ExamTabs } from "./exam-tabs";
import { examDate, examTime, STATUS_TONE } from "./format";

export function ExamHeader({ exam, course, term, section }: { exam: { id: number; title: string; period: string; status: keyof typeof STATUS_TONE; startsAt: Date; endsAt: Date; graceMinutes: number }; course: { code: string }; term: { term: string }; section: string }) {
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/exams" className="hover:underline">Exams</Link> / {course.code} {term.term} / {exam.period}
          </>
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {section === "Overview" ? exam.title : `${section} · ${exam.title}`} <Badge tone={STATUS_TONE[exam.status]}>{exam.status}</Badge>
          </span>
        }
        description={`${course.code} ${term.term} · ${exam.period} · ${examDate(exam.startsAt)}, ${examTime(exam.startsAt)}–${examTime(exam.endsAt)}${exam.graceMinutes ? ` (+${exam.graceMinutes} min grace)` : ""}`}
      />
      <ExamTabs examId={exam.id} />
    </>
  );
}
