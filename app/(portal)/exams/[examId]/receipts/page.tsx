import { ExamHeader } from "@/components/exams/exam-header";
import { TakeReceiptsForm } from "@/components/exam-day/take-receipts";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/lib/db/client";
import { examReceiptsChecked } from "@/lib/exam-day/receipts";
import { requireExamPage } from "@/lib/exams/exam-page";
import { listParticipants } from "@/lib/exams/exams";
import { getFmt, getTranslations, requestLocale } from "@/lib/i18n/server";
import { withLocale } from "@/lib/i18n/t";
import { takeReceiptsAction } from "../../exam-day-actions";

export async function generateMetadata() {
  return { title: (await getTranslations("exams.tabs"))("Receipts") };
}
export const dynamic = "force-dynamic";

/** The receipts taken at closing, each checked against the exchange now, and the chain they form. */
export default async function ReceiptsPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const { receipts, chain } = await withLocale(await requestLocale(), () => examReceiptsChecked(db, examId));
  const people = new Map(listParticipants(db, examId).map((p) => [p.id, p]));
  const changed = receipts.filter((r) => !r.check.matches).length;
  const t = await getTranslations("receipts");
  const fm = await getFmt();
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Receipts" />
      <div className="space-y-6">
        {/* an empty chain says nothing the empty list below does not say better, for the exam's state */}
        {(chain.entries > 0 || !chain.ok) && (
        <div data-testid="receipts-chain" className={`rounded-lg px-5 py-4 ring-1 ${chain.ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`} role={chain.ok ? "status" : "alert"}>
          {chain.ok
            ? t("chainOk", { count: chain.entries })
            : t("chainBroken", { id: chain.brokenAt!.id, key: chain.brokenAt!.key, why: chain.brokenAt!.why })}
        </div>
        )}
        <Card
          title={t("count", { count: receipts.length })}
          description={receipts.length ? (changed ? t("changed", { count: changed }) : t("allMatch")) : undefined}
          actions={may("exam.run") && d.exam.status === "closed" ? <TakeReceiptsForm action={takeReceiptsAction as never} examId={examId} /> : undefined}
        >
          {receipts.length === 0 ? (
            <EmptyState title={d.exam.status === "closed" || d.exam.status === "archived" ? t("none") : t("atClosing")}>
              {d.exam.status === "closed" || d.exam.status === "archived" ? t("noneHint") : t("atClosingHint")}
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>{t("th.student")}</Th>
                  <Th>{t("th.login")}</Th>
                  <Th>{t("th.assignment")}</Th>
                  <Th>{t("th.hashcode")}</Th>
                  <Th>{t("th.taken")}</Th>
                  <Th>{t("th.now")}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {receipts.map(({ receipt: r, check }) => {
                  const p = r.participantId ? people.get(r.participantId) : undefined;
                  return (
                    <tr key={r.id} data-testid={`receipt-${r.username}`}>
                      <Td>{p ? `${p.firstName ?? ""} ${p.lastName ?? ""}`.trim() || p.username : "—"}</Td>
                      <Td className="whitespace-nowrap font-mono text-xs" translate="no">{r.username}</Td>
                      <Td>{r.assignment ?? "?"}</Td>
                      <Td className="font-mono">{r.hashcode ?? "—"}</Td>
                      <Td>{fm.dateTime(r.takenAt)}</Td>
                      <Td>{check.matches ? <Badge tone="green">{t("matches")}</Badge> : <span title={check.changed.join(", ")}><Badge tone="red">{t("changedBadge")}</Badge></span>}</Td>
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
