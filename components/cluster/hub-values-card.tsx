import { Download } from "lucide-react";
import { Suspense } from "react";
import { Card } from "@/components/ui/card";
import type { HubAccessNote, HubConfigView, HubValuesView } from "@/lib/deployment/views";
import { HubAccess } from "./hub-access";
import { HubValues } from "./hub-values";

const DESCRIPTION = "Each hub is installed once with Helm and its values; the portal pushes everything else itself and restarts a hub when it must.";

/** Where each hub is installed, with its Z2JH values file for `helm upgrade`. */
function DownloadList({ hubs }: { hubs: HubConfigView[] }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {hubs.map((h) => (
        <li key={h.hub} className="flex items-center justify-between gap-3 py-2 first:pt-0 last:pb-0">
          <div className="min-w-0">
            <div className="font-medium text-slate-800">{h.label}</div>
            <div className="truncate text-xs text-slate-500">
              release <span className="font-mono">{h.releaseName}</span> in <span className="font-mono">{h.namespace}</span>
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
  if (!v.ok) {
    return (
      <div className="space-y-3">
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
          Could not compare with the installed hubs: {v.error}
        </p>
        <DownloadList hubs={hubs} />
      </div>
    );
  }
  return <HubValues drift={v.drift} pushed={v.pushedByPortal} helmOnly={v.helmOnly} />;
}

/** The hubs' chart values: download, installed or out of date, the helm command; and who may sign in. */
export function HubValuesCard({ hubs, values, access }: { hubs: HubConfigView[]; values: Promise<HubValuesView> | null; access: HubAccessNote[] | null }) {
  return (
    <Card title="Hub configuration" description={DESCRIPTION}>
      {values ? (
        <Suspense fallback={<p className="text-sm text-slate-500">Comparing with the installed hubs…</p>}>
          <HubValuesSection values={values} hubs={hubs} />
        </Suspense>
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-500">The values can be compared once the data renders.</p>
          <DownloadList hubs={hubs} />
        </>
      )}
      {access && <HubAccess notes={access} />}
    </Card>
  );
}
