import Link from "next/link";
import { CourseForm } from "@/components/courses/course-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePage } from "@/lib/auth/guard";
import { getTranslations } from "next-intl/server";
import { createCourseAction } from "../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("courses"))("newCourse") };
}

export default async function NewCoursePage() {
  await requirePage("course.create");
  const t = await getTranslations("courses");
  return (
    <>
      <PageHeader title={t("newCourse")} breadcrumbs={<Link href="/courses" className="hover:underline">{t("title")}</Link>} description={t("newDescription")} />
      <Card>
        <CourseForm action={createCourseAction as never} submitLabel={t("create")} />
      </Card>
    </>
  );
}
