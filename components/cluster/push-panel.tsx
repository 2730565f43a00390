"use client";
import { ChevronRight, Eye, Loader2, Upload } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition, type ReactNode } from "react";
import { toast } from "sonner";
import { useTranslations } from "next-intl";
import { resultCounts } from "./result-words";
import { Badge } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm";
import { FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import type { PlanView, PushOutcomeView, PushStreamLine } from "@/lib/deployment/views";
import { deleteSentence, type WordsT } from "./change-words";
import { HubRestarts } from "./hub-restarts";
import { MountChanges } from "./mount-changes";
import { PlanCounts, PlanList } from "./plan-list";
import { PushObjectsTable } from "./push-objects-table";
import { PushProgress, type ProgressState } from "./push-progress";
import { PushWords } from "./push-words";

type Action<T> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;

/** Runs the push and calls `onLine` for every line the server streams back. */
async function streamPush(body: Record<string, unknown>, onLine: (line: PushStreamLine) => void, answered: (status: number) => string): Promise<void> {
  const res = await fetch("/api/cluster/push", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok || !res.body) {
    const answer = (await res.json().catch(() => null)) as { error?: string } | null;
    onLine({ type: "error", message: answer?.error ?? answered(res.status) });
    return;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const lines = (rest + value).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) onLine(JSON.parse(l) as PushStreamLine);
  }
  if (rest.trim()) onLine(JSON.parse(rest) as PushStreamLine);
}


function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(since);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return <>{Math.max(0, Math.round((now - since) / 1000))} s</>;
}

/** One option of the push: a checkbox with its hint below (red for the ones that override a safeguard). */
function PushOption({ checked, onChange, hint, danger = false, children }: { checked: boolean; onChange: (v: boolean) => void; hint: string; danger?: boolean; children: ReactNode }) {
  return (
    <label className={`flex items-start gap-2${danger ? " text-red-800" : ""}`}>
      <input type="checkbox" className="mt-0.5" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {children}
        <span className={`block text-xs ${danger ? "text-red-700" : "text-slate-600"}`}>{hint}</span>
      </span>
    </label>
  );
}

