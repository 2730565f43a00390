import { Lock, RotateCw } from "lucide-react";
import type { HubRestartView } from "@/lib/deployment/views";

/** The push preview's hub restarts: which hub restarts, why, what keeps running, what an open exam forbids. */
export function HubRestarts({ value }: { value: HubRestartView[] }) {
  const shown = value.filter((v) => v.restart || v.deferred || v.reason === "not-installed" || v.reason === "export" || v.reason === "unknown");
  if (!shown.length) return null;
  const restarting = value.filter((v) => v.restart).length;
  return (
    <section aria-labelledby="hub-restarts" className="rounded-md border border-slate-200 p-3" data-testid="hub-restarts">
      <h3 id="hub-restarts" className="mb-2 flex items-center gap-2 text-sm font-semibold text-slate-900">
        <RotateCw className="size-4 text-slate-500" aria-hidden />
        {restarting ? `Hub restarts (${restarting})` : "Hub configuration"}
      </h3>
      <ul className="space-y-3 text-sm">
        {shown.map((v) => (
          <li key={v.hub} data-testid={`restart-${v.hub}`}>
            <p className={v.restart ? "font-medium text-slate-900" : "text-slate-700"}>{v.sentence}</p>
            {v.restart && v.changes.length > 0 && <p className="text-[13px] text-slate-600">What changes: {v.changes.join(", ")}.</p>}
            {v.restart && (
              <p className="text-xs text-slate-500">
                {v.servers === null ? `Running servers could not be counted${v.serversError ? `: ${v.serversError}` : "."}` : `Servers counted on the cluster just now: ${v.serversSource}.`} The pause is an estimate: the hub pod is replaced and the new one loads its configuration.
              </p>
            )}
            {v.error && <p className="text-xs text-amber-800">{v.error}</p>}
            {v.blockedBy.length > 0 && (
              <p role="alert" className="mt-1 flex items-start gap-2 rounded-md bg-red-50 px-3 py-2 text-[13px] text-red-800 ring-1 ring-red-200">
                <Lock className="mt-0.5 size-4 shrink-0" aria-hidden />
                <span>
                  {v.blockedBy.length === 1 ? "An exam is open" : `${v.blockedBy.length} exams are open`}: {v.blockedBy.map((e) => `${e.title} (${e.courseId})`).join(", ")}.{" "}
                  {v.deferred
                    ? "The exam hub is not restarted during an open exam: everything else is pushed now."
                    : "The exam hub is not restarted during an open exam: this push is refused unless you force the restart below."}
                </span>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
