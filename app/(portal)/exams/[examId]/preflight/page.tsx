import { AlertTriangle, CheckCircle2, XCircle } from "lucide-react";
import Link from "next/link";
import { HubApiForm, ProbeForm } from "@/components/exam-day/preflight-forms";
import { ExamHeader } from "@/components/exams/exam-header";
import { formatDateTime } from "@/components/format";
import { Badge, Card } from "@/components/ui/card";
import { getDb } from "@/lib/db/client";
import { getHubApiSettings } from "@/lib/exam-day/hub-api";
import { runPreflight } from "@/lib/exam-day/preflight";
import type { PreflightItem } from "@/lib/exam-day/views";
import { closeTarget, safeResolveTarget } from "@/lib/deployment/push";
import { requireExamPage } from "@/lib/exams/exam-page";
import { probeUsername } from "@/lib/exams/rules";
import { runProbeAction, saveHubApiAction } from "../../exam-day-actions";

export const metadata = { title: "Pre-flight check" };
export const dynamic = "force-dynamic";

const GROUPS: Record<PreflightItem["group"], string> = {
  people: "Participants, seats and slips",
  exam: "Window, rooms and supervisors",
  image: "The exam image",
  cluster: "What the cluster has (read back from the API server)",
  capacity: "Capacity",
  hub: "The exam hub",
};

function Status({ s }: { s: PreflightItem["status"] }) {
  if (s === "go") return <CheckCircle2 className="size-5 shrink-0 text-emerald-600" aria-label="go" />;
  if (s === "warn") return <AlertTriangle className="size-5 shrink-0 text-amber-500" aria-label="to do" />;
  return <XCircle className="size-5 shrink-0 text-red-600" aria-label="no-go" />;
}

export default async function PreflightPage({ params }: { params: Promise<{ examId: string }> }) {
  const { examId, detail: d, may } = await requireExamPage("exam.view", await params);
  const db = getDb();
  const resolved = safeResolveTarget();
  let pf;
  try {
    pf = await runPreflight(db, examId, "error" in resolved ? { error: resolved.error.message } : resolved.target);
  } finally {
    if (!("error" in resolved)) closeTarget(resolved.target);
  }
  const hubApi = getHubApiSettings(db);
  const noGo = pf.items.filter((i) => i.status === "no-go").length;
  const toDo = pf.items.filter((i) => i.status === "warn").length;
  return (
    <>
      <ExamHeader exam={d.exam} course={d.course} term={d.term} section="Pre-flight check" />
      <div data-testid="preflight-verdict" className={`mb-6 flex items-center gap-3 rounded-lg px-5 py-4 text-lg font-semibold ring-1 ${pf.go ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"}`}>
        {pf.go ? <CheckCircle2 className="size-7" aria-hidden /> : <XCircle className="size-7" aria-hidden />}
        {pf.go ? (toDo ? `Go: nothing blocks the exam; ${toDo} item${toDo === 1 ? "" : "s"} still to do.` : "Go: every item is ready.") : `No-go: ${noGo} item${noGo === 1 ? "" : "s"} to fix.`}
        <span className="ml-auto text-sm font-normal">Checked {formatDateTime(new Date(pf.checkedAt))} · <Link href={`/exams/${examId}/preflight`} className="underline">check again</Link></span>
      </div>
      <div className="space-y-6">
        {(Object.keys(GROUPS) as PreflightItem["group"][]).map((g) => {
          const items = pf.items.filter((i) => i.group === g);
          if (!items.length) return null;
          return (
            <Card key={g} title={GROUPS[g]}>
              <ul className="divide-y divide-slate-100">
                {items.map((i) => (
                  <li key={i.id} data-testid={`preflight-${i.id}`} data-status={i.status} className="flex gap-3 py-3">
                    <Status s={i.status} />
                    <div className="min-w-0 flex-1">
                      <p className="font-medium text-slate-900">
                        {i.title} <Badge tone={i.status === "go" ? "green" : i.status === "warn" ? "amber" : "red"}>{i.status === "go" ? "go" : i.status === "warn" ? "to do" : "no-go"}</Badge>
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
                          <span className="font-medium">How to fix:</span> {i.fix}{" "}
                          {i.href && (
                            <Link href={i.href} className="font-medium text-brand-700 underline">
                              Go there
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
        <Card title="Test sign-in" description={`The portal gives the probe account ${probeUsername(d.course.code, d.exam.period)} a fresh one-time password, signs in through the exam hub's sign-in page from a room's network, starts its server and stops it again.`}>
          <div id="probe">
            {may("exam.run") ? <ProbeForm action={runProbeAction as never} examId={examId} disabled={d.exam.status !== "open"} /> : <p className="text-sm text-slate-600">The exam's supervisors run the test sign-in.</p>}
            {d.exam.status !== "open" && <p className="mt-2 text-sm text-slate-600">The exam hub refuses every sign-in until the exam is open: run the test right after opening.</p>}
          </div>
        </Card>
        {may("cluster.push") && (
          <Card title="The exam hub's API" description="The portal reads users and servers for the room board, and starts and stops the test sign-in's server, with a token of its own service on the exam hub. The token is stored sealed and never shown again.">
            <div id="hub-api">
              <HubApiForm action={saveHubApiAction as never} examId={examId} initial={{ apiUrl: hubApi?.apiUrl ?? "", loginUrl: hubApi?.loginUrl ?? "", probeSource: hubApi?.probeSource ?? "", hasToken: hubApi?.hasToken ?? false, tokenReadable: hubApi?.tokenReadable ?? false }} />
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
