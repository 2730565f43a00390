import { Download } from "lucide-react";
import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import type { HubAccessNote, HubConfigView, HubValuesView } from "@/lib/deployment/views";
import { HubAccess } from "./hub-access";
import { HubValues } from "./hub-values";

/** Where each hub is installed, with its Z2JH values file for `helm upgrade`. */
function DownloadList({ hubs }: { hubs: HubConfigView[] }) {
  const t = useTranslations("hubValues");
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {hubs.map((h) => (
        <li key={h.hub} className="flex items-center justify-between gap-3 py-2 first:pt-0 last:pb-0">
          <div className="min-w-0">
            <div className="font-medium text-slate-800">{t(`title.${h.hub}`)}</div>
            <div className="truncate text-xs text-slate-600">
              {t.rich("release", { release: h.releaseName, namespace: h.namespace, m: (c) => <span className="font-mono">{c}</span> })}
              {h.host ? ` · ${h.host}` : ""}
            </div>
          </div>
          <a className="inline-flex shrink-0 items-center gap-1 font-medium text-brand-700 hover:underline" href={`/api/cluster/values/${h.hub}.yaml`}>
            <Download className="size-4" aria-hidden /> values-{h.hub}.yaml
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The installed chart values against the rendered ones (streamed in: it reads the hub Deployments). */
async function HubValuesSection({ values, hubs }: { values: Promise<HubValuesView>; hubs: HubConfigView[] }) {
  const v = await values;
  const t = await getTranslations("hubValues");
  if (!v.ok) {
    return (
      <div className="space-y-3">
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
          {t("compareFailed", { error: v.error })}
        </p>
        <DownloadList hubs={hubs} />
      </div>
    );
  }
  return <HubValues drift={v.drift} pushed={v.pushedByPortal} helmOnly={v.helmOnly} />;
}

/** The hubs' chart values: download, installed or out of date, the helm command; and who may sign in. */
export function HubValuesCard({ hubs, values, access }: { hubs: HubConfigView[]; values: Promise<HubValuesView> | null; access: HubAccessNote[] | null }) {
  const t = useTranslations("hubValues");
  return (
    <Card title={t("cardTitle")} description={t("cardHint")}>
      {values ? (
        <Suspense fallback={<p className="text-sm text-slate-600">{t("comparing")}</p>}>
          <HubValuesSection values={values} hubs={hubs} />
        </Suspense>
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-600">{t("compareLater")}</p>
          <DownloadList hubs={hubs} />
        </>
      )}
      {access && <HubAccess notes={access} />}
    </Card>
  );
}
