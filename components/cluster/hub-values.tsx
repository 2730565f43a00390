import { CheckCircle2, CircleAlert, CircleHelp, Download, PackageOpen } from "lucide-react";
import { formatDay } from "@/components/format";
import { Badge } from "@/components/ui/card";
import type { HubDriftView } from "@/lib/deployment/views";
import { CopyText } from "./copy-text";

const NAME = { assignment: "assignment hub", exam: "exam hub", grading: "grading hub" } as const;
const Title = (h: HubDriftView["hub"]) => NAME[h][0].toUpperCase() + NAME[h].slice(1);

const BADGE: Record<HubDriftView["state"], { tone: "green" | "amber" | "red" | "slate"; text: string }> = {
  "up-to-date": { tone: "green", text: "Up to date" },
  "out-of-date": { tone: "amber", text: "Out of date" },
  "not-installed": { tone: "slate", text: "Not installed" },
  "no-digest": { tone: "amber", text: "Not the portal's values" },
  export: { tone: "slate", text: "No cluster" },
  unknown: { tone: "red", text: "Unknown" },
};

/** What the drift of one hub's chart values means, in one sentence. */
export function driftSentence(v: HubDriftView): string {
  const hub = NAME[v.hub];
  switch (v.state) {
    case "up-to-date":
      return `Values of the ${hub} are up to date: Helm installed exactly what the portal renders now.`;
    case "out-of-date":
      if (!v.known) return `Values of the ${hub} are out of date: the installed values (digest ${v.installedDigest}) are not in the portal's record, so what changed is unknown.`;
      return `Values of the ${hub} are out of date${v.since ? ` since ${formatDay(v.since)}` : ""}: ${v.reasons.length ? v.reasons.join(", ") : "the chart values changed"}.`;
    case "not-installed":
      return `The ${hub} is not installed yet: install it once with its values.`;
    case "no-digest":
      return `The ${hub} runs chart values without the portal's digest: install the portal's values once with helm upgrade.`;
    case "export":
      return `No cluster to compare with: install the ${hub} once with its values, then the portal pushes the rest.`;
    default:
      return `What the ${hub} runs cannot be read: ${v.error ?? "unknown error"}`;
  }
}

/** The chart values of the hubs: download, installed or not, out of date or not, and the helm command. */
export function HubValues({ drift, pushed, helmOnly }: { drift: HubDriftView[]; pushed: readonly string[]; helmOnly: readonly string[] }) {
  return (
    <div className="space-y-4" data-testid="hub-values">
      <ul className="divide-y divide-slate-100 text-sm">
        {drift.map((v) => {
          const b = BADGE[v.state];
          const needsHelm = v.state !== "up-to-date";
          return (
            <li key={v.hub} className="space-y-2 py-3 first:pt-0 last:pb-0" data-testid={`values-${v.hub}`}>
              <div className="flex items-center justify-between gap-3">
                <div className="min-w-0">
                  <div className="flex items-center gap-2 font-medium text-slate-800">
                    {Title(v.hub)} <Badge tone={b.tone}>{b.text}</Badge>
                  </div>
                  <div className="truncate text-xs text-slate-500">
                    release <span className="font-mono">{v.release}</span> in <span className="font-mono">{v.namespace}</span>
                  </div>
                </div>
                <a className="inline-flex shrink-0 items-center gap-1 font-medium text-brand-700 hover:underline" href={v.valuesUrl}>
                  <Download className="size-4" aria-hidden /> values-{v.hub}.yaml
                </a>
              </div>
              <p className={`flex items-start gap-2 ${v.state === "out-of-date" || v.state === "no-digest" ? "text-amber-900" : v.state === "unknown" ? "text-red-700" : "text-slate-700"}`} data-testid={`drift-${v.hub}`}>
                {v.state === "up-to-date" ? (
                  <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />
                ) : v.state === "out-of-date" || v.state === "no-digest" ? (
                  <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
                ) : v.state === "unknown" ? (
                  <CircleHelp className="mt-0.5 size-4 shrink-0" aria-hidden />
                ) : (
                  <PackageOpen className="mt-0.5 size-4 shrink-0 text-slate-400" aria-hidden />
                )}
                <span>{driftSentence(v)}</span>
              </p>
              {needsHelm && v.state !== "unknown" && <CopyText text={v.helmCommand} label={`Copy the helm command for the ${NAME[v.hub]}`} />}
            </li>
          );
        })}
      </ul>
      <div className="grid gap-3 border-t border-slate-100 pt-3 text-[13px] sm:grid-cols-2">
        <div>
          <h3 className="font-semibold text-slate-800">The portal pushes itself</h3>
          <ul className="mt-1 list-disc pl-5 text-slate-600">
            {pushed.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="font-semibold text-slate-800">Only helm upgrade changes</h3>
          <ul className="mt-1 list-disc pl-5 text-slate-600">
            {helmOnly.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
