import { ExamHeader } from "@/components/exams/exam-header";
import { TakeReceiptsForm } from "@/components/exam-day/take-receipts";
import { formatDateTime } from "@/components/format";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/lib/db/client";
import { checkReceipt, receiptsOf, verifyChain } from "@/lib/exam-day/receipts";
import { requireExamPage } from "@/lib/exams/exam-page";
import { listParticipants } from "@/lib/exams/exams";
import { exchangeRoot } from "@/lib/grading/exchange";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { takeReceiptsAction } from "../../exam-day-actions";

export const metadata = { title: "Receipts" };
export const dynamic = "force-dynamic";

/** The receipts taken at closing, each checked against the exchange now, and the chain they form. */
export default async function ReceiptsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const rows = receiptsOf(db, examId);
  const chain = verifyChain(db);
  const courseId = nbgraderCourseId(d.course.code, d.term.term);
  const checks = await Promise.all(rows.map((r) => checkReceipt(r, exchangeRoot(), courseId)));
  const people = new Map(listParticipants(db, examId).map((p) => [p.id, p]));
  const changed = checks.filter((c) => !c.matches).length;
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Receipts" />
      <div className="space-y-6">
        <div data-testid="receipts-chain" className={`rounded-lg px-5 py-4 ring-1 ${chain.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} role={chain.ok ? "status" : "alert"}>
          {chain.ok
            ? `The receipts' chain is intact: ${chain.entries} entr${chain.entries === 1 ? "y" : "ies"}, each carrying the hash of the one before.`
            : `The receipts' chain is broken at entry ${chain.brokenAt!.id} (${chain.brokenAt!.key}): ${chain.brokenAt!.why}. Receipts from there on cannot be trusted.`}
        </div>
        <Card
          title={`${rows.length} receipt${rows.length === 1 ? "" : "s"}`}
          description={rows.length ? (changed ? `${changed} submission${changed === 1 ? "" : "s"} changed since closing.` : "Every submission still matches its receipt.") : undefined}
          actions={may("exam.run") && d.exam.status === "closed" ? <TakeReceiptsForm action={takeReceiptsAction as never} examId={examId} /> : undefined}
        >
          {rows.length === 0 ? (
            <EmptyState title={d.exam.status === "closed" || d.exam.status === "archived" ? "No receipts" : "Receipts are taken at closing"}>
              {d.exam.status === "closed" || d.exam.status === "archived" ? "The exchange held no submission of this exam when it closed." : "When the exam closes, the portal reads the exchange and stores a receipt per submission."}
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Student</Th>
                  <Th>Login</Th>
                  <Th>Assignment</Th>
                  <Th>Hashcode at closing</Th>
                  <Th>Taken</Th>
                  <Th>Now</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((r, i) => {
                  const p = r.participantId ? people.get(r.participantId) : undefined;
                  return (
                    <tr key={r.id} data-testid={`receipt-${r.username}`}>
                      <Td>{p ? `${p.firstName ?? ""} ${p.lastName ?? ""}`.trim() || p.username : "—"}</Td>
                      <Td className="font-mono text-xs">{r.username}</Td>
                      <Td>{r.assignment ?? "?"}</Td>
                      <Td className="font-mono">{r.hashcode ?? "—"}</Td>
                      <Td>{formatDateTime(r.takenAt)}</Td>
                      <Td>{checks[i].matches ? <Badge tone="green">matches</Badge> : <span title={checks[i].changed.join(", ")}><Badge tone="red">changed since the receipt</Badge></span>}</Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
