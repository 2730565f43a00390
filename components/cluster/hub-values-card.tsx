import { Download } from "lucide-react";
import { Card } from "@/components/ui/card";
import type { HubAccessNote, HubConfigView } from "@/lib/deployment/views";
import { HubAccess } from "./hub-access";

/** Where each hub is installed, with its Z2JH values file for `helm upgrade`, and who may sign in. */
export function HubValuesCard({ hubs, access }: { hubs: HubConfigView[]; access: HubAccessNote[] | null }) {
  return (
    <Card title="Hub configuration" description="Z2JH values for helm upgrade, one file per hub.">
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
      {access && <HubAccess notes={access} />}
    </Card>
  );
}
