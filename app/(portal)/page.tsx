import { AlertTriangle, BookOpen, CheckCircle2, Plus } from "lucide-react";
import Link from "next/link";
import { Badge, Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { ButtonLink } from "@/components/ui/button";
import { HubBadges } from "@/components/courses/hub-badges";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { dashboard, examsNotReady } from "@/lib/dashboard/dashboard";
import { getDb } from "@/lib/db/client";
import { STATUS_TONE } from "@/components/exams/format";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { auditActionLabel, auditSummary } from "@/lib/i18n/audit-label";
import { listExams } from "@/lib/exams/exams";

export async function generateMetadata() {
  return { title: (await getTranslations("dashboard"))("title") };
}

export default async function DashboardPage() {
  const principal = await requirePage("dashboard.view");
  const d = dashboard(getDb(), principal);
  const canCreate = can(principal, "course.create");
  const all = listExams(getDb(), principal);
  const exams = all.slice(0, 8);
  const coursesShown = canCreate || d.courses.length > 0;
  const upcoming = all.filter((e) => e.exam.status !== "closed" && e.exam.status !== "archived");
  const next = upcoming.find((e) => e.exam.endsAt.getTime() > Date.now());
  const attention = [...examsNotReady(getDb(), upcoming), ...d.attention];
  const t = await getTranslations();
  const f = await getFmt();
  return (
    <>
      <PageHeader
        title={t("dashboard.hello", { name: principal.displayName })}
        description={t(principal.role === "supervisor" ? "dashboard.descriptionSupervisor" : "dashboard.description")}
        actions={canCreate && <ButtonLink href="/courses/new"><Plus className="size-4" aria-hidden /> {t("dashboard.newCourse")}</ButtonLink>}
      />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        {coursesShown ? (
          <>
            <Stat label={t("dashboard.courses")} value={f.number(d.courses.length)} />
            <Stat label={t("dashboard.activeTerms")} value={f.number(d.activeTerms.length)} />
            <Stat label={t("dashboard.enrolments")} value={f.number(d.studentCount)} hint={t("dashboard.distinct", { count: d.distinctStudents })} />
          </>
        ) : (
          // no course to see (a supervisor): their exams instead of three zeros
          <>
            <Stat label={t("dashboard.upcomingExams")} value={f.number(upcoming.length)} />
            <Stat label={t("dashboard.nextExam")} value={<span className="text-lg">{next ? `${f.weekdayDate(next.exam.startsAt)}, ${f.time(next.exam.startsAt)}` : "—"}</span>} hint={next?.exam.title} />
            <Stat label={t("dashboard.examParticipants")} value={f.number(upcoming.reduce((n, e) => n + e.participants, 0))} hint={t("dashboard.examBackups", { count: upcoming.reduce((n, e) => n + e.backups, 0) })} />
          </>
        )}
        {d.staffCount !== null ? <Stat label={t("dashboard.staffAccounts")} value={f.number(d.staffCount)} /> : <Stat label={t("dashboard.yourRole")} value={<span className="text-lg">{t(`shell.roles.${principal.role}`)}</span>} />}
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {(d.activeTerms.length > 0 || canCreate || exams.length === 0) && (
          <Card title={t("dashboard.yourTerms")} description={t("dashboard.yourTermsHint")}>
            {d.activeTerms.length === 0 ? (
              <EmptyState icon={<BookOpen className="size-8" />} title={t("dashboard.noTerms")} action={canCreate && <ButtonLink href="/courses/new">{t("dashboard.createCourse")}</ButtonLink>}>
                {canCreate ? t("dashboard.noTermsCreate") : t("dashboard.noTermsStaff")}
              </EmptyState>
            ) : (
              <ul className="divide-y divide-slate-100">
                {d.activeTerms.map((term) => (
                  <li key={term.id} className="flex flex-wrap items-center justify-between gap-3 py-2.5">
                    <div>
                      <Link href={`/courses/${term.course.id}/terms/${term.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        <span translate="no">{term.course.code}</span> · {term.term}
                      </Link>
                      <div className="text-xs text-slate-600">{term.course.title}</div>
                    </div>
                    <div className="flex items-center gap-2">
                      <HubBadges hubs={term.hubs} />
                      <Link href={`/courses/${term.course.id}/terms/${term.id}/roster`} className="min-w-24 text-right text-sm tabular-nums text-slate-600 hover:text-brand-700">
                        {t("dashboard.students", { count: term.students })}
                      </Link>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          )}
          <Card title={t("dashboard.yourExams")} description={t("dashboard.yourExamsHint")}>
            {exams.length === 0 ? (
              <p className="text-sm text-slate-600">{canCreate || d.activeTerms.length ? t("dashboard.noExams") : t("dashboard.noExamsAssigned")}</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {exams.map((e) => (
                  <li key={e.exam.id} className="flex flex-wrap items-center justify-between gap-3 py-2.5">
                    <div className="min-w-0 break-words">
                      <Link href={`/exams/${e.exam.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        {e.exam.title}
                      </Link>
                      <div className="text-xs text-slate-600">
                        {e.courseCode} {e.term} · {f.weekdayDate(e.exam.startsAt)}, {f.time(e.exam.startsAt)}–{f.time(e.exam.endsAt)} · {t("dashboard.participants", { count: e.participants })}
                      </div>
                    </div>
                    <Badge tone={STATUS_TONE[e.exam.status]}>{t(`examStatus.${e.exam.status}`)}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <Card title={t("dashboard.attention")}>
            {attention.length === 0 ? (
              <p className="flex items-center gap-2 text-sm text-emerald-700"><CheckCircle2 className="size-4" aria-hidden /> {t("dashboard.nothing")}</p>
            ) : (
              <ul className="space-y-2">
                {attention.slice(0, 12).map((a) => (
                  <li key={`${a.key}:${a.href}`} data-testid={`attention-${a.key}`}>
                    <Link href={a.href} className="flex gap-2 text-sm text-slate-700 hover:text-brand-700">
                      <AlertTriangle className={`mt-0.5 size-4 shrink-0 ${a.tone === "red" ? "text-red-500" : "text-amber-500"}`} aria-hidden />
                      {t(`dashboard.att.${a.key}`, { term: "", ...a.values })}
                    </Link>
                  </li>
                ))}
                {attention.length > 12 && <li className="text-xs text-slate-600">{t("dashboard.more", { count: attention.length - 12 })}</li>}
              </ul>
            )}
          </Card>
          <Card title={t("dashboard.recent")}>
            {d.recent.length === 0 ? (
              <p className="text-sm text-slate-600">{t("dashboard.noRecent")}</p>
            ) : (
              <ul className="space-y-2.5">
                {d.recent.map((r) => (
                  <li key={r.id} className="text-sm">
                    <div className="font-medium text-slate-800">
                      {r.courseCode && <span translate="no">{r.courseCode}: </span>}
                      {auditActionLabel(t, r.action)}
                    </div>
                    <div className="break-words text-slate-700">{auditSummary(t, r, f.locale)}</div>
                    <div className="text-xs text-slate-600">{r.actorName} · {f.dateTime(r.at)}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
