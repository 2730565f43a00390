import { CalendarPlus } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArchiveForm } from "@/components/courses/archive-form";
import { CourseForm } from "@/components/courses/course-form";
import { HubBadges } from "@/components/courses/hub-badges";
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
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";

export default async function CoursePage({ params }: { params: Promise<{ courseId: string }> }) {
  const courseId = Number((await params).courseId);
  if (!Number.isInteger(courseId)) notFound();
  const principal = await requirePage("course.view", { courseId });
  const course = getCourse(getDb(), courseId);
  if (!course) notFound();
  const canEdit = can(principal, "course.edit", { courseId });
  const canArchive = can(principal, "course.archive", { courseId });
  const accounts = canEdit ? listStaff(getDb()).filter((u) => u.active && u.role !== "admin").map((u) => ({ username: u.username, displayName: u.displayName })) : [];
  const t = await getTranslations();
  const f = await getFmt();
  return (
    <>
      <PageHeader
        breadcrumbs={<Link href="/courses" className="hover:underline">{t("courses.title")}</Link>}
        title={
          <span className="flex flex-wrap items-center gap-x-3">
            <span className="font-mono">{course.code}</span>
            <span className="font-normal text-slate-600">{course.title}</span>
            {course.archivedAt && <Badge>{t("courses.archived")}</Badge>}
          </span>
        }
        description={course.description || undefined}
        actions={
          canEdit && !course.archivedAt && (
            <ButtonLink href={`/courses/${course.id}/terms/new`}>
              <CalendarPlus className="size-4" aria-hidden /> {t("courses.addTerm")}
            </ButtonLink>
          )
        }
      />
      <div className="space-y-6">
        <Card title={t("courses.terms")}>
          {course.terms.length === 0 ? (
            <EmptyState title={t("courses.noTerms")} action={canEdit && !course.archivedAt && <ButtonLink href={`/courses/${course.id}/terms/new`}>{t("courses.addFirstTerm")}</ButtonLink>}>
              {t("courses.noTermsHint")}
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>{t("courses.term")}</Th>
                  <Th>{t("courses.hubs")}</Th>
                  <Th>{t("courses.image")}</Th>
                  <Th>{t("courses.cpu")}</Th>
                  <Th>{t("courses.memory")}</Th>
                  <Th>{t("courses.staff")}</Th>
                  <Th className="text-right">{t("courses.students")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {course.terms.map((term) => (
                  <tr key={term.id} className="hover:bg-slate-50">
                    <Td className="font-medium">
                      <Link className="text-brand-700 hover:underline" href={`/courses/${course.id}/terms/${term.id}`}>
                        {term.term}
                      </Link>
                      {term.archivedAt && <span className="ml-2"><Badge>{t("courses.archived")}</Badge></span>}
                    </Td>
                    <Td>
                      <div className="flex flex-wrap gap-1"><HubBadges hubs={term.hubs} /></div>
                    </Td>
                    <Td className="max-w-44 truncate font-mono text-xs" title={term.image}>{term.image}</Td>
                    <Td className="min-w-32 tabular-nums" title={`${term.cpuGuarantee} / ${term.cpuLimit}`}>{t("courses.cpuRange", { g: f.cores(term.cpuGuarantee), l: f.cores(term.cpuLimit) })}</Td>
                    <Td className="min-w-32 tabular-nums" title={`${term.memGuarantee} / ${term.memLimit}`}>{t("courses.memRange", { g: f.memory(term.memGuarantee), l: f.memory(term.memLimit) })}</Td>
                    <Td className="min-w-44 text-xs">{term.staff.map((s) => `${s.username} (${t(`roles.${s.role}`)})`).join(", ") || <span className="text-slate-600">{t("courses.noneShort")}</span>}</Td>
                    <Td className="text-right tabular-nums">
                      <Link className="hover:underline" href={`/courses/${course.id}/terms/${term.id}/roster`}>{f.number(term.students)}</Link>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        {(canEdit || course.staff.length > 0) && (
          <Card title={t("courses.instructorsTitle")} description={t("courses.instructorsHint")}>
            <StaffPanel courseId={course.id} staff={course.staff} accounts={accounts} canEdit={canEdit} assign={assignCourseStaffAction as never} unassign={unassignCourseStaffAction as never} />
          </Card>
        )}
        {canEdit && (
          <Card title={t("courses.details")}>
            <CourseForm action={updateCourseAction as never} course={course} submitLabel={t("courses.saveChanges")} />
          </Card>
        )}
        {canArchive && (
          <Card title={course.archivedAt ? t("courses.restore") : t("courses.archive")} description={course.archivedAt ? t("courses.restoreHint") : t("courses.archiveHint")}>
            <ArchiveForm action={setCourseArchivedAction as never} idName="courseId" id={course.id} archived={!!course.archivedAt} what={t("courses.whatCourse", { code: course.code })} />
          </Card>
        )}
      </div>
    </>
  );
}
