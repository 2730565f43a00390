import { defaultCsvDialect, type CsvDialect } from "@/lib/csv/write";
import { TermBreadcrumbs } from "@/components/courses/term-breadcrumbs";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { PrintButton } from "@/components/ui/print-button";
import { FileDown, FolderX, Inbox } from "lucide-react";
import Link from "next/link";
import { DeadlineForm } from "@/components/grading/deadline-form";
import { HashcodeCheck } from "@/components/grading/hashcode-check";
import { GradingQueryProvider } from "@/components/grading/query-provider";
import { ScanPanel } from "@/components/grading/scan-panel";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/capabilities";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { listAssignments } from "@/lib/grading/assignments";
import { exchangeRoot, exchangeStatus } from "@/lib/grading/exchange";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { latestScan, scanView } from "@/lib/grading/scans";
import { portalTimeZone, utcToZonedText } from "@/lib/grading/time";
import { resumeScanAction, setDeadlineAction, startScanAction, stopScanAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("grading"))("title") };
}
export const dynamic = "force-dynamic";

export default async function GradingPage({ params }: { params: Promise<{ courseId: string; termId: string }> }) {
  const p = await params;
  const { principal, courseId, termId, row } = await requireTermPage("grading.view", p);
  const db = getDb();
  const canVerify = can(principal, "grading.verify", { courseId });
  const canSetDeadline = can(principal, "grading.deadline", { courseId });
  const nbId = nbgraderCourseId(row.course.code, row.term.term);
  const ex = exchangeStatus(exchangeRoot(), nbId);
  const scan = latestScan(db, termId);
  const list = listAssignments(db, termId);
  const zone = portalTimeZone();
  const t = await getTranslations();
  const f = await getFmt();
  const code = (c: React.ReactNode) => <code className="break-all font-mono text-xs text-slate-800">{c}</code>;
  const base = `/courses/${courseId}/terms/${termId}/grading`;
  const report = (id: number, format: "pdf" | "csv", variant?: CsvDialect) => `/api/terms/${termId}/grading/report?assignment=${id}&format=${format}${variant ? `&variant=${variant}` : ""}`;
  const dialect = defaultCsvDialect();
  const other: CsvDialect = dialect === "standard" ? "excel-de" : "standard";

  return (
    <GradingQueryProvider>
      <PageHeader
        breadcrumbs={
<TermBreadcrumbs coursesLabel={t("courses.title")} courseId={courseId} courseCode={row.course.code} termId={termId} term={row.term.term} />
        }
        title={t("grading.heading", { code: row.course.code, term: row.term.term })}
        description={t("grading.description", { id: nbId })}
        actions={<PrintButton label={t("roster.print")} />}
      />
      <div className="space-y-6">
        {!ex.courseDirExists && (
          <EmptyState icon={<FolderX className="size-8" aria-hidden />} title={t("grading.noExchange")}>
            {t.rich("grading.expects", { id: nbId, dir: ex.courseDir, code })}
            {ex.rootExists ? "." : t.rich("grading.noRoot", { root: ex.root, code })}
          </EmptyState>
        )}
        {(ex.courseDirExists || scan) && (
          <Card className="no-print" title={t("grading.scanTitle")} description={t("grading.scanHint")}>
            <ScanPanel
              termId={termId}
              initial={scan ? scanView(scan) : null}
              canVerify={canVerify && ex.courseDirExists}
              exchangePath={ex.courseDir}
              start={startScanAction as never}
              resume={resumeScanAction as never}
              stop={stopScanAction as never}
            />
          </Card>
        )}
        <Card className="no-print" title={t("grading.checkTitle")} description={t("grading.checkHint")}>
          <HashcodeCheck termId={termId} submissionHref={`${base}/submissions`} />
        </Card>
        <Card title={t("grading.assignments")} description={t("grading.assignmentsHint", { zone })}>
          {list.length === 0 ? (
            <EmptyState icon={<Inbox className="size-8" aria-hidden />} title={t("grading.noSubmissions")}>
              {scan?.status === "completed" ? t("grading.lastScanEmpty") : t("grading.runScan")}
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>{t("grading.th.assignment")}</Th>
                  <Th>{t("grading.th.deadline")}</Th>
                  <Th className="text-right">{t("grading.th.students")}</Th>
                  <Th className="text-right">{t("grading.th.verified")}</Th>
                  <Th className="text-right">{t("grading.th.mismatch")}</Th>
                  <Th className="text-right">{t("grading.th.noHashcode")}</Th>
                  <Th className="text-right" title={t("grading.th.identityHint")}>{t("grading.th.identity")}</Th>
                  <Th className="text-right">{t("grading.th.late")}</Th>
                  <Th className="no-print">{t("grading.th.report")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.map((a) => (
                  <tr key={a.id} data-testid={`assignment-${a.name}`}>
                    <Td>
                      <Link href={`${base}/assignments/${a.id}`} className="font-medium text-brand-700 hover:underline">
                        {a.name}
                      </Link>
                      {a.title && <div className="text-xs text-slate-600">{a.title}</div>}
                      {(a.changed > 0 || a.several > 0) && (
                        <div className="mt-1 flex flex-wrap gap-1">
                          {a.changed > 0 && <Badge tone="red">{t("grading.changed", { count: a.changed })}</Badge>}
                          {a.several > 0 && <Badge tone="violet">{t("grading.resubmitted", { count: a.several })}</Badge>}
                        </div>
                      )}
                    </Td>
                    <Td>
                      {canSetDeadline ? (
                        <>
                          <div className="no-print">
                            <DeadlineForm termId={termId} assignmentId={a.id} name={a.name} zone={zone} value={a.deadline ? utcToZonedText(a.deadline, zone) : ""} action={setDeadlineAction as never} />
                          </div>
                          <span className="hidden print:inline">{f.dateTime(a.deadline)}</span>
                        </>
                      ) : (
                        f.dateTime(a.deadline)
                      )}
                    </Td>
                    <Td className="text-right tabular-nums">{f.number(a.students)}</Td>
                    <Td className="text-right tabular-nums text-emerald-700" data-testid="count-verified">{a.verified}</Td>
                    <Td className="text-right tabular-nums text-red-700">{a.mismatch}</Td>
                    <Td className="text-right tabular-nums text-amber-800">{a.missingHashcode}</Td>
                    <Td className="text-right tabular-nums text-red-700" data-testid="count-identity">{a.identity}</Td>
                    <Td className="text-right tabular-nums" data-testid="count-late">{a.late}</Td>
                    <Td className="no-print">
                      <div className="flex flex-col gap-1 text-sm">
                        <a href={report(a.id, "pdf")} target="_blank" rel="noopener" className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline">
                          <FileDown className="size-4" aria-hidden /> PDF
                        </a>
                        <a href={report(a.id, "csv", dialect)} className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline">
                          <FileDown className="size-4" aria-hidden /> CSV
                        </a>
                        <a href={report(a.id, "csv", other)} className="inline-flex items-center gap-1 text-xs text-brand-700 hover:underline" title={t(`roster.dialects.${other}`)}>
                          {other === "excel-de" ? t("grading.csvExcel") : t("grading.csvComma")}
                        </a>
                      </div>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
    </GradingQueryProvider>
  );
}
