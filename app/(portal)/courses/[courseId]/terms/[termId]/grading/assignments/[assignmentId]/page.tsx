import { CSV_DIALECT_LABEL, defaultCsvDialect, type CsvDialect } from "@/lib/csv/write";
import { FileDown, Search } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FlagBadges, FLAG_TEXT, StatusBadge, STATUS_TEXT } from "@/components/grading/badges";
import { HashcodeCheck } from "@/components/grading/hashcode-check";
import { GradingQueryProvider } from "@/components/grading/query-provider";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/components/format";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { getAssignment, listAssignments } from "@/lib/grading/assignments";
import { FLAG_FILTERS, listSubmissions, STATUS_FILTERS, type FlagFilter } from "@/lib/grading/submissions";
import type { SubmissionStatus } from "@/lib/submissions/verify";

export const metadata = { title: "Submissions" };
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
          <>
            <Link href="/courses" className="hover:underline">Courses</Link> / <Link href={`/courses/${courseId}`} className="hover:underline">{row.course.code}</Link> /{" "}
            <Link href={`/courses/${courseId}/terms/${termId}`} className="hover:underline">{row.term.term}</Link> / <Link href={gradingBase} className="hover:underline">Grading</Link>
          </>
        }
        title={`${a.name} · ${row.course.code} ${row.term.term}`}
        description={a.deadline ? `Deadline ${formatDateTime(a.deadline)}. Later submissions are flagged late; the latest one before the deadline counts.` : "No deadline set: the latest submission counts. Set one on the grading overview."}
        actions={
          <>
            <ButtonLink variant="secondary" href={report("pdf")} prefetch={false} target="_blank">
              <FileDown className="size-4" aria-hidden /> PDF report
            </ButtonLink>
            <ButtonLink variant="secondary" href={report("csv", dialect)} prefetch={false} title={CSV_DIALECT_LABEL[dialect]}>
              <FileDown className="size-4" aria-hidden /> CSV
            </ButtonLink>
            <ButtonLink variant="ghost" href={report("csv", other)} prefetch={false} title={CSV_DIALECT_LABEL[other]}>
              {other === "excel-de" ? "CSV for German Excel (;)" : "CSV (comma-separated)"}
            </ButtonLink>
          </>
        }
      />
      <div className="space-y-6">
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-6">
          <Stat label="Students" value={summary.students} hint={`${summary.submissions} folders`} />
          <Stat label="Verified" value={summary.verified} />
          <Stat label="Mismatch" value={summary.mismatch} />
          <Stat label="No hashcode" value={summary.missingHashcode} />
          <Stat label="Wrong student / misfiled" value={summary.identity} hint="info file or folder of another student" />
          <Stat label="Late" value={summary.late} />
        </div>
        <Card title="Check a hashcode" description={`Only submissions of ${a.name}.`}>
          <HashcodeCheck termId={termId} assignment={a.name} submissionHref={`${gradingBase}/submissions`} />
        </Card>
        <Card
          title={`${list.total.toLocaleString("en")} ${all ? "submission" : "student"}${list.total === 1 ? "" : "s"}${filtered ? " matching" : ""}`}
          actions={
            <form role="search" action={base} className="flex flex-wrap items-center gap-2">
              <label htmlFor="status" className="sr-only">Status</label>
              <select id="status" name="status" defaultValue={status ?? ""} className="rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300">
                <option value="">Any status</option>
                {STATUS_FILTERS.map((s) => (
                  <option key={s} value={s}>{STATUS_TEXT[s].label}</option>
                ))}
              </select>
              <label htmlFor="flag" className="sr-only">Flag</label>
              <select id="flag" name="flag" defaultValue={flag ?? ""} className="rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300">
                <option value="">Any flag</option>
                {FLAG_FILTERS.filter((f) => !(f in STATUS_TEXT)).map((f) => (
                  <option key={f} value={f}>{FLAG_TEXT[f].label}</option>
                ))}
              </select>
              <label className="flex items-center gap-1.5 text-sm text-slate-700">
                <input type="checkbox" name="all" value="1" defaultChecked={all} /> every attempt
              </label>
              <label htmlFor="q" className="sr-only">Search students</label>
              <div className="relative">
                <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-slate-500" aria-hidden />
                <input id="q" name="q" type="search" defaultValue={q} placeholder="Username, name, matriculation no." className="w-64 rounded-md border-0 py-2 pl-8 pr-3 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" />
              </div>
              <button type="submit" className="rounded-md bg-white px-3 py-2 text-sm font-medium ring-1 ring-inset ring-slate-300 hover:bg-slate-50">Filter</button>
            </form>
          }
        >
          {list.total === 0 ? (
            filtered ? (
              <EmptyState title="No match">Nothing matches these filters. <Link className="text-brand-700 underline" href={base}>Clear them</Link>.</EmptyState>
            ) : (
              <EmptyState title="No submissions yet">No submission of {a.name} was found in the exchange. Run a scan on the grading overview once students have submitted.</EmptyState>
            )
          ) : (
            <>
              <Table>
                <thead>
                  <tr>
                    <Th>Student</Th>
                    <Th>Submitted at</Th>
                    <Th>Hashcode (info file)</Th>
                    <Th>Status</Th>
                    <Th>Flags</Th>
                    <Th className="text-right">Files</Th>
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
                      <Td className="whitespace-nowrap tabular-nums">{formatDateTime(r.submittedAt)}</Td>
                      <Td className="font-mono text-xs">{r.recordedHashcode ?? <span className="font-sans text-slate-500">none</span>}</Td>
                      <Td>
                        <StatusBadge status={r.status} />
                      </Td>
                      <Td>
                        <span className="flex flex-wrap items-center gap-1">
                          <FlagBadges flags={r.flagKinds} />
                          {r.attempts > 1 && (r.counts ? <Badge tone="blue">counts ({r.attempts} attempts)</Badge> : <Badge>superseded</Badge>)}
                        </span>
                      </Td>
                      <Td className="text-right tabular-nums">{r.files}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pagination page={list.page} pages={list.pages} total={list.total} label={all ? "submissions" : "students"} href={(n) => qs({ page: n })} />
            </>
          )}
        </Card>
      </div>
    </GradingQueryProvider>
  );
}
