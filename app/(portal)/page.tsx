import { AlertTriangle, BookOpen, CheckCircle2, Plus } from "lucide-react";
import Link from "next/link";
import { Badge, Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { ButtonLink } from "@/components/ui/button";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { dashboard } from "@/lib/dashboard/dashboard";
import { getDb } from "@/lib/db/client";
import { formatDateTime } from "@/components/format";
import { examDate, examTime, STATUS_TONE } from "@/components/exams/format";
import { listExams } from "@/lib/exams/exams";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const principal = await requirePage("dashboard.view");
  const d = dashboard(getDb(), principal);
  const canCreate = can(principal, "course.create");
  const exams = listExams(getDb(), principal).slice(0, 8);
  return (
    <>
      <PageHeader
        title={`Hello, ${principal.displayName.split(" ")[0]}`}
        description="Your courses and terms, and what needs attention before students log in."
        actions={canCreate && <ButtonLink href="/courses/new"><Plus className="size-4" aria-hidden /> New course</ButtonLink>}
      />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Courses" value={d.courses.length} />
        <Stat label="Active terms" value={d.activeTerms.length} />
        <Stat label="Enrolments" value={d.studentCount.toLocaleString("en")} hint={`${d.distinctStudents.toLocaleString("en")} distinct students`} />
        {d.staffCount !== null ? <Stat label="Staff accounts" value={d.staffCount} /> : <Stat label="Your role" value={<span className="text-lg capitalize">{principal.role}</span>} />}
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {(d.activeTerms.length > 0 || canCreate || exams.length === 0) && (
          <Card title="Your terms" description="Every term you can see, with its hubs and roster size.">
            {d.activeTerms.length === 0 ? (
              <EmptyState icon={<BookOpen className="size-8" />} title="No terms yet" action={canCreate && <ButtonLink href="/courses/new">Create a course</ButtonLink>}>
                {canCreate ? "Create a course and add a term to get started." : "You are not staff on any course yet. An instructor or admin can add you to a term."}
              </EmptyState>
            ) : (
              <ul className="divide-y divide-slate-100">
                {d.activeTerms.map((t) => (
                  <li key={t.id} className="flex items-center justify-between gap-3 py-2.5">
                    <div>
                      <Link href={`/courses/${t.course.id}/terms/${t.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        {t.course.code} · {t.term}
                      </Link>
                      <div className="text-xs text-slate-500">{t.course.title}</div>
                    </div>
                    <div className="flex items-center gap-2">
                      {t.hubs.map((h) => (
                        <Badge key={h} tone={h === "exam" ? "violet" : h === "grading" ? "green" : "blue"}>{h}</Badge>
                      ))}
                      <Link href={`/courses/${t.course.id}/terms/${t.id}/roster`} className="w-24 text-right text-sm tabular-nums text-slate-600 hover:text-brand-700">
                        {t.students} students
                      </Link>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          )}
          <Card title="Your exams" description="Upcoming exams you plan or supervise.">
            {exams.length === 0 ? (
              <p className="text-sm text-slate-500">{canCreate || d.activeTerms.length ? "No upcoming exams." : "You are not assigned to any exam yet. The exam's instructor can add you as a supervisor."}</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {exams.map((e) => (
                  <li key={e.exam.id} className="flex items-center justify-between gap-3 py-2.5">
                    <div>
                      <Link href={`/exams/${e.exam.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        {e.exam.title}
                      </Link>
                      <div className="text-xs text-slate-500">
                        {e.courseCode} {e.term} · {examDate(e.exam.startsAt)}, {examTime(e.exam.startsAt)}–{examTime(e.exam.endsAt)} · {e.participants} participants
                      </div>
                    </div>
                    <Badge tone={STATUS_TONE[e.exam.status]}>{e.exam.status}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Needs attention">
            {d.attention.length === 0 ? (
              <p className="flex items-center gap-2 text-sm text-emerald-700"><CheckCircle2 className="size-4" aria-hidden /> Nothing to do.</p>
            ) : (
              <ul className="space-y-2">
                {d.attention.slice(0, 12).map((a) => (
                  <li key={a.text}>
                    <Link href={a.href} className="flex gap-2 text-sm text-slate-700 hover:text-brand-700">
                      <AlertTriangle className={`mt-0.5 size-4 shrink-0 ${a.tone === "red" ? "text-red-500" : "text-amber-500"}`} aria-hidden />
                      {a.text}
                    </Link>
                  </li>
                ))}
                {d.attention.length > 12 && <li className="text-xs text-slate-500">and {d.attention.length - 12} more</li>}
              </ul>
            )}
          </Card>
          <Card title="Recent changes">
            {d.recent.length === 0 ? (
              <p className="text-sm text-slate-500">No changes yet.</p>
            ) : (
              <ul className="space-y-2.5">
                {d.recent.map((r) => (
                  <li key={r.id} className="text-sm">
                    <div className="text-slate-800">{r.summary}</div>
                    <div className="text-xs text-slate-500">{r.actorName} · {formatDateTime(r.at)}</div>
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
