import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { ExamForm } from "@/components/exams/exam-form";
import { Card, PageHeader } from "@/components/ui/card";
import { coursesWith } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { courses, terms } from "@/lib/db/schema";
import { portalTimeZone } from "@/lib/grading/time";
import { getTranslations } from "next-intl/server";
import { createExamAction } from "../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("examForm"))("newTitle") };
}

export default async function NewExamPage({ searchParams }: { searchParams: Promise<{ termId?: string }> }) {
  const principal = await requirePage("dashboard.view");
  const manages = coursesWith(principal, "exam.manage");
  if (manages !== "all" && manages.length === 0) forbidden();
  const db = getDb();
  const rows = db
    .select({ id: terms.id, term: terms.term, hubs: terms.hubs, code: courses.code, title: courses.title })
    .from(terms)
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(isNull(terms.archivedAt), isNull(courses.archivedAt), manages === "all" ? undefined : inArray(courses.id, manages)))
    .orderBy(asc(courses.code), asc(terms.term))
    .all();
  const termOptions = rows.map((r) => ({ id: r.id, label: `${r.code} ${r.term} · ${r.title}`, examHub: r.hubs.includes("exam") }));
  const t = await getTranslations();
  // a term is chosen for the user only when it cannot be another: the one named in the address, or the only one on the exam hub
  const onExamHub = termOptions.filter((t) => t.examHub);
  const preset = (await searchParams).termId ?? (onExamHub.length === 1 ? String(onExamHub[0].id) : "");
  return (
    <>
      <PageHeader
        breadcrumbs={<Link href="/exams" className="hover:underline">{t("exams.title")}</Link>}
        title={t("examForm.newTitle")}
        description={t("examForm.newHint")}
      />
      <Card>
        <ExamForm
          action={createExamAction as never}
          terms={termOptions}
          zone={portalTimeZone()}
          submitLabel={t("examForm.create")}
          initial={{ termId: preset, title: "", period: "PZ1", date: "", start: "09:00", end: "11:00", graceMinutes: "5", language: "de", examiners: "", headerLines: "" }}
        />
      </Card>
    </>
  );
}
