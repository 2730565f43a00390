import { CalendarPlus } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArchiveForm } from "@/components/courses/archive-form";
import { CourseForm } from "@/components/courses/course-form";
import { StaffPanel } from "@/components/courses/staff-panel";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getCourse } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { listStaff } from "@/lib/staff/staff";
import { assignCourseStaffAction, setCourseArchivedAction, unassignCourseStaffAction, updateCourseAction } from "../actions";

export default async function CoursePage({ params }: { params: Promise<{ courseId: string }> }) {
  const courseId = Number((await params).courseId);
  if (!Number.isInteger(courseId)) notFound();
  const principal = await requirePage("course.view", { courseId });
  const course = getCourse(getDb(), courseId);
  if (!course) notFound();
  const canEdit = can(principal, "course.edit", { courseId });
  const canArchive = can(principal, "course.archive", { courseId });
  const accounts = canEdit ? listStaff(getDb()).filter((u) => u.active && u.role !== "admin").map((u) => ({ username: u.username, displayName: u.displayName })) : [];
  return (
    <>
      <PageHeader
        breadcrumbs={<Link href="/courses" className="hover:underline">Courses</Link>}
        title={
          <span className="flex items-center gap-3">
            <span className="font-mono">{course.code}</span>
            <span className="font-normal text-slate-600">{course.title}</span>
            {course.archivedAt && <Badge>archived</Badge>}
          </span>
        }
        description={course.description || undefined}
        actions={
          canEdit && !course.archivedAt && (
            <ButtonLink href={`/courses/${course.id}/terms/new`}>
              <CalendarPlus className="size-4" aria-hidden /> Add term
            </ButtonLink>
          )
        }
      />
      <div className="space-y-6">
        <Card title="Terms">
          {course.terms.length === 0 ? (
            <EmptyState title="No terms yet" action={canEdit && !course.archivedAt && <ButtonLink href={`/courses/${course.id}/terms/new`}>Add the first term</ButtonLink>}>
              A term (such as WS25) gives students a profile on the hubs.
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Term</Th>
                  <Th>Hubs</Th>
                  <Th>Image</Th>
                  <Th>CPU</Th>
                  <Th>Memory</Th>
                  <Th>Staff</Th>
                  <Th className="text-right">Students</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {course.terms.map((t) => (
                  <tr key={t.id} className="hover:bg-slate-50">
                    <Td className="font-medium">
                      <Link className="text-brand-700 hover:underline" href={`/courses/${course.id}/terms/${t.id}`}>
                        {t.term}
                      </Link>
                      {t.archivedAt && <span className="ml-2"><Badge>archived</Badge></span>}
                    </Td>
                    <Td>
                      <div className="flex gap-1">{t.hubs.map((h) => <Badge key={h} tone={h === "exam" ? "violet" : h === "grading" ? "green" : "blue"}>{h}</Badge>)}</div>
                    </Td>
                    <Td className="max-w-56 truncate font-mono text-xs" title={t.image}>{t.image}</Td>
                    <Td className="tabular-nums">{t.cpuGuarantee} / {t.cpuLimit}</Td>
                    <Td className="tabular-nums">{t.memGuarantee} / {t.memLimit}</Td>
                    <Td className="text-xs">{t.staff.map((s) => `${s.username} (${s.role})`).join(", ") || <span className="text-slate-500">none</span>}</Td>
                    <Td className="text-right tabular-nums">
                      <Link className="hover:underline" href={`/courses/${course.id}/terms/${t.id}/roster`}>{t.students}</Link>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        {(canEdit || course.staff.length > 0) && (
          <Card title="Course instructors" description="Instructors of every term of this course, also before it has terms. Whoever creates a course starts here; remove them like any other assignment.">
            <StaffPanel courseId={course.id} staff={course.staff} accounts={accounts} canEdit={canEdit} assign={assignCourseStaffAction as never} unassign={unassignCourseStaffAction as never} />
          </Card>
        )}
        {canEdit && (
          <Card title="Course details">
            <CourseForm action={updateCourseAction as never} course={course} submitLabel="Save changes" />
          </Card>
        )}
        {canArchive && (
          <Card title={course.archivedAt ? "Restore" : "Archive"} description={course.archivedAt ? "Bring the course back; its terms reach the hubs again on the next push." : "An archived course keeps its history and rosters but no longer reaches the hubs. Courses are never deleted."}>
            <ArchiveForm action={setCourseArchivedAction as never} idName="courseId" id={course.id} archived={!!course.archivedAt} what={`course ${course.code}`} />
          </Card>
        )}
      </div>
    </>
  );
}
