import Link from "next/link";
import { Badge, PageHeader } from "@/components/ui/card";
import { ExamTabs } from "./exam-tabs";
import { useTranslations } from "next-intl";
import { useFmt } from "@/lib/i18n/use-fmt";
import { STATUS_TONE } from "./format";

export function ExamHeader({ exam, course, term, section }: { exam: { id: number; title: string; period: string; status: keyof typeof STATUS_TONE; startsAt: Date; endsAt: Date; graceMinutes: number }; course: { code: string }; term: { term: string }; section: "Overview" | "Rooms" | "Participants" | "Seating" | "Sheets" | "Preflight" | "Board" | "Receipts" }) {
  const t = useTranslations();
  const f = useFmt();
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/exams" className="hover:underline">{t("exams.title")}</Link> / {course.code} {term.term} / {exam.period}
          </>
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {section === "Overview" ? exam.title : `${t(`exams.tabs.${section}`)} · ${exam.title}`} <Badge tone={STATUS_TONE[exam.status]}>{t(`examStatus.${exam.status}`)}</Badge>
          </span>
        }
        description={`${course.code} ${term.term} · ${exam.period} · ${f.weekdayDate(exam.startsAt)}, ${f.time(exam.startsAt)}–${f.time(exam.endsAt)}${exam.graceMinutes ? t("exams.grace", { min: exam.graceMinutes }) : ""}`}
      />
      <ExamTabs examId={exam.id} />
    </>
  );
}
