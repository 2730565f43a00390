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
import { alsoSeeingTerm, getCourse } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { listStaff } from "@/lib/staff/staff";
import { getTranslations } from "next-intl/server";
import { StaleNotice } from "@/components/shell/stale-notice";
import { termStaleness } from "@/lib/deployment/staleness";
import { getFmt } from "@/lib/i18n/server";
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
  const t = await getTranslations();
  const f = await getFmt();
  // staff of the course or of its other terms see this term too (the portal grants by course)
  const alsoSee = alsoSeeingTerm(course, term.id).map((s) => t("term.alsoSeeItem", { name: s.displayName, roles: s.roles.map((r) => (r.term ? t("term.inTerm", { role: t(`roles.${r.role}`), term: r.term }) : t("term.courseWide", { role: t(`roles.${r.role}`) }))).join(", ") }));
  const accounts = canEdit ? listStaff(db).filter((u) => u.active && u.role !== "admin").map((u) => ({ username: u.username, displayName: u.displayName })) : [];
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/courses" className="hover:underline">{t("courses.title")}</Link> / <Link href={`/courses/${course.id}`} className="hover:underline">{course.code}</Link>
          </>
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span translate="no">{course.code}</span> · {term.term} {term.archivedAt && <Badge>{t("courses.archived")}</Badge>}
          </span>
        }
        description={t("term.description", { count: term.students, id: nbgraderCourseId(course.code, term.term) })}
        actions={
          <>
            <ButtonLink href={`/courses/${course.id}/terms/${term.id}/roster`}>
              <Users className="size-4" aria-hidden /> {t("term.roster", { count: f.number(term.students) })}
            </ButtonLink>
            {can(principal, "grading.view", { courseId }) && (
              <ButtonLink variant="secondary" href={`/courses/${course.id}/terms/${term.id}/grading`}>
                <ClipboardCheck className="size-4" aria-hidden /> {t("term.grading")}
              </ButtonLink>
            )}
            {term.hubs.includes("exam") && can(principal, "exam.manage", { courseId }) && (
              <ButtonLink variant="secondary" href={`/exams/new?termId=${term.id}`}>
                <CalendarClock className="size-4" aria-hidden /> {t("term.planExam")}
              </ButtonLink>
            )}
          </>
        }
      />
      <StaleNotice staleness={termStaleness(db, course.id, term.id)} canPush={can(principal, "cluster.push")} />
      <div className="space-y-6">
        <Card title={t("term.staff")} description={t("term.staffHint")}>
          <StaffPanel
            termId={term.id}
            staff={term.staff}
            accounts={accounts}
            canEdit={canEdit}
            assign={assignStaffAction as never}
            unassign={unassignStaffAction as never}
          />
          {alsoSee.length > 0 && (
            <p className="mt-4 text-sm text-slate-600" data-testid="term-also-see">
              {t("term.alsoSee", { list: alsoSee.join("; ") })}
            </p>
          )}
        </Card>
        <Card title={t("term.settings")} description={t("term.settingsHint")}>
          {canEdit ? (
            <TermForm
              action={updateTermAction as never}
              courseId={course.id}
              courseCode={course.code}
              termId={term.id}
              submitLabel={t("term.saveChanges")}
              initial={{ term: term.term, hubs: term.hubs, image: term.image, cpuGuarantee: term.cpuGuarantee, cpuLimit: term.cpuLimit, memGuarantee: term.memGuarantee, memLimit: term.memLimit, mounts: term.mounts }}
            />
          ) : (
            <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-2">
              <dt className="text-slate-600">{t("courses.image")}</dt>
              <dd className="break-all font-mono">{term.image}</dd>
              <dt className="text-slate-600">{t("courses.cpu")}</dt>
              <dd>{t("courses.cpuRange", { g: f.cores(term.cpuGuarantee), l: f.cores(term.cpuLimit) })}</dd>
              <dt className="text-slate-600">{t("courses.memory")}</dt>
              <dd>{t("courses.memRange", { g: f.memory(term.memGuarantee), l: f.memory(term.memLimit) })}</dd>
              <dt className="text-slate-600">{t("courses.hubs")}</dt>
              <dd>{f.list(term.hubs.map((h) => t(`hubs.${h}`)))}</dd>
            </dl>
          )}
        </Card>
        {canEdit && (
          <Card title={term.archivedAt ? t("term.restore") : t("term.archive")}>
            <ArchiveForm action={setTermArchivedAction as never} idName="termId" id={term.id} archived={!!term.archivedAt} what={t("courses.whatTerm", { term: term.term })} />
          </Card>
        )}
      </div>
    </>
  );
}
