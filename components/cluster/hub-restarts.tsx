import { Lock, RotateCw } from "lucide-react";
import { useTranslations } from "next-intl";
import type { HubRestartView } from "@/lib/deployment/views";

/** The push preview's hub restarts: which hub restarts, why, what keeps running, what an open exam forbids. */
export function HubRestarts({ value }: { value: HubRestartView[] }) {
  const shown = value.filter((v) => v.restart || v.deferred || v.reason === "not-installed" || v.reason === "export" || v.reason === "unknown");
  if (!shown.length) return null;
  const restarting = value.filter((v) => v.restart).length;
  const t = useTranslations("hubRestarts");
  return (
    <section aria-labelledby="hub-restarts" className="rounded-md border border-slate-200 p-3" data-testid="hub-restarts">
      <h3 id="hub-restarts" className="mb-2 flex items-center gap-2 text-sm font-semibold text-slate-900">
        <RotateCw className="size-4 text-slate-600" aria-hidden />
        {restarting ? t("restarts", { count: restarting }) : t("config")}
      </h3>
      <ul className="space-y-3 text-sm">
        {shown.map((v) => (
          <li key={v.hub} data-testid={`restart-${v.hub}`}>
            <p className={v.restart ? "font-medium text-slate-900" : "text-slate-700"}>{v.sentence}</p>
            {v.restart && v.changes.length > 0 && <p className="text-[13px] text-slate-600">{t("changes", { changes: v.changes.join(", ") })}</p>}
            {v.restart && (
              <p className="text-xs text-slate-600">
                {v.servers === null ? (v.serversError ? t("notCountedWhy", { error: v.serversError }) : t("notCounted")) : t("counted", { source: v.serversSource ?? "" })}
                {t("estimate")}
              </p>
            )}
            {v.error && <p className="text-xs text-amber-800">{v.error}</p>}
            {v.blockedBy.length > 0 && (
              <p role="alert" className="mt-1 flex items-start gap-2 rounded-md bg-red-50 px-3 py-2 text-[13px] text-red-800 ring-1 ring-red-200">
                <Lock className="mt-0.5 size-4 shrink-0" aria-hidden />
                <span>
                  {v.blockedBy.length === 1 ? t("examOpen") : t("examsOpen", { count: v.blockedBy.length })}: {v.blockedBy.map((e) => `${e.title} (${e.courseId})`).join(", ")}.{" "}
                  {v.deferred
                    ? t("deferred")
                    : t("refused")}
                </span>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
