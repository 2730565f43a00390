import Link from "next/link";
import { CourseForm } from "@/components/courses/course-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePage } from "@/lib/auth/guard";
import { createCourseAction } from "../actions";

export const metadata = { title: "New course" };

export default async function NewCoursePage() {
  await requirePage("course.create");
  return (
    <>
      <PageHeader title="New course" breadcrumbs={<Link href="/courses" className="hover:underline">Courses</Link>} description="After creating the course, add a term with its image and resources." />
      <Card>
        <CourseForm action={createCourseAction as never} submitLabel="Create course" />
      </Card>
    </>
  );
}
