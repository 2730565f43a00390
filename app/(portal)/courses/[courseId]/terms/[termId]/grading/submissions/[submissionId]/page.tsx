import { AlertTriangle } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { FILE_STATUS_TONE, FlagBadges, StatusBadge } from "@/components/grading/badges";
import { formatBytes } from "@/components/grading/format";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/components/format";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { assignments } from "@/lib/db/schema";
import { getSubmission } from "@/lib/grading/submissions";
import type { SubmissionFlag } from "@/lib/submissions/verify";
import { and, eq } from "drizzle-orm";
import { workOf } from "@/lib/exam-day/moves";
import { checkReceipt, receiptFor, verifyChain } from "@/lib/exam-day/receipts";
import { exchangeRoot } from "@/lib/grading/exchange";
import { nbgraderCourseId } from "@/lib/courses/course-id";

export const metadata = { title: "Submission" };
export const dynamic = "force-dynamic";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </>
  );
}

const Mono = ({ children }: { children: ReactNode }) => <code className="font-mono text-xs">{children}</code>;

function flagText(f: SubmissionFlag): ReactNode {
  switch (f.kind) {
    case "verified":
      return <>Verified ({f.mode === "sha1sum" ? "SHA1SUM.txt" : "notebook"} mode): the recorded hashcode is <Mono>{f.hashcode}</Mono> and every file matches.</>;
    case "mismatch":
      return (
        <>
          Mismatch: {f.reasons.map((r) => ({ hashcode: "the recorded hashcode differs from SHA1SUM.txt", files: "files differ from SHA1SUM.txt", "sha1sum-unparseable": "SHA1SUM.txt has unreadable lines", "no-source": "nothing to check the hashcode against" })[r]).join("; ")}.
          {f.files.length > 0 && ` ${f.files.length === 1 ? "1 file differs" : `${f.files.length} files differ`} (see below).`}
        </>
      );
    case "missing-hashcode":
      return f.reason === "no-info-file" ? "No info file (<user>_info.txt) in the submission." : f.reason === "no-hashcode-line" ? "The info file has no Hashcode line." : <>The info file&apos;s hashcode <Mono>{f.recorded}</Mono> is not a hashcode.</>;
    case "changed-since-first-scan":
      return "The folder changed since the portal scanned it the first time.";
    case "late": {
      const h = Math.floor(f.lateByMs / 3_600_000);
      const m = Math.round((f.lateByMs % 3_600_000) / 60_000);
      return <>Late by {h > 0 ? `${h} h ` : ""}{m} min (deadline {formatDateTime(new Date(f.deadline))}).</>;
    }
    case "several-submissions":
      return <>One of {f.count} submissions; {f.counts ? "this one counts" : "another one counts"} ({f.rule === "latest-before-deadline" ? "latest before the deadline" : f.rule === "latest" ? "latest" : "latest; none was in time"}).</>;
    case "scan-problems":
      return `${f.problems.length} problem${f.problems.length === 1 ? "" : "s"} while scanning (see below).`;
    case "wrong-student":
      return (
        <>
          The info file names another student than {f.student}:{" "}
          {f.disagree.includes("file-name") && <>its name is <Mono>{f.infoFile}</Mono></>}
          {f.disagree.length === 2 && " and "}
          {f.disagree.includes("username-line") && <>it says <Mono>Username: {f.infoUsername}</Mono></>}. The hashcode on the sheet may belong to that student.
        </>
      );
    case "misfiled":
      return (
        <>
          Filed under <Mono>personalized-inbound/{f.folderOwner}/</Mono>, but submitted as {f.student}. It counts for neither of them (e2xgrader&apos;s collector skips it too).
        </>
      );
    case "added-after-submission": {
      const never = f.files.filter((x) => x.reason === "never-copied");
      const unhashed = f.files.filter((x) => x.reason === "not-hashed");
      return (
        <>
          {never.length > 0 && (
            <>
              Added after submission: {never.map((x) => <Mono key={x.path}>{x.path} </Mono>)} (nbgrader&apos;s submit never copies these).{" "}
            </>
          )}
          {unhashed.length > 0 && (
            <>
              Not covered by the hashcode, so they may have been added or changed after submission: {unhashed.map((x) => <Mono key={x.path}>{x.path} </Mono>)}
            </>
          )}
        </>
      );
    }
  }
}

