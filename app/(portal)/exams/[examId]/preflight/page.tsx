import { AlertTriangle, CheckCircle2, XCircle } from "lucide-react";
import Link from "next/link";
import { HubApiForm, ProbeForm } from "@/components/exam-day/preflight-forms";
import { ExamHeader } from "@/components/exams/exam-header";
import { Badge, Card } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { getHubApiSettings } from "@/lib/exam-day/hub-api";
import { runPreflight } from "@/lib/exam-day/preflight";
import type { PreflightItem } from "@/lib/exam-day/views";
import { requireExamPage } from "@/lib/exams/exam-page";
import { probeUsername } from "@/lib/exams/rules";
import { getFmt, getTranslations, requestLocale } from "@/lib/i18n/server";
import { withLocale } from "@/lib/i18n/t";
import { runProbeAction, saveHubApiAction } from "../../exam-day-actions";

export async function generateMetadata() {
  return { title: (await getTranslations("exams.tabs"))("Preflight") };
}
export const dynamic = "force-dynamic";

const GROUPS: PreflightItem["group"][] = ["people", "exam", "image", "cluster", "capacity", "hub"];

function Status({ s, label }: { s: PreflightItem["status"]; label: string }) {
  if (s === "go") return <CheckCircle2 className="size-5 shrink-0 text-emerald-600" aria-label={label} />;
  if (s === "warn") return <AlertTriangle className="size-5 shrink-0 text-amber-500" aria-label={label} />;
  return <XCircle className="size-5 shrink-0 text-red-600" aria-label={label} />;
}

export default async function PreflightPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const t = await getTranslations("preflight");
  const fm = await getFmt();
  const pf = await withLocale(await requestLocale(), () => runPreflight(db, examId));
  const hubApi = getHubApiSettings(db);
  const noGo = pf.items.filter((i) => i.status === "no-go").length;
  const toDo = pf.items.filter((i) => i.status === "warn").length;
  const here = `/exams/${examId}/preflight`;
  // an administrators' fix (the item says so) is named as theirs to others, without a link that would refuse
  const fixable = (i: PreflightItem) => !i.byAdmins || may("cluster.push");
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Preflight" />
      <div data-testid="preflight-verdict" className={`mb-6 flex items-center gap-3 rounded-lg px-5 py-4 text-lg font-semibold ring-1 ${pf.go ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}>
        {pf.go ? <CheckCircle2 className="size-7" aria-hidden /> : <XCircle className="size-7" aria-hidden />}
        {pf.go ? (toDo ? t("verdictGoTodo", { count: toDo }) : t("verdictGo")) : t("verdictNoGo", { count: noGo })}
        <span className="ml-auto text-sm font-normal">{t("checked", { when: fm.dateTime(new Date(pf.checkedAt)) })} · <Link href={`/exams/${examId}/preflight`} className="underline">{t("checkAgain")}</Link></span>
      </div>
      <div className="space-y-6">
        {GROUPS.map((g) => {
          const items = pf.items.filter((i) => i.group === g);
          if (!items.length) return null;
          return (
            <Card key={g} title={t(`group.${g}`)}>
              <ul className="divide-y divide-slate-100">
                {items.map((i) => (
                  <li key={i.id} data-testid={`preflight-${i.id}`} data-status={i.status} className="flex gap-3 py-3">
                    <Status s={i.status} label={i.status === "go" ? t("go") : i.status === "warn" ? t("toDo") : t("noGo")} />
                    <div className="min-w-0 flex-1">
                      <p className="font-medium text-slate-900">
                        {i.title} <Badge tone={i.status === "go" ? "green" : i.status === "warn" ? "amber" : "red"}>{i.status === "go" ? t("go") : i.status === "warn" ? t("toDo") : t("noGo")}</Badge>
                      </p>
                      <p className="mt-0.5 text-sm text-slate-700">{i.detail}</p>
                      {i.list && i.list.length > 0 && (
                        <ul className="mt-1 list-inside list-disc text-sm text-slate-600">
                          {i.list.map((x) => (
                            <li key={x}>{x}</li>
                          ))}
                        </ul>
                      )}
                      {i.fix && (
                        <p className="mt-1 text-sm text-slate-600">
                          <span className="font-medium">{fixable(i) ? t("howToFix") : t("forAdmins")}</span> {i.fix}{" "}
                          {i.href && fixable(i) && (
                            <Link href={i.href} className="font-medium text-brand-700 underline">
                              {i.href.startsWith(`${here}#`) ? t("goBelow") : t("goThere")}
                            </Link>
                          )}
                        </p>
                      )}
                    </div>
                  </li>
                ))}
              </ul>
            </Card>
          );
        })}
        <Card title={t("probeTitle")} description={t("probeHint", { username: probeUsername(d.course.code, d.exam.period) })}>
          <div id="probe">
            {may("exam.run") ? <ProbeForm action={runProbeAction as never} examId={examId} disabled={d.exam.status !== "open"} /> : <p className="text-sm text-slate-600">{t("probeBySupervisors")}</p>}
            {d.exam.status !== "open" && <p className="mt-2 text-sm text-slate-600">{t("probeWhenOpen")}</p>}
          </div>
        </Card>
        {may("cluster.push") && (
          <Card title={t("apiTitle")} description={t("apiHint")}>
            <div id="hub-api">
              <HubApiForm action={saveHubApiAction as never} examId={examId} initial={{ apiUrl: hubApi?.apiUrl ?? "", loginUrl: hubApi?.loginUrl ?? "", probeSource: hubApi?.probeSource ?? "", hasToken: hubApi?.hasToken ?? false, tokenReadable: hubApi?.tokenReadable ?? false }} />
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
