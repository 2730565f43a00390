import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import type { HubAccessNote, HubConfigView, HubValuesView } from "@/lib/deployment/views";
import { HubAccess } from "./hub-access";
import { HubValues, HubValuesHeading } from "./hub-values";

/** Where each hub is installed, with its Z2JH values file for `helm upgrade`. */
function DownloadList({ hubs }: { hubs: HubConfigView[] }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {hubs.map((h) => (
        <li key={h.hub} className="py-2 first:pt-0 last:pb-0">
          <HubValuesHeading hub={h.hub} release={h.releaseName} namespace={h.namespace} host={h.host} />
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
  return <HubValues drift={v.drift} />;
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
