import { CSV_DIALECT_LABEL, defaultCsvDialect, type CsvDialect } from "@/lib/csv/write";
import { FileDown, FolderX, Inbox } from "lucide-react";
import Link from "next/link";
import { DeadlineForm } from "@/components/grading/deadline-form";
import { HashcodeCheck } from "@/components/grading/hashcode-check";
import { GradingQueryProvider } from "@/components/grading/query-provider";
import { ScanPanel } from "@/components/grading/scan-panel";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/components/format";
import { can } from "@/lib/auth/capabilities";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { listAssignments } from "@/lib/grading/assignments";
import { exchangeRoot, exchangeStatus } from "@/lib/grading/exchange";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { latestScan, scanView } from "@/lib/grading/scans";
import { portalTimeZone, utcToZonedInput } from "@/lib/grading/time";
import { resumeScanAction, setDeadlineAction, startScanAction, stopScanAction } from "./actions";

export const metadata = { title: "Grading" };
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
  const base = `/courses/${courseId}/terms/${termId}/grading`;
  const report = (id: number, format: "pdf" | "csv", variant?: CsvDialect) => `/api/terms/${termId}/grading/report?assignment=${id}&format=${format}${variant ? `&variant=${variant}` : ""}`;
  const dialect = defaultCsvDialect();
  const other: CsvDialect = dialect === "standard" ? "excel-de" : "standard";

  return (
    <GradingQueryProvider>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/courses" className="hover:underline">Courses</Link> / <Link href={`/courses/${courseId}`} className="hover:underline">{row.course.code}</Link> /{" "}
            <Link href={`/courses/${courseId}/terms/${termId}`} className="hover:underline">{row.term.term}</Link>
          </>
        }
        title={`Grading · ${row.course.code} ${row.term.term}`}
        description={`Checks the hashcodes students wrote on their sheets against the submissions in the exchange (nbgrader course id ${nbId}).`}
      />
      <div className="space-y-6">
        {!ex.courseDirExists && (
          <EmptyState icon={<FolderX className="size-8" aria-hidden />} title="No exchange folder for this term">
            The portal expects the submissions of {nbId} in <code className="break-all font-mono text-xs text-slate-800">{ex.courseDir}</code>
            {ex.rootExists ? "." : <>, but the exchange root <code className="break-all font-mono text-xs text-slate-800">{ex.root}</code> does not exist. Mount the exchange there or set <code className="font-mono text-xs">E2X_EXCHANGE_ROOT</code>.</>}
          </EmptyState>
        )}
        {(ex.courseDirExists || scan) && (
          <Card title="Exchange scan" description="Hashes every submission folder (personalized-inbound and inbound), compares it with SHA1SUM.txt and the hashcode in the info file. Large exchanges take a while; you can leave this page.">
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
        <Card title="Check a hashcode" description="Type the code from a student's sheet: it answers for every submission of this term.">
          <HashcodeCheck termId={termId} submissionHref={`${base}/submissions`} />
        </Card>
        <Card title="Assignments" description={`Counts are of the submission that counts per student (the latest before the deadline). Deadlines are ${zone} time.`}>
          {list.length === 0 ? (
            <EmptyState icon={<Inbox className="size-8" aria-hidden />} title="No submissions yet">
              {scan?.status === "completed" ? "The last scan found no assignment in the exchange." : "Run a scan: every assignment found in the exchange appears here."}
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Assignment</Th>
                  <Th>Deadline</Th>
                  <Th className="text-right">Students</Th>
                  <Th className="text-right">Verified</Th>
                  <Th className="text-right">Mismatch</Th>
                  <Th className="text-right">No hashcode</Th>
                  <Th className="text-right" title="The info file names another student, or the folder lies under another student's inbound">Identity</Th>
                  <Th className="text-right">Late</Th>
                  <Th>Report</Th>
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
                          {a.changed > 0 && <Badge tone="red">{a.changed} changed</Badge>}
                          {a.several > 0 && <Badge tone="violet">{a.several} resubmitted</Badge>}
                        </div>
                      )}
                    </Td>
                    <Td>
                      {canSetDeadline ? (
                        <DeadlineForm termId={termId} assignmentId={a.id} name={a.name} zone={zone} value={a.deadline ? utcToZonedInput(a.deadline, zone) : ""} action={setDeadlineAction as never} />
                      ) : (
                        formatDateTime(a.deadline)
                      )}
                    </Td>
                    <Td className="text-right tabular-nums">{a.students}</Td>
                    <Td className="text-right tabular-nums text-emerald-700" data-testid="count-verified">{a.verified}</Td>
                    <Td className="text-right tabular-nums text-red-700">{a.mismatch}</Td>
                    <Td className="text-right tabular-nums text-amber-800">{a.missingHashcode}</Td>
                    <Td className="text-right tabular-nums text-red-700" data-testid="count-identity">{a.identity}</Td>
                    <Td className="text-right tabular-nums" data-testid="count-late">{a.late}</Td>
                    <Td>
                      <div className="flex flex-col gap-1 text-sm">
                        <a href={report(a.id, "pdf")} target="_blank" rel="noopener" className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline">
                          <FileDown className="size-4" aria-hidden /> PDF
                        </a>
                        <a href={report(a.id, "csv", dialect)} className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline">
                          <FileDown className="size-4" aria-hidden /> CSV
                        </a>
                        <a href={report(a.id, "csv", other)} className="inline-flex items-center gap-1 text-xs text-brand-700 hover:underline" title={CSV_DIALECT_LABEL[other]}>
                          {other === "excel-de" ? "CSV for German Excel" : "CSV (comma)"}
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
