import { Card, Stat } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { RenderView } from "@/lib/deployment/views";

function bytes(n: number) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** What the portal renders: users and profiles per hub, the profile ConfigMaps against the 1 MiB limit. */
export function RenderCard({ render: r }: { render: RenderView }) {
  if (r.error) {
    return (
      <Card title="What the portal renders">
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
          {r.error}
        </p>
      </Card>
    );
  }
  return (
    <Card title="What the portal renders" description={`${r.counts.courses} courses, ${r.counts.terms} active terms, ${r.counts.students.toLocaleString("en")} student and ${r.counts.staff} staff memberships. ${r.objects} objects in all.`}>
      <div className="grid gap-3 sm:grid-cols-3">
        {r.hubs.map((h) => (
          <Stat key={h.hub} label={h.label} value={`${h.users.toLocaleString("en")} users`} hint={`${h.profiles} profiles · ${h.configMaps} ConfigMaps · ${h.namespace}`} />
        ))}
      </div>
      <h3 className="mt-5 mb-2 text-sm font-semibold text-slate-800">Profile ConfigMaps and the 1 MiB limit</h3>
      <Table>
        <thead>
          <tr>
            <Th>ConfigMap</Th>
            <Th className="text-right">Size</Th>
            <Th className="w-1/3">Of 1 MiB</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {r.configMaps.map((c) => (
            <tr key={`${c.namespace}/${c.name}`}>
              <Td className="font-mono text-xs">
                {c.namespace}/{c.name}
              </Td>
              <Td className="text-right tabular-nums">{bytes(c.bytes)}</Td>
              <Td>
                <div className="flex items-center gap-2">
                  <div className="h-2 flex-1 rounded-full bg-slate-100" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(c.percent)} aria-label={`${c.name} uses ${c.percent.toFixed(1)} % of the limit`}>
                    <div className={`h-2 rounded-full ${c.percent > 90 ? "bg-red-500" : c.percent > 75 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${Math.max(c.percent, 0.5)}%` }} />
                  </div>
                  <span className="w-14 text-right text-xs tabular-nums text-slate-600">{c.percent < 0.1 ? "<0.1" : c.percent.toFixed(1)} %</span>
                </div>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {r.warnings.length > 0 && (
        <details className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          <summary className="cursor-pointer">{r.warnings.length} rendering warning{r.warnings.length === 1 ? "" : "s"}</summary>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {r.warnings.slice(0, 50).map((w) => (
              <li key={w}>{w}</li>
            ))}
            {r.warnings.length > 50 && <li>… and {r.warnings.length - 50} more</li>}
          </ul>
        </details>
      )}
    </Card>
  );
}
