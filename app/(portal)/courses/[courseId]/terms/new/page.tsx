import Link from "next/link";
import { notFound } from "next/navigation";
import { TermForm } from "@/components/courses/term-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePage } from "@/lib/auth/guard";
import { getCourse } from "@/lib/courses/courses";
import { defaultMounts } from "@/lib/courses/schemas";
import { getDb } from "@/lib/db/client";
import { getTranslations } from "next-intl/server";
import { createTermAction } from "../../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("term"))("newTitle") };
}

function suggestTerm(now = new Date()): string {
  const y = now.getFullYear() % 100;
  const m = now.getMonth() + 1;
  return m >= 4 && m <= 9 ? `WS${y}` : `SS${m >= 10 ? y + 1 : y}`;
}

export default async function NewTermPage({ params }: { params: Promise<{ courseId: string }> }) {
  const courseId = Number((await params).courseId);
  if (!Number.isInteger(courseId)) notFound();
  await requirePage("course.edit", { courseId });
  const course = getCourse(getDb(), courseId);
  if (!course) notFound();
  const last = course.terms.at(-1);
  const t = await getTranslations();
  return (
    <>
      <PageHeader
        title={t("term.newTitle")}
        breadcrumbs={
          <>
            <Link href="/courses" className="hover:underline">{t("courses.title")}</Link> / <Link href={`/courses/${course.id}`} className="hover:underline">{course.code}</Link>
          </>
        }
        description={last ? t("term.prefilled", { term: last.term }) : t("term.defaults")}
      />
      <Card>
        <TermForm
          action={createTermAction as never}
          courseId={course.id}
          courseCode={course.code}
          submitLabel={t("term.create")}
          initial={{
            term: suggestTerm(),
            hubs: last?.hubs ?? ["assignment", "grading"],
            image: last?.image ?? "ghcr.io/digiklausur/e2xgrader-notebook:2025.1",
            cpuGuarantee: last?.cpuGuarantee ?? "500m",
            cpuLimit: last?.cpuLimit ?? "1",
            memGuarantee: last?.memGuarantee ?? "1Gi",
            memLimit: last?.memLimit ?? "2Gi",
            mounts: last?.mounts ?? defaultMounts(),
          }}
        />
      </Card>
    </>
  );
}
