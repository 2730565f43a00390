import Link from "next/link";
import { notFound } from "next/navigation";
import { TermForm } from "@/components/courses/term-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePage } from "@/lib/auth/guard";
import { getCourse } from "@/lib/courses/courses";
import { defaultMounts } from "@/lib/courses/schemas";
import { newestTerm, suggestNextTerm } from "@/lib/courses/term-names";
import { getDb } from "@/lib/db/client";
import { getTranslations } from "next-intl/server";
import { createTermAction } from "../../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("term"))("newTitle") };
}

export default async function NewTermPage({ params }: { params: Promise<{ courseId: string }> }) {
  const courseId = Number((await params).courseId);
  if (!Number.isInteger(courseId)) notFound();
  await requirePage("course.edit", { courseId });
  const course = getCourse(getDb(), courseId);
  if (!course) notFound();
  // prefilled from the newest term (the list is ordered by name: SS26 before WS25)
  const last = newestTerm(course.terms);
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
            term: suggestNextTerm(course.terms.map((x) => x.term)),
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