export default async function SubmissionPage({ params }: { params: Promise<{ courseId: string; termId: string; submissionId: string }> }) {
  const p = await params;
  const submissionId = Number(p.submissionId);
  if (!Number.isInteger(submissionId)) notFound();
  const { courseId, termId, row: term } = await requireTermPage("grading.view", p);
  const db = getDb();
  const d = getSubmission(db, termId, submissionId);
  if (!d) notFound();
  const s = d.row;
  const assignment = s.assignmentName ? db.select().from(assignments).where(and(eq(assignments.termId, termId), eq(assignments.name, s.assignmentName))).get() : undefined;
  const gradingBase = `/courses/${courseId}/terms/${termId}/grading`;
  const present = d.files.filter((f) => f.kind !== "absent");
  const added = new Map(s.flags.flatMap((f) => (f.kind === "added-after-submission" ? f.files.map((x) => [x.path, x.reason] as const) : [])));
  // exam day: whose work a backup account holds, and the receipt taken when the exam closed
  const work = s.student ? workOf(db, termId, s.student) : null;
  const receipt = receiptFor(db, termId, s.key);
  const receiptCheck = receipt ? await checkReceipt(receipt, exchangeRoot(), nbgraderCourseId(term.course.code, term.term.term)) : null;
  const chain = receipt ? verifyChain(db) : null;

  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/courses" className="hover:underline">Courses</Link> / <Link href={`/courses/${courseId}`} className="hover:underline">{term.course.code}</Link> /{" "}
            <Link href={`/courses/${courseId}/terms/${termId}`} className="hover:underline">{term.term.term}</Link> / <Link href={gradingBase} className="hover:underline">Grading</Link>
            {assignment && (
              <>
                {" "}/ <Link href={`${gradingBase}/assignments/${assignment.id}`} className="hover:underline">{assignment.name}</Link>
              </>
            )}
          </>
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {s.student ?? "Unknown student"} · {s.assignmentName ?? "?"} <StatusBadge status={s.status} />
            {s.goneAt && <Badge tone="red">gone from the exchange</Badge>}
          </span>
        }
        description={
          work
            ? `Work of ${[work.firstName, work.lastName].filter(Boolean).join(" ") || work.username} (${work.username}): moved to this backup account during “${work.examTitle}” at ${formatDateTime(work.movedAt)}.`
            : d.studentName
              ? `${d.studentName}${d.matrikel ? ` · matriculation no. ${d.matrikel}` : ""}`
              : "Not on this term's roster."
        }
      />
      <div className="space-y-6">
        {receipt && receiptCheck && chain && (
          <Card title="Receipt taken at closing" description="The portal's own record of this folder when the exam closed: SHA-256 of SHA1SUM.txt and of every file. Independent of what the student's pod computed.">
            <div data-testid="receipt" className="space-y-2 text-sm">
              {receiptCheck.matches ? (
                <p className="font-medium text-emerald-800">Still matches the receipt taken at {formatDateTime(receipt.takenAt)}.</p>
              ) : (
                <div className="text-red-800">
                  <p className="font-medium">Changed since the receipt taken at {formatDateTime(receipt.takenAt)}.</p>
                  <ul className="list-inside list-disc">
                    {receiptCheck.sha1sumChanged && <li>SHA1SUM.txt is not the one at closing</li>}
                    {receiptCheck.changed.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                </div>
              )}
              <p>Hashcode at closing: <Mono>{receipt.hashcode ?? "none (no SHA1SUM.txt)"}</Mono> · {receipt.files.length} files</p>
              {chain.ok ? (
                <p className="text-slate-600">The receipts&apos; chain is intact ({chain.entries} entries).</p>
              ) : (
                <p role="alert" className="rounded-md bg-red-50 px-3 py-2 font-medium text-red-800 ring-1 ring-red-200">
                  The receipts&apos; chain is broken at entry {chain.brokenAt!.id} ({chain.brokenAt!.key}): {chain.brokenAt!.why}. Receipts from there on cannot be trusted.
                </p>
              )}
            </div>
          </Card>
        )}
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Hashcodes">
            <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-2 text-sm">
              <Row label="Recorded (info file)">{s.recordedHashcode ? <Mono>{s.recordedHashcode}</Mono> : <span className="text-amber-800">none</span>}</Row>
              <Row label="Mode">{s.mode === "sha1sum" ? "SHA1SUM.txt (e2xgrader 0.3)" : s.mode === "notebook" ? "notebook (e2xgrader 0.1/0.2)" : "no hash source"}</Row>
              {s.mode === "sha1sum" && (
                <>
                  <Row label="SHA1SUM.txt as stored"><Mono>{s.storedHashcode ?? "unreadable"}</Mono></Row>
                  <Row label="Rebuilt from the files"><Mono>{s.rebuiltHashcode ?? "a file could not be read"}</Mono>{s.rebuiltHashcode && s.storedHashcode && s.rebuiltHashcode !== s.storedHashcode && <span className="ml-2 text-xs text-slate-600">(differs when files changed, or files nbgrader never copies were listed)</span>}</Row>
                </>
              )}
              {s.notebookSha1 && (
                <Row label="Notebook">
                  <Mono>{s.notebookHashcode}</Mono> · <Mono>{s.notebookLegacyHashcode}</Mono>
                </Row>
              )}
              {d.computedHashcode && <Row label="Submission hashes to"><Mono>{d.computedHashcode}</Mono></Row>}
            </dl>
          </Card>
          <Card title="Submission">
            <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-2 text-sm">
              <Row label="Submitted at">{formatDateTime(s.submittedAt)}{s.submittedAtUtc && <div className="text-xs text-slate-600"><Mono>{s.submittedAtUtc}</Mono></div>}</Row>
              <Row label="timestamp.txt"><Mono>{s.timestamp ?? "—"}</Mono></Row>
              {s.info && <Row label="Info file"><Mono>{s.info.file}</Mono> · {s.info.username ?? "?"} · {s.info.timestamp ?? "?"}</Row>}
              <Row label="Folder"><Mono>{s.key}</Mono></Row>
              <Row label="Size">{formatBytes(s.totalBytes)} in {present.length} file{present.length === 1 ? "" : "s"}</Row>
              <Row label="First seen">{formatDateTime(s.firstSeenAt)}</Row>
              <Row label="Last scanned">{formatDateTime(s.lastScannedAt)}</Row>
              <Row label="Counts">{s.counts ? "yes" : s.status === "misfiled" ? "no (misfiled: counts for nobody)" : "no (another attempt counts)"}</Row>
            </dl>
          </Card>
        </div>
        <Card title="Verdict">
          <ul className="space-y-2 text-sm" data-testid="flags">
            {s.flags.map((f, i) => (
              <li key={i} className="flex items-start gap-2">
                <span className="shrink-0">{f.kind === "verified" || f.kind === "mismatch" || f.kind === "missing-hashcode" || f.kind === "wrong-student" || f.kind === "misfiled" ? <StatusBadge status={f.kind} /> : <FlagBadges flags={[f.kind]} />}</span>
                <span>{flagText(f)}</span>
              </li>
            ))}
          </ul>
          {s.problems.length > 0 && (
            <ul className="mt-4 space-y-1 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
              {s.problems.map((pr, i) => (
                <li key={i} className="flex items-start gap-2">
                  <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
                  <span>
                    {pr.path && <Mono>{pr.path}</Mono>} {pr.message}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Files" description="Each file against its line in SHA1SUM.txt. Info file, timestamp, HTML files, .history and checkpoints are not part of the hashcode (excluded).">
          <Table>
            <thead>
              <tr>
                <Th>Path</Th>
                <Th className="text-right">Size</Th>
                <Th>Status</Th>
                <Th>SHA-1 now</Th>
                <Th>SHA-1 in SHA1SUM.txt</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {d.files.map((f) => (
                <tr key={f.id} data-testid="file-row">
                  <Td className="font-mono text-xs">{f.path}{f.linkTarget && <span className="text-slate-600"> → {f.linkTarget}</span>}</Td>
                  <Td className="text-right tabular-nums">{f.size === null ? "—" : formatBytes(f.size)}</Td>
                  <Td>
                    <span className="inline-flex flex-wrap gap-1">
                      <Badge tone={FILE_STATUS_TONE[f.status] ?? "slate"}>{f.status}</Badge>
                      {added.has(f.path) && <Badge tone="amber">{added.get(f.path) === "never-copied" ? "added after submission" : "not covered by the hashcode"}</Badge>}
                    </span>
                  </Td>
                  <Td className="font-mono text-xs" title={f.sha1 ?? undefined}>{f.sha1 ? f.sha1.slice(0, 12) : "—"}</Td>
                  <Td className={`font-mono text-xs ${f.expectedSha1 && f.sha1 && f.expectedSha1 !== f.sha1 ? "text-red-700" : ""}`} title={f.expectedSha1 ?? undefined}>{f.expectedSha1 ? f.expectedSha1.slice(0, 12) : "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        {d.siblings.length > 1 && (
          <Card title="All attempts of this student">
            <ul className="space-y-1 text-sm">
              {d.siblings.map((x) => (
                <li key={x.id} className="flex flex-wrap items-center gap-2">
                  {x.id === s.id ? <span className="font-medium">{formatDateTime(x.submittedAt)} (this one)</span> : <Link className="text-brand-700 underline" href={`${gradingBase}/submissions/${x.id}`}>{formatDateTime(x.submittedAt)}</Link>}
                  <StatusBadge status={x.status} />
                  {x.counts && <Badge tone="blue">counts</Badge>}
                  {x.goneAt && <Badge tone="red">gone</Badge>}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </>
  );
}
