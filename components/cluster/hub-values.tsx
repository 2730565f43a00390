import { CheckCircle2, CircleAlert, CircleHelp, Download, PackageOpen } from "lucide-react";
import type { ReactNode } from "react";
import { useTranslations } from "next-intl";
import { useFmt } from "@/lib/i18n/use-fmt";
import { Badge } from "@/components/ui/card";
import type { HubName } from "@/lib/constants";
import type { HubDriftView } from "@/lib/deployment/views";
import { CopyText } from "./copy-text";

const TONE: Record<HubDriftView["state"], "green" | "amber" | "red" | "slate"> = {
  "up-to-date": "green",
  "out-of-date": "amber",
  "not-installed": "slate",
  "no-digest": "amber",
  export: "slate",
  unknown: "red",
};

type Tr = ReturnType<typeof useTranslations<"hubValues">>;

/** What the drift of one hub's chart values means, in one sentence (in the page's language). */
export function driftSentence(v: HubDriftView, t: Tr, day: (d: Date) => string): string {
  const hub = t(`name.${v.hub}`);
  switch (v.state) {
    case "up-to-date":
      return t("upToDate", { hub });
    case "out-of-date":
      if (!v.known) return t("unknownDigest", { hub, digest: v.installedDigest ?? "" });
      return t("outOfDate", { hub, since: v.since ? t("since", { day: day(new Date(v.since)) }) : "", reasons: v.reasons.length ? v.reasons.join(", ") : t("chartChanged") });
    case "not-installed":
      return t("notInstalled", { hub });
    case "no-digest":
      return t("noDigest", { hub });
    case "export":
      return t("export", { hub });
    default:
      return t("unreadable", { hub, error: v.error ?? t("unknownError") });
  }
}

/** What the portal pushes itself and what only `helm upgrade` changes (keys of hubValues.pushedList and .helmList). */
const PUSHED = ["admins", "signIn", "network", "spawn", "code", "profiles", "policies"] as const;
const HELM_ONLY = ["images", "proxy", "ingress", "chart", "hub"] as const;

/** One hub's heading: its title (with a badge), Helm release and namespace, and its values file to download. */
export function HubValuesHeading({ hub, release, namespace, host, badge }: { hub: HubName; release: string; namespace: string; host?: string | null; badge?: ReactNode }) {
  const t = useTranslations("hubValues");
  return (
    <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
      <div className="min-w-0">
        <div className="flex items-center gap-2 font-medium text-slate-800">
          {t(`title.${hub}`)} {badge}
        </div>
        <div className="truncate text-xs text-slate-600">
          {t.rich("release", { release, namespace, m: (c) => <span className="font-mono">{c}</span> })}
          {host ? ` · ${host}` : ""}
        </div>
      </div>
      <a className="inline-flex shrink-0 items-center gap-1 font-medium text-brand-700 hover:underline" href={`/api/cluster/values/${hub}.yaml`}>
        <Download className="size-4" aria-hidden /> values-{hub}.yaml
      </a>
    </div>
  );
}

function DriftIcon({ state }: { state: HubDriftView["state"] }) {
  if (state === "up-to-date") return <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />;
  if (state === "out-of-date" || state === "no-digest") return <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />;
  if (state === "unknown") return <CircleHelp className="mt-0.5 size-4 shrink-0" aria-hidden />;
  return <PackageOpen className="mt-0.5 size-4 shrink-0 text-slate-500" aria-hidden />;
}

function Bullets({ title, items }: { title: string; items: readonly string[] }) {
  return (
    <div>
      <h3 className="font-semibold text-slate-800">{title}</h3>
      <ul className="mt-1 list-disc pl-5 text-slate-600">
        {items.map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
    </div>
  );
}

/** The chart values of the hubs: download, installed or not, out of date or not, and the helm command. */
export function HubValues({ drift }: { drift: HubDriftView[] }) {
  const t = useTranslations("hubValues");
  const f = useFmt();
  // a day and month ("1 Dec", "1. Dez.") in the portal's zone
  const day = (d: Date) => new Intl.DateTimeFormat(f.locale === "de" ? "de-DE" : "en-GB", { day: "numeric", month: "short", timeZone: f.timeZone }).format(d);
  return (
    <div className="space-y-4" data-testid="hub-values">
      <ul className="divide-y divide-slate-100 text-sm">
        {drift.map((v) => (
          <li key={v.hub} className="space-y-2 py-3 first:pt-0 last:pb-0" data-testid={`values-${v.hub}`}>
            <HubValuesHeading hub={v.hub} release={v.release} namespace={v.namespace} badge={<Badge tone={TONE[v.state]}>{t(`badge.${v.state}`)}</Badge>} />
            <p className={`flex items-start gap-2 ${v.state === "out-of-date" || v.state === "no-digest" ? "text-amber-900" : v.state === "unknown" ? "text-red-700" : "text-slate-700"}`} data-testid={`drift-${v.hub}`}>
              <DriftIcon state={v.state} />
              <span>{driftSentence(v, t, day)}</span>
            </p>
            {v.state !== "up-to-date" && v.state !== "unknown" && <CopyText text={v.helmCommand} label={t("copyHelm", { hub: t(`name.${v.hub}`) })} />}
          </li>
        ))}
      </ul>
      <div className="grid gap-3 border-t border-slate-100 pt-3 text-[13px] sm:grid-cols-2">
        <Bullets title={t("pushedItself")} items={PUSHED.map((k) => t(`pushedList.${k}`))} />
        <Bullets title={t("helmOnly")} items={HELM_ONLY.map((k) => t(`helmList.${k}`))} />
      </div>
    </div>
  );
}
