"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { AlertTriangle, Loader2, Pause, Play, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { FormMessage } from "@/components/ui/field";
import { useTranslations } from "next-intl";
import { useFmt } from "@/lib/i18n/use-fmt";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import type { ScanView } from "@/lib/grading/types";
import { scanProblemText } from "@/lib/submissions/problem-text";
import { getJson } from "./query-provider";

type Action = (prev: ActionState<{ scanId: number }>, form: FormData) => Promise<ActionState<{ scanId: number }>>;

const TONE: Record<ScanView["status"], "slate" | "green" | "amber" | "red" | "blue"> = {
  queued: "blue",
  running: "blue",
  paused: "amber",
  completed: "green",
  failed: "red",
};

const isActive = (s: ScanView | undefined) => s?.status === "queued" || s?.status === "running";

export function ScanPanel({
  termId,
  initial,
  canVerify,
  exchangePath,
  start,
  resume,
  stop,
}: {
  termId: number;
  initial: ScanView | null;
  canVerify: boolean;
  exchangePath: string;
  start: Action;
  resume: Action;
  stop: Action;
}) {
  const router = useRouter();
  const t = useTranslations("grading.scan");
  const tProblems = useTranslations("scanProblems");
  const f = useFmt();
  const queryClient = useQueryClient();
  const [scanId, setScanId] = useState<number | null>(initial?.id ?? null);
  const [error, setError] = useState<ActionState | null>(null);
  const [pending, startTransition] = useTransition();
  const { data: scan } = useQuery({
    queryKey: ["scan", scanId],
    queryFn: ({ signal }) => getJson<ScanView>(`/api/scans/${scanId}`, signal),
    enabled: scanId !== null,
    initialData: initial && initial.id === scanId ? initial : undefined,
    refetchInterval: (q) => (isActive(q.state.data) || q.state.data === undefined ? 600 : false),
  });

  // When a scan ends, reload the server-rendered lists below.
  const wasActive = useRef(isActive(initial ?? undefined));
  useEffect(() => {
    // a new scan's first answer is still on its way: not an end (a scan may finish before it)
    if (!scan) return;
    const active = isActive(scan);
    if (wasActive.current && !active) {
      if (scan?.status === "completed") toast.success(t("finishedToast", { count: scan.submissionsTotal }));
      else if (scan?.status === "failed") toast.error(t("failedToast"));
      router.refresh();
    }
    wasActive.current = active;
  }, [scan, router, t]);

  const call = (action: Action, extra: Record<string, string> = {}) =>
    startTransition(async () => {
      const fd = new FormData();
      fd.set("termId", String(termId));
      for (const [k, v] of Object.entries(extra)) fd.set(k, v);
      const res = await action(idleState as ActionState<{ scanId: number }>, fd);
      if (res.status === "ok") {
        setError(null);
        if (res.data?.scanId) setScanId(res.data.scanId);
        wasActive.current = true;
        // Same scan (resume, stop): its cached state is stale; fetch it again and poll.
        await queryClient.invalidateQueries({ queryKey: ["scan"] });
        toast.success(res.message);
      } else setError(res);
    });

  const active = isActive(scan);
  const total = scan?.submissionsTotal ?? 0;
  const done = scan?.submissionsDone ?? 0;
  const pct = total > 0 ? Math.round((done / total) * 100) : active ? 0 : 100;

  return (
    <div className="space-y-4" data-testid="scan-panel">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="text-sm text-slate-600">
          {t("folder")} <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{exchangePath}</code>
        </div>
        {canVerify && (
          <div className="flex gap-2">
            {active && scan && (
              <Button type="button" variant="secondary" disabled={pending} onClick={() => call(stop, { scanId: String(scan.id) })}>
                <Pause className="size-4" aria-hidden /> {t("stop")}
              </Button>
            )}
            {!active && scan?.resumable && (
              <Button type="button" variant="secondary" disabled={pending} onClick={() => call(resume, { scanId: String(scan.id) })}>
                <Play className="size-4" aria-hidden /> {t("resume", { count: scan.checkpointed })}
              </Button>
            )}
            {!active && (
              <Button type="button" disabled={pending} onClick={() => call(start)}>
                {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <RefreshCw className="size-4" aria-hidden />}
                {scan ? t("again") : t("start")}
              </Button>
            )}
          </div>
        )}
      </div>
      {error && <FormMessage state={error} />}
      {!scan ? (
        <p className="text-sm text-slate-600">{t("none")}</p>
      ) : (
        <div className="rounded-md border border-slate-200 bg-slate-50 p-4" aria-live="polite">
          <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium text-slate-900">{t("scan", { id: scan.id })}</span>
            <span data-testid="scan-status">
              <Badge tone={TONE[scan.status]}>{t(`status.${scan.status}`)}</Badge>
            </span>
            {active && <Loader2 className="size-4 animate-spin text-brand-600" aria-hidden />}
            <span className="text-slate-600">
              {scan.finishedAt ? t("finished", { when: f.dateTime(scan.finishedAt) }) : scan.startedAt ? t("started", { when: f.dateTime(scan.startedAt) }) : t("queued", { when: f.dateTime(scan.createdAt) })}
            </span>
          </div>
          <div
            className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
            role="progressbar"
            aria-label={t("progressLabel")}
            aria-valuemin={0}
            aria-valuemax={Math.max(total, 1)}
            aria-valuenow={done}
          >
            <div className={`h-full rounded-full transition-all ${scan.status === "failed" ? "bg-red-500" : scan.status === "paused" ? "bg-amber-500" : "bg-brand-600"}`} style={{ width: `${pct}%` }} />
          </div>
          <p className="mt-2 text-sm tabular-nums text-slate-700" data-testid="scan-progress">
            {t("progress", { done: f.number(done), total, bytes: f.bytes(scan.bytesHashed), files: scan.filesHashed })}
            {scan.submissionsSkipped > 0 && <span className="text-slate-600">{t("fromCheckpoint", { count: f.number(scan.submissionsSkipped) })}</span>}
          </p>
          {scan.error && (
            <p className={`mt-2 flex items-start gap-1.5 text-sm ${scan.status === "failed" ? "text-red-700" : "text-amber-800"}`}>
              <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden /> {scan.errorKey ? tProblems(`scanRun.${scan.errorKey}`) : scan.error}
            </p>
          )}
          {scan.rootProblems.length > 0 && (
            <details className="mt-2 text-sm text-amber-900">
              <summary className="cursor-pointer">{t("problems", { count: scan.rootProblems.length })}</summary>
              <ul className="mt-1 list-disc pl-5">
                {scan.rootProblems.slice(0, 50).map((p, i) => (
                  <li key={i}>
                    <code className="break-all font-mono text-xs">{p.path}</code>: {scanProblemText(tProblems, p, "")}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
