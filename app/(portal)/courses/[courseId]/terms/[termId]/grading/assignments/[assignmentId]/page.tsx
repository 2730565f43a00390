import { defaultCsvDialect, type CsvDialect } from "@/lib/csv/write";
import { TermBreadcrumbs } from "@/components/courses/term-breadcrumbs";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { PrintButton } from "@/components/ui/print-button";
import { FileDown, Search } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FlagBadges, StatusBadge, STATUS_TEXT } from "@/components/grading/badges";
import { HashcodeCheck } from "@/components/grading/hashcode-check";
import { GradingQueryProvider } from "@/components/grading/query-provider";
import { ButtonAnchor } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { getAssignment, listAssignments } from "@/lib/grading/assignments";
import { FLAG_FILTERS, listSubmissions, STATUS_FILTERS, type FlagFilter } from "@/lib/grading/submissions";
import type { SubmissionStatus } from "@/lib/submissions/verify";

export async function generateMetadata() {
  return { title: (await getTranslations("assignment"))("title") };
}
export const dynamic = "force-dynamic";

type SP = { status?: string; flag?: string; q?: string; all?: string; page?: string };

export default async function AssignmentPage({ params, searchParams }: { params: Promise<{ courseId: string; termId: string; assignmentId: string }>; searchParams: Promise<SP> }) {
  const p = await params;
  const sp = await searchParams;
  const assignmentId = Number(p.assignmentId);
  if (!Number.isInteger(assignmentId)) notFound();
  const { courseId, termId, row } = await requireTermPage("grading.view", p);
  const db = getDb();
  const a = getAssignment(db, termId, assignmentId);
  if (!a) notFound();
  const summary = listAssignments(db, termId).find((x) => x.id === a.id)!;
  const status = (STATUS_FILTERS as readonly string[]).includes(sp.status ?? "") ? (sp.status as SubmissionStatus) : undefined;
  const flag = (FLAG_FILTERS as readonly string[]).includes(sp.flag ?? "") ? (sp.flag as FlagFilter) : undefined;
  const all = sp.all === "1";
  const q = sp.q?.trim() || undefined;
  const list = listSubmissions(db, termId, a.name, { status, flag, q, all, page: Number(sp.page) || 1, pageSize: 50 });
  const t = await getTranslations();
  const f = await getFmt();
  // Printing shows every row of the filter, not the current page.
  const printRows = list.pages > 1 ? listSubmissions(db, termId, a.name, { status, flag, q, all, pageSize: "all" }).rows : list.rows;
  const columns = ["student", "submittedAt", "hashcode", "status", "flags"] as const;
  const label = (s: string) => (t.has(`grading.status.${s}` as "grading.status.verified") ? t(`grading.status.${s}` as "grading.status.verified") : s);
  const flagLabel = (s: string) => (t.has(`grading.flag.${s}` as "grading.flag.late") ? t(`grading.flag.${s}` as "grading.flag.late") : s);
  const gradingBase = `/courses/${courseId}/terms/${termId}/grading`;
  const base = `${gradingBase}/assignments/${a.id}`;
  const qs = (o: Record<string, string | number | undefined>) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries({ status, flag, q, all: all ? "1" : undefined, ...o })) if (v !== undefined && v !== "") u.set(k, String(v));
    const s = u.toString();
    return s ? `${base}?${s}` : base;
  };
  const filtered = !!(status || flag || q);
  const report = (format: string, variant?: CsvDialect) => `/api/terms/${termId}/grading/report?assignment=${a.id}&format=${format}${variant ? `&variant=${variant}` : ""}`;
  const dialect = defaultCsvDialect();
  const other: CsvDialect = dialect === "standard" ? "excel-de" : "standard";

  return (
    <GradingQueryProvider>
      <PageHeader
        breadcrumbs={
<TermBreadcrumbs coursesLabel={t("courses.title")} courseId={courseId} courseCode={row.course.code} termId={termId} term={row.term.term} trail={[{ href: gradingBase, label: t("grading.title") }]} />
        }
        title={`${a.name} · ${row.course.code} ${row.term.term}`}
        description={a.deadline ? t("assignment.deadline", { when: f.dateTime(a.deadline) }) : t("assignment.noDeadline")}
        actions={
          <div className="no-print flex flex-wrap items-center gap-2">
            <PrintButton label={t("roster.print")} />
            <ButtonAnchor variant="secondary" href={report("pdf")} target="_blank">
              <FileDown className="size-4" aria-hidden /> {t("assignment.pdf")}
            </ButtonAnchor>
            <ButtonAnchor variant="secondary" href={report("csv", dialect)} title={t(`roster.dialects.${dialect}`)}>
              <FileDown className="size-4" aria-hidden /> CSV
            </ButtonAnchor>
            <ButtonAnchor variant="ghost" href={report("csv", other)} title={t(`roster.dialects.${other}`)}>
              {other === "excel-de" ? t("assignment.csvExcel") : t("assignment.csvComma")}
            </ButtonAnchor>
          </div>
        }
      />
      <div className="space-y-6">
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          <Stat label={t("assignment.students")} value={f.number(summary.students)} hint={t("assignment.folders", { count: f.number(summary.submissions) })} />
          <Stat label={t("assignment.verified")} value={f.number(summary.verified)} />
          <Stat label={t("assignment.mismatch")} value={f.number(summary.mismatch)} />
          <Stat label={t("assignment.noHashcode")} value={f.number(summary.missingHashcode)} />
          <Stat label={t("assignment.identity")} value={f.number(summary.identity)} hint={t("assignment.identityHint")} />
          <Stat label={t("assignment.late")} value={f.number(summary.late)} />
        </div>
        <Card className="no-print" title={t("grading.checkTitle")} description={t("assignment.checkOnly", { name: a.name })}>
          <HashcodeCheck termId={termId} assignment={a.name} submissionHref={`${gradingBase}/submissions`} />
        </Card>
        <Card
          title={(() => {
            const n = all ? t("assignment.countSubmissions", { count: list.total }) : t("assignment.countStudents", { count: list.total });
            return filtered ? t("assignment.matching", { count: n }) : n;
          })()}
          actions={
            <form role="search" action={base} className="no-print flex flex-wrap items-center gap-2">
              <label htmlFor="status" className="sr-only">{t("assignment.status")}</label>
              <select id="status" name="status" defaultValue={status ?? ""} className="rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300">
                <option value="">{t("assignment.anyStatus")}</option>
                {STATUS_FILTERS.map((s) => (
                  <option key={s} value={s}>{label(s)}</option>
                ))}
              </select>
              <label htmlFor="flag" className="sr-only">{t("assignment.flag")}</label>
              <select id="flag" name="flag" defaultValue={flag ?? ""} className="rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300">
                <option value="">{t("assignment.anyFlag")}</option>
                {FLAG_FILTERS.filter((x) => !(x in STATUS_TEXT)).map((x) => (
                  <option key={x} value={x}>{flagLabel(x)}</option>
                ))}
              </select>
              <label className="flex items-center gap-1.5 text-sm text-slate-700">
                <input type="checkbox" name="all" value="1" defaultChecked={all} /> {t("assignment.everyAttempt")}
              </label>
              <label htmlFor="q" className="sr-only">{t("assignment.search")}</label>
              <div className="relative w-full sm:w-auto">
                <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-slate-500" aria-hidden />
                <input id="q" name="q" type="search" defaultValue={q} placeholder={t("assignment.searchPlaceholder")} className="w-full rounded-md sm:w-64 border-0 py-2 pl-8 pr-3 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" />
              </div>
              <button type="submit" className="rounded-md bg-white px-3 py-2 text-sm font-medium ring-1 ring-inset ring-slate-300 hover:bg-slate-50">{t("assignment.filter")}</button>
            </form>
          }
        >
          {list.total === 0 ? (
            filtered ? (
              <EmptyState title={t("assignment.noMatch")}>{t("assignment.noMatchBody")} <Link className="text-brand-700 underline" href={base}>{t("assignment.clear")}</Link>.</EmptyState>
            ) : (
              <EmptyState title={t("assignment.none")}>{t("assignment.noneBody", { name: a.name })}</EmptyState>
            )
          ) : (
            <>
              <div className="print:hidden">
              <Table>
                <thead>
                  <tr>
                    {columns.map((c) => <Th key={c}>{t(`assignment.th.${c}`)}</Th>)}
                    <Th className="text-right">{t("assignment.th.files")}</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {list.rows.map((r) => (
                    <tr key={r.id} className={r.counts ? undefined : "bg-slate-50 text-slate-600"} data-testid="submission-row">
                      <Td>
                        <Link href={`${gradingBase}/submissions/${r.id}`} className="font-medium text-brand-700 hover:underline">
                          {r.student ?? "?"}
                        </Link>
                        {r.studentName && <div className="text-xs text-slate-600">{r.studentName}{r.matrikel ? ` · ${r.matrikel}` : ""}</div>}
                      </Td>
                      <Td className="whitespace-nowrap tabular-nums">{f.dateTime(r.submittedAt)}</Td>
                      <Td className="font-mono text-xs">{r.recordedHashcode ?? <span className="font-sans text-slate-600">{t("assignment.noneShort")}</span>}</Td>
                      <Td>
                        <StatusBadge status={r.status} />
                      </Td>
                      <Td>
                        <span className="flex flex-wrap items-center gap-1">
                          <FlagBadges flags={r.flagKinds} />
                          {r.attempts > 1 && (r.counts ? <Badge tone="blue">{t("assignment.counts", { count: r.attempts })}</Badge> : <Badge>{t("assignment.superseded")}</Badge>)}
                        </span>
                      </Td>
                      <Td className="text-right tabular-nums">{r.files}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pagination page={list.page} pages={list.pages} total={list.total} label={all ? "submissions" : "students"} href={(n) => qs({ page: n })} />
              </div>
              <div className="hidden print:block" data-testid="submissions-print">
                <p className="mb-2 text-xs text-slate-600">{t("assignment.printedAt", { when: f.dateTime(new Date()) })}</p>
                <Table>
                  <thead>
                    <tr>{columns.map((c) => <Th key={c}>{t(`assignment.th.${c}`)}</Th>)}</tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {printRows.map((r) => (
                      <tr key={r.id}>
                        <Td>
                          {r.student ?? "?"}
                          {r.studentName ? ` · ${r.studentName}` : ""}
                          {r.matrikel ? ` · ${r.matrikel}` : ""}
                        </Td>
                        <Td className="whitespace-nowrap tabular-nums">{f.dateTime(r.submittedAt)}</Td>
                        <Td className="font-mono text-xs">{r.recordedHashcode ?? "—"}</Td>
                        <Td>{label(r.status)}</Td>
                        <Td>{r.flagKinds.filter((x) => !(x in STATUS_TEXT)).map(flagLabel).join(", ")}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </div>
            </>
          )}
        </Card>
      </div>
    </GradingQueryProvider>
  );
}