export function PushPanel({
  preview,
  canPush,
  retryOf,
  targetLabel,
}: {
  preview: Action<PlanView>;
  canPush: boolean;
  retryOf?: number;
  targetLabel: string;
}) {
  const router = useRouter();
  const t = useTranslations("pushPanel");
  const words = useTranslations("pushObjects");
  const tpw = useTranslations("pushWords") as unknown as WordsT;
  const tw = useTranslations("portalWarnings") as unknown as WordsT;
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [message, setMessage] = useState<ActionState>(idleState);
  const [outcome, setOutcome] = useState<PushOutcomeView | null>(null);
  const [phase, setPhase] = useState<null | { kind: "preview" | "apply"; since: number }>(null);
  const [progress, setProgress] = useState<ProgressState | null>(null);
  const [forceConflicts, setForceConflicts] = useState(false);
  const [prune, setPrune] = useState(true);
  const [forceExamRestart, setForceExamRestart] = useState(false);
  const [pending, start] = useTransition();

  const runPreview = () => {
    setPhase({ kind: "preview", since: Date.now() });
    setOutcome(null);
    setProgress(null);
    start(async () => {
      const res = await preview(idleState as ActionState<PlanView>, new FormData());
      setPhase(null);
      setMessage({ status: res.status, message: res.message });
      if (res.status === "ok" && res.data) {
        setPlan(res.data);
        // cleaning up deletes: never ticked in advance
        setPrune(res.data.summary.prune === 0);
        setForceConflicts(false);
        setForceExamRestart(false);
        // nothing to write: the target holds everything, and the navigation's count says so now
        const s = res.data.summary;
        if (s.create + s.change + s.conflict + s.error === 0) router.refresh();
      } else setPlan(null);
    });
  };

  const runApply = () => {
    if (!plan) return;
    const since = Date.now();
    setPhase({ kind: "apply", since });
    setProgress({ step: "render", since, done: 0, total: 0, counts: {}, recent: [] });
    start(async () => {
      let end: PushStreamLine | null = null;
      try {
        await streamPush({ fingerprint: plan.fingerprint, forceConflicts, prune, forceExamRestart, retryOf: retryOf ?? null }, (line) => {
          if (line.type === "step") setProgress((p) => p && { ...p, step: line.step });
          else if (line.type === "apply") setProgress((p) => p && { ...p, step: "apply", total: line.total });
          else if (line.type === "object") {
            setProgress((p) => p && { ...p, step: "apply", done: line.done, total: line.total, counts: { ...p.counts, [line.item.action]: (p.counts[line.item.action] ?? 0) + 1 }, recent: [line.item, ...p.recent].slice(0, 6) });
          } else end = line;
        }, (status) => t("answered", { status }));
      } catch {
        end = { type: "error", message: t("dropped") };
      }
      setPhase(null);
      setProgress((p) => p && { ...p, finishedAt: Date.now() });
      const last = end as PushStreamLine | null;
      if (!last || last.type === "error") {
        setMessage({ status: "error", message: last?.message ?? t("noAnswer") });
        router.refresh();
        return;
      }
      if (last.type === "stale") {
        setMessage({ status: "ok", message: last.message });
        setProgress(null);
        setPlan(last.plan);
        setPrune(last.plan.summary.prune === 0);
        setForceConflicts(false);
        setForceExamRestart(false);
        return;
      }
      if (last.type !== "done") return;
      setMessage({ status: last.outcome.status === "failed" ? "error" : "ok", message: last.message });
      setOutcome(last.outcome);
      setPlan(null);
      if (last.outcome.status === "ok") toast.success(last.message);
      else toast.error(last.message);
      router.refresh();
    });
  };

  const s = plan?.summary;
  const pendingWrites = s ? s.create + s.change + (prune ? s.prune : 0) + (forceConflicts ? s.conflict : 0) : 0;
  const managers = plan ? [...new Set(plan.items.flatMap((i) => i.conflicts?.map((c) => c.manager) ?? []))] : [];
  const examBlocked = plan?.hubRestarts?.filter((r) => (r.restart || r.deferred) && r.blockedBy.length > 0) ?? [];
  const restarts = plan?.hubRestarts?.filter((r) => r.restart || (forceExamRestart && r.deferred)) ?? [];
  const refusedForExam = examBlocked.some((r) => r.restart) && !forceExamRestart;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant={plan ? "secondary" : "primary"} onClick={runPreview} disabled={pending}>
          {phase?.kind === "preview" ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <Eye className="size-4" aria-hidden />}
          {plan ? t("previewAgain") : t("preview")}
        </Button>
        <span className="text-sm text-slate-600">{t("target", { target: targetLabel })}</span>
      </div>

      <div role="status" aria-live="polite" className="text-sm text-slate-700">
        {phase?.kind === "preview" && (
          <p className="flex items-center gap-2">
            <Loader2 className="size-4 animate-spin" aria-hidden /> {t("rendering")} <Elapsed since={phase.since} />
          </p>
        )}
      </div>
      {progress && <PushProgress progress={progress} />}
      {!phase && !outcome && <FormMessage state={message} />}

      {plan && s && (
        <div className="space-y-4" data-testid="push-preview">
          {plan.changes && <PushWords value={plan.changes} />}
          {plan.warnings.length > 0 && (
            <details className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
              <summary className="cursor-pointer">{t("warnings", { count: plan.warnings.length })}</summary>
              <ul className="mt-1 list-disc pl-5 text-xs">
                {plan.warnings.slice(0, 50).map((w, i) => (
                  <li key={i}>{tw(w.key, w.params)}</li>
                ))}
                {plan.warnings.length > 50 && <li>{t("more", { count: plan.warnings.length - 50 })}</li>}
              </ul>
            </details>
          )}
          {plan.hubRestarts && <HubRestarts value={plan.hubRestarts} />}
          {plan.mountChanges && <MountChanges value={plan.mountChanges} />}
          <details className="group rounded-md border border-slate-200 bg-slate-50/50" data-testid="plan-objects">
            <summary className="flex cursor-pointer flex-wrap items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500">
              <ChevronRight className="size-4 text-slate-500 transition-transform group-open:rotate-90" aria-hidden />
              {tpw("objects", { count: plan.items.length })}
            </summary>
            <div className="space-y-3 border-t border-slate-200 p-3">
              <PlanCounts summary={s} />
              <PlanList items={plan.items} />
            </div>
          </details>
          {canPush && (
            <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4">
              <fieldset className="space-y-2 text-sm">
                <legend className="sr-only">{t("options")}</legend>
                {/* nothing to delete: no box to tick, only the sentence that says so */}
                {s.prune === 0 ? (
                  <p className="text-slate-600" data-testid="prune-nothing">{tpw("pruneNothing")}</p>
                ) : (
                  <PushOption checked={prune} onChange={setPrune} hint={prune ? t("pruneHint") : tpw("pruneOff")}>
                    {t("prune", { count: s.prune })}
                  </PushOption>
                )}
                {prune && s.prune > 0 && (plan.changes?.deletes.length ?? 0) > 0 && (
                  <div className="ml-6 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="prune-deletes">
                    <p className="font-medium">{tpw("deletes")}</p>
                    <ul className="mt-1 list-disc space-y-0.5 pl-5">
                      {plan.changes!.deletes.map((d) => (
                        <li key={`${d.hub}-${d.part}`} className="break-words">
                          {deleteSentence(tpw, d)}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {s.conflict > 0 && (
                  <PushOption danger checked={forceConflicts} onChange={setForceConflicts} hint={t("overrideHint", { count: s.conflict })}>
                    {t("override")}
                    {managers.length ? t("ownedBy", { managers: managers.join(", ") }) : t("ownedByOthers")}
                  </PushOption>
                )}
                {examBlocked.length > 0 && (
                  <PushOption danger checked={forceExamRestart} onChange={setForceExamRestart} hint={t("forceExamHint", { seconds: examBlocked[0].pauseSeconds })}>
                    {t("forceExam")}
                  </PushOption>
                )}
              </fieldset>
              <ConfirmButton
                variant={forceExamRestart ? "danger" : "primary"}
                title={forceExamRestart ? t("forceTitle") : t("applyTitle")}
                confirmLabel={forceExamRestart ? t("forceConfirm") : t("applyNow")}
                disabled={pending || (pendingWrites === 0 && restarts.length === 0) || refusedForExam}
                onConfirm={runApply}
                body={
                  <>
                    <p>
                      {t("applyBody", { create: s.create, change: s.change, prune: prune ? s.prune : 0, conflict: s.conflict, conflictNote: s.conflict ? (forceConflicts ? t("overridden") : t("leftAsIs")) : "", target: targetLabel })}
                    </p>
                    {restarts.map((r) => (
                      <p key={r.hub} className="mt-2">
                        {r.deferred ? t("deferredRestart") : r.sentence}
                      </p>
                    ))}
                    {forceExamRestart && (
                      <p className="mt-2 font-medium text-red-700">
                        {t("forceNote", { exams: examBlocked.flatMap((r) => r.blockedBy.map((e) => e.title)).join(", ") })}
                      </p>
                    )}
                    <p className="mt-2">{t("applyHubs")}</p>
                  </>
                }
              >
                <Upload className="size-4" aria-hidden /> {t("apply")}
              </ConfirmButton>
              {refusedForExam && <p className="text-sm text-red-700">{t("refusedForExam")}</p>}
              {pendingWrites === 0 && restarts.length === 0 && (
                <p className="text-sm text-slate-600">
                  {s.conflict > 0 && !forceConflicts
                    ? t("nothingConflict")
                    : s.error > 0
                      ? t("nothingError")
                      : t("nothing")}
                </p>
              )}
            </div>
          )}
        </div>
      )}

      {outcome && (
        <div className="space-y-3" data-testid="push-result">
          <div className="flex flex-wrap items-center gap-3">
            <Badge tone={outcome.status === "ok" ? "green" : "red"}>{outcome.status === "ok" ? t("succeeded") : t("failed")}</Badge>
            <span className="text-sm text-slate-700">
              {t("written", { count: outcome.appliedCount })} · {resultCounts(words, Object.entries(outcome.resultCounts))}
            </span>
            <Link href={`/cluster/pushes/${outcome.pushId}`} className="text-sm font-medium text-brand-700 hover:underline">
              {t("inHistory", { id: outcome.pushId })}
            </Link>
          </div>
          {outcome.error && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">{outcome.error}</p>}
          <PushObjectsTable rows={outcome.items} />
        </div>
      )}
    </div>
  );
}
