import { AlertTriangle } from "lucide-react";
import { TermBreadcrumbs } from "@/components/courses/term-breadcrumbs";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { FILE_STATUS_TONE, FlagBadges, StatusBadge } from "@/components/grading/badges";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { getTranslations } from "next-intl/server";
import { getFmt, requestLocale } from "@/lib/i18n/server";
import { requireTermPage } from "@/lib/courses/term-page";
import { getDb } from "@/lib/db/client";
import { getAssignmentByName } from "@/lib/grading/assignments";
import { getSubmission } from "@/lib/grading/submissions";
import { scanProblemText } from "@/lib/submissions/problem-text";
import type { SubmissionFlag } from "@/lib/submissions/verify";
import { workOf } from "@/lib/exam-day/moves";
import { submissionReceipt } from "@/lib/exam-day/receipts";
import { withLocale } from "@/lib/i18n/t";

export async function generateMetadata() {
  return { title: (await getTranslations("submission"))("title") };
}
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

type Tr = Awaited<ReturnType<typeof getTranslations<"submission">>>;

function flagText(f: SubmissionFlag, t: Tr, when: (d: Date) => string): ReactNode {
  const m = (c: ReactNode) => <Mono>{c}</Mono>;
  switch (f.kind) {
    case "verified":
      return t.rich("flag.verified", { mode: f.mode === "sha1sum" ? "sha1sum" : "notebook", hashcode: f.hashcode ?? "", m });
    case "mismatch":
      return (
        <>
          {t("flag.mismatch", { reasons: f.reasons.map((r) => t(`flag.reasons.${r}`)).join("; ") })}
          {f.files.length > 0 && t("flag.filesDiffer", { count: f.files.length })}
        </>
      );
    case "missing-hashcode":
      return f.reason === "no-info-file" ? t("flag.noInfo", { file: "<user>_info.txt" }) : f.reason === "no-hashcode-line" ? t("flag.noLine") : t.rich("flag.notCode", { recorded: f.recorded ?? "", m });
    case "changed-since-first-scan":
      return t("flag.changed");
    case "late": {
      const h = Math.floor(f.lateByMs / 3_600_000);
      const min = Math.round((f.lateByMs % 3_600_000) / 60_000);
      return t("flag.late", { h, m: min, deadline: when(new Date(f.deadline)) });
    }
    case "several-submissions":
      return t("flag.several", { count: f.count, counts: String(f.counts), rule: f.rule.replaceAll("-", "_") });
    case "scan-problems":
      return t("flag.problems", { count: f.problems.length });
    case "wrong-student":
      return (
        <>
          {t("flag.wrongStudent", { student: f.student ?? "?" })}
          {f.disagree.includes("file-name") && t.rich("flag.itsName", { file: f.infoFile ?? "", m })}
          {f.disagree.length === 2 && t("flag.and")}
          {f.disagree.includes("username-line") && t.rich("flag.itSays", { username: f.infoUsername ?? "", m })}
          {t("flag.mayBelong")}
        </>
      );
    case "misfiled":
      return t.rich("flag.misfiled", { owner: f.folderOwner, student: f.student ?? "?", m });
    case "added-after-submission": {
      const never = f.files.filter((x) => x.reason === "never-copied");
      const unhashed = f.files.filter((x) => x.reason === "not-hashed");
      return (
        <>
          {never.length > 0 && (
            <>
              {t("flag.addedAfter")}
              {never.map((x) => <Mono key={x.path}>{x.path} </Mono>)}
              {t("flag.neverCopies")}
            </>
          )}
          {unhashed.length > 0 && (
            <>
              {t("flag.notCovered")}
              {unhashed.map((x) => <Mono key={x.path}>{x.path} </Mono>)}
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
  const assignment = s.assignmentName ? getAssignmentByName(db, termId, s.assignmentName) : null;
  const t = await getTranslations("submission");
  const tr = await getTranslations("receipts");
  const tt = await getTranslations();
  const fm = await getFmt();
  const gradingBase = `/courses/${courseId}/terms/${termId}/grading`;
  const present = d.files.filter((f) => f.kind !== "absent");
  const added = new Map(s.flags.flatMap((f) => (f.kind === "added-after-submission" ? f.files.map((x) => [x.path, x.reason] as const) : [])));
  // exam day: whose work a backup account holds, and the receipt taken when the exam closed
  const work = s.student ? workOf(db, termId, s.student) : null;
  const closing = await withLocale(await requestLocale(), () => submissionReceipt(db, termId, s.key));

  return (
    <>
      <PageHeader
        breadcrumbs={
<TermBreadcrumbs
            coursesLabel={tt("courses.title")}
            courseId={courseId}
            courseCode={term.course.code}
            termId={termId}
            term={term.term.term}
            trail={[{ href: gradingBase, label: tt("grading.title") }, ...(assignment ? [{ href: `${gradingBase}/assignments/${assignment.id}`, label: assignment.name }] : [])]}
          />
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {s.student ?? t("unknown")} · {s.assignmentName ?? "?"} <StatusBadge status={s.status} />
            {s.goneAt && <Badge tone="red">{t("gone")}</Badge>}
          </span>
        }
        description={
          work
            ? tr("workOf", { name: [work.firstName, work.lastName].filter(Boolean).join(" ") || work.username, username: work.username, exam: work.examTitle, when: fm.dateTime(work.movedAt) })
            : d.studentName
              ? `${d.studentName}${d.matrikel ? t("matrikel", { m: d.matrikel }) : ""}`
              : t("notOnRoster")
        }
      />
      <div className="space-y-6">
        {closing && (
          <Card title={tr("card.title")} description={tr("card.hint")}>
            <div data-testid="receipt" className="space-y-2 text-sm">
              {closing.check.matches ? (
                <p className="font-medium text-emerald-800">{tr("card.matches", { when: fm.dateTime(closing.receipt.takenAt) })}</p>
              ) : (
                <div className="text-red-800">
                  <p className="font-medium">{tr("card.changed", { when: fm.dateTime(closing.receipt.takenAt) })}</p>
                  <ul className="list-inside list-disc">
                    {closing.check.sha1sumChanged && <li>{tr("card.sha1Changed")}</li>}
                    {closing.check.changed.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                </div>
              )}
              <p>{tr("card.hashcode")} <Mono>{closing.receipt.hashcode ?? tr("card.noSha1")}</Mono> · {tr("card.files", { count: closing.receipt.files.length })}</p>
              {closing.chain.ok ? (
                <p className="text-slate-600">{tr("card.chainOk", { count: closing.chain.entries })}</p>
              ) : (
                <p role="alert" className="rounded-md bg-red-50 px-3 py-2 font-medium text-red-800 ring-1 ring-red-200">
                  {tr("chainBroken", { id: closing.chain.brokenAt!.id, key: closing.chain.brokenAt!.key, why: closing.chain.brokenAt!.why })}
                </p>
              )}
            </div>
          </Card>
        )}
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title={t("hashcodes")}>
            <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[10rem_1fr] sm:gap-y-2">
              <Row label={t("recorded")}>{s.recordedHashcode ? <Mono>{s.recordedHashcode}</Mono> : <span className="text-amber-800">{t("none")}</span>}</Row>
              <Row label={t("mode")}>{s.mode === "sha1sum" ? t("modeSha1sum") : s.mode === "notebook" ? t("modeNotebook") : t("modeNone")}</Row>
              {s.mode === "sha1sum" && (
                <>
                  <Row label={t("stored")}><Mono>{s.storedHashcode ?? t("unreadable")}</Mono></Row>
                  <Row label={t("rebuilt")}><Mono>{s.rebuiltHashcode ?? t("fileUnreadable")}</Mono>{s.rebuiltHashcode && s.storedHashcode && s.rebuiltHashcode !== s.storedHashcode && <span className="ml-2 text-xs text-slate-600">{t("differsNote")}</span>}</Row>
                </>
              )}
              {s.notebookSha1 && (
                <Row label={t("notebook")}>
                  <Mono>{s.notebookHashcode}</Mono> · <Mono>{s.notebookLegacyHashcode}</Mono>
                </Row>
              )}
              {d.computedHashcode && <Row label={t("hashesTo")}><Mono>{d.computedHashcode}</Mono></Row>}
            </dl>
          </Card>
          <Card title={t("submission")}>
            <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[10rem_1fr] sm:gap-y-2">
              <Row label={t("submittedAt")}>{fm.dateTimeSeconds(s.submittedAt)}{s.submittedAtUtc && <div className="text-xs text-slate-600"><Mono>{s.submittedAtUtc}</Mono></div>}</Row>
              <Row label="timestamp.txt"><Mono>{s.timestamp ?? "—"}</Mono></Row>
              {s.info && <Row label={t("infoFile")}><Mono>{s.info.file}</Mono> · {s.info.username ?? "?"} · {s.info.timestamp ?? "?"}</Row>}
              <Row label={t("folder")}><Mono>{s.key}</Mono></Row>
              <Row label={t("size")}>{t("sizeIn", { size: fm.bytes(s.totalBytes), count: present.length })}</Row>
              <Row label={t("firstSeen")}>{fm.dateTime(s.firstSeenAt)}</Row>
              <Row label={t("lastScanned")}>{fm.dateTime(s.lastScannedAt)}</Row>
              <Row label={t("counts")}>{s.counts ? t("yes") : s.status === "misfiled" ? t("noMisfiled") : t("noOther")}</Row>
            </dl>
          </Card>
        </div>
        <Card title={t("verdict")}>
          <ul className="space-y-2 text-sm" data-testid="flags">
            {s.flags.map((f, i) => (
              <li key={i} className="flex items-start gap-2">
                <span className="shrink-0">{f.kind === "verified" || f.kind === "mismatch" || f.kind === "missing-hashcode" || f.kind === "wrong-student" || f.kind === "misfiled" ? <StatusBadge status={f.kind} /> : <FlagBadges flags={[f.kind]} />}</span>
                <span>{flagText(f, t, (x) => fm.dateTime(x))}</span>
              </li>
            ))}
          </ul>
          {s.problems.length > 0 && (
            <ul data-testid="scan-problems" className="mt-4 space-y-1 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
              {s.problems.map((pr, i) => (
                <li key={i} className="flex items-start gap-2">
                  <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
                  <span>
                    {pr.path && <Mono>{pr.path}</Mono>} {scanProblemText(tt, pr)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t("files")} description={t("filesHint")}>
          <Table>
            <thead>
              <tr>
                <Th>{t("path")}</Th>
                <Th className="text-right">{t("size")}</Th>
                <Th>{t("status")}</Th>
                <Th>{t("shaNow")}</Th>
                <Th>{t("shaListed")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {d.files.map((f) => (
                <tr key={f.id} data-testid="file-row">
                  <Td className="font-mono text-xs">{f.path}{f.linkTarget && <span className="text-slate-600"> → {f.linkTarget}</span>}</Td>
                  <Td className="text-right tabular-nums">{f.size === null ? "—" : fm.bytes(f.size)}</Td>
                  <Td>
                    <span className="inline-flex flex-wrap gap-1">
                      <Badge tone={FILE_STATUS_TONE[f.status] ?? "slate"}>{t.has(`fileStatus.${f.status}` as "fileStatus.ok") ? t(`fileStatus.${f.status}` as "fileStatus.ok") : f.status}</Badge>
                      {added.has(f.path) && <Badge tone="amber">{added.get(f.path) === "never-copied" ? t("addedBadge") : t("notCoveredBadge")}</Badge>}
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
          <Card title={t("attempts")}>
            <ul className="space-y-1 text-sm">
              {d.siblings.map((x) => (
                <li key={x.id} className="flex flex-wrap items-center gap-2">
                  {x.id === s.id ? <span className="font-medium">{t("thisOne", { when: fm.dateTime(x.submittedAt) })}</span> : <Link className="text-brand-700 underline" href={`${gradingBase}/submissions/${x.id}`}>{fm.dateTime(x.submittedAt)}</Link>}
                  <StatusBadge status={x.status} />
                  {x.counts && <Badge tone="blue">{t("countsBadge")}</Badge>}
                  {x.goneAt && <Badge tone="red">{t("goneBadge")}</Badge>}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </>
  );
}
