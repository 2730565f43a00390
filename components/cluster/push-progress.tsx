"use client";
import { CheckCircle2, Loader2, MinusCircle, XCircle } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { resultWord as wordOf } from "./result-words";
import type { PushProgressItemView } from "@/lib/deployment/views";
import { objectName } from "./plan-list";
import { useFmt } from "@/lib/i18n/use-fmt";

export interface ProgressState {
  step: "render" | "plan" | "apply";
  since: number;
  finishedAt?: number;
  done: number;
  total: number;
  /** Objects done so far, per result (created, configured, unchanged, pruned, conflict, error, skipped). */
  counts: Record<string, number>;
  /** The last objects done, newest first. */
  recent: PushProgressItemView[];
}

const RESULT_ORDER = ["created", "configured", "pruned", "unchanged", "restarted", "conflict", "error", "skipped"];

function useNow(running: boolean) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);
  return now;
}

function OutcomeIcon({ outcome }: { outcome: PushProgressItemView["outcome"] }) {
  const t = useTranslations("progress");
  if (outcome === "ok") return <CheckCircle2 className="size-4 shrink-0 text-emerald-600" aria-label={t("ok")} />;
  if (outcome === "failed") return <XCircle className="size-4 shrink-0 text-red-600" aria-label={t("failed")} />;
  return <MinusCircle className="size-4 shrink-0 text-amber-600" aria-label={t("notTried")} />;
}

/** A push as it happens: the step, objects done of all, results so far and the last objects. */
export function PushProgress({ progress: p }: { progress: ProgressState }) {
  const running = p.finishedAt === undefined;
  const now = useNow(running);
  const t = useTranslations("progress");
  const words = useTranslations("pushObjects");
  const resultWord = (r: string) => wordOf(words, r);
  // Apply is pressed below a long preview: bring the progress into view when the push starts.
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // (No return value: newer browsers answer scrollIntoView with a promise, not a cleanup.)
    void box.current?.scrollIntoView({ block: "start", behavior: "smooth" });
  }, []);
  const seconds = Math.max(0, Math.round(((p.finishedAt ?? now) - p.since) / 100) / 10);
  const f = useFmt();
  const label =
    p.step === "render"
      ? t("rendering")
      : p.step === "plan"
        ? t("comparing")
        : running
          ? t("applying", { done: p.done, total: p.total })
          : t("done", { done: p.done, total: p.total });
  // For screen readers: the step and every quarter, not every object.
  const quarter = p.total ? Math.floor((p.done / p.total) * 4) * 25 : 0;
  const spoken = p.step === "apply" ? (running ? t("spoken", { percent: quarter }) : t("done", { done: p.done, total: p.total })) : label;
  return (
    <div ref={box} className="scroll-mt-4 space-y-2 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm" data-testid="push-progress">
      <p className="sr-only" role="status" aria-live="polite">
        {spoken}
      </p>
      <p className="flex items-center gap-2 font-medium text-brand-700" data-testid="push-progress-label">
        {running && <Loader2 className="size-4 animate-spin" aria-hidden />}
        {label} <span className="font-normal tabular-nums text-slate-600">· {f.number(seconds, 1)} s</span>
      </p>
      <div
        className="h-2 w-full overflow-hidden rounded-full bg-white ring-1 ring-inset ring-brand-100"
        role="progressbar"
        aria-label={t("bar")}
        aria-valuemin={0}
        aria-valuemax={p.total || undefined}
        aria-valuenow={p.step === "apply" ? p.done : undefined}
      >
        {p.step === "apply" ? (
          <div className={`h-2 rounded-full transition-[width] duration-300 ${p.counts.error || p.counts.conflict ? "bg-amber-500" : "bg-brand-600"}`} style={{ width: `${p.total ? (p.done / p.total) * 100 : 0}%` }} />
        ) : (
          <div className="h-2 w-1/4 animate-pulse rounded-full bg-brand-500/40" />
        )}
      </div>
      {p.done > 0 && (
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label={t("results")}>
          {RESULT_ORDER.filter((r) => p.counts[r]).map((r) => (
            <li key={r}>
              <span className="font-semibold tabular-nums">{p.counts[r]}</span> {resultWord(r)}
            </li>
          ))}
        </ul>
      )}
      {p.recent.length > 0 && (
        <ul className="space-y-0.5 border-t border-brand-100 pt-2 text-xs" aria-label={t("recent")} data-testid="push-progress-recent">
          {p.recent.map((it) => (
            <li key={`${it.kind}/${it.namespace ?? ""}/${it.name}`} className="flex min-w-0 items-center gap-2">
              <OutcomeIcon outcome={it.outcome} />
              <span className="w-24 shrink-0 text-slate-600">{resultWord(it.action)}</span>
              <span className="truncate">{objectName(it)}</span>
            </li>
          ))}
        </ul>
      )}
      {running && <p className="text-xs text-slate-600">{t("keepOpen")}</p>}
    </div>
  );
}
