import { CalendarClock, ClipboardCheck, Users } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArchiveForm } from "@/components/courses/archive-form";
import { StaffPanel } from "@/components/courses/staff-panel";
import { TermForm } from "@/components/courses/term-form";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getCourse } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { listStaff } from "@/lib/staff/staff";
import { assignStaffAction, setTermArchivedAction, unassignStaffAction, updateTermAction } from "../../../actions";

export default async function TermPage({ params }: { params: Promise<{ courseId: string; termId: string }> }) {
  const p = await params;
  const courseId = Number(p.courseId);
  const termId = Number(p.termId);
  if (!Number.isInteger(courseId) || !Number.isInteger(termId)) notFound();
  const principal = await requirePage("course.view", { courseId });
  const db = getDb();
  const course = getCourse(db, courseId);
  const term = course?.terms.find((t) => t.id === termId);
  if (!course || !term) notFound();
  const canEdit = can(principal, "course.edit", { courseId });
  const accounts = canEdit ? listStaff(db).filter((u) => u.active && u.role !== "admin").map((u) => ({ username: u.username, displayName: u.displayName })) : [];
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/courses" className="hover:underline">Courses</Link> / <Link href={`/courses/${course.id}`} className="hover:underline">{course.code}</Link>
          </>
        }
        title={
          <span className="flex items-center gap-3">
            {course.code} · {term.term} {term.archivedAt && <Badge>archived</Badge>}
          </span>
        }
        description={`nbgrader course id ${nbgraderCourseId(course.code, term.term)} · ${term.students} students`}
        actions={
          <>
            <ButtonLink href={`/courses/${course.id}/terms/${term.id}/roster`}>
              <Users className="size-4" aria-hidden /> Roster ({term.students})
            </ButtonLink>
            {can(principal, "grading.view", { courseId }) && (
              <ButtonLink variant="secondary" href={`/courses/${course.id}/terms/${term.id}/grading`}>
                <ClipboardCheck className="size-4" aria-hidden /> Grading
              </ButtonLink>
            )}
            {term.hubs.includes("exam") && can(principal, "exam.manage", { courseId }) && (
              <ButtonLink variant="secondary" href={`/exams/new?termId=${term.id}`}>
                <CalendarClock className="size-4" aria-hidden /> Plan an exam
              </ButtonLink>
            )}
          </>
        }
      />
      <div className="space-y-6">
        <Card title="Staff" description="Who may see and manage this term. Graders of one course cannot see another.">
          <StaffPanel
            termId={term.id}
            staff={term.staff}
            accounts={accounts}
            canEdit={canEdit}
            assign={assignStaffAction as never}
            unassign={unassignStaffAction as never}
          />
        </Card>
        <Card title="Settings" description="What a student of this term gets when they start a server.">
          {canEdit ? (
            <TermForm
              action={updateTermAction as never}
              courseId={course.id}
              courseCode={course.code}
              termId={term.id}
              submitLabel="Save changes"
              initial={{ term: term.term, hubs: term.hubs, image: term.image, cpuGuarantee: term.cpuGuarantee, cpuLimit: term.cpuLimit, memGuarantee: term.memGuarantee, memLimit: term.memLimit, mounts: term.mounts }}
            />
          ) : (
            <dl className="grid grid-cols-2 gap-3 text-sm">
              <dt className="text-slate-600">Image</dt>
              <dd className="font-mono">{term.image}</dd>
              <dt className="text-slate-600">CPU</dt>
              <dd>{term.cpuGuarantee} guaranteed, {term.cpuLimit} limit</dd>
              <dt className="text-slate-600">Memory</dt>
              <dd>{term.memGuarantee} guaranteed, {term.memLimit} limit</dd>
              <dt className="text-slate-600">Hubs</dt>
              <dd>{term.hubs.join(", ")}</dd>
            </dl>
          )}
        </Card>
        {canEdit && (
          <Card title={term.archivedAt ? "Restore term" : "Archive term"}>
            <ArchiveForm action={setTermArchivedAction as never} idName="termId" id={term.id} archived={!!term.archivedAt} what={`term ${term.term}`} />
          </Card>
        )}
      </div>
    </>
  );
}
