import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { Card, Stat } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { RenderView } from "@/lib/deployment/views";


/** What the portal renders: users and profiles per hub, the profile ConfigMaps against the 1 MiB limit. */
export async function RenderCard({ render: r }: { render: RenderView }) {
  const t = await getTranslations("cluster.render");
  const tw = await getTranslations("portalWarnings");
  const th = await getTranslations("hubValues.title");
  const f = await getFmt();
  const bytes = (n: number) => (n < 1024 ? `${f.number(n, 0)} B` : n < 1024 * 1024 ? `${f.number(n / 1024, 1)} KiB` : `${f.number(n / 1024 / 1024, 2)} MiB`);
  if (r.error) {
    return (
      <Card title={t("title")}>
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
          {r.error}
        </p>
      </Card>
    );
  }
  return (
    <Card title={t("title")} description={t("description", { courses: f.number(r.counts.courses), terms: f.number(r.counts.terms), students: f.number(r.counts.students), staff: f.number(r.counts.staff), objects: f.number(r.objects) })}>
      <div className="grid gap-3 sm:grid-cols-3">
        {/* the exam hub's users are exam accounts, backup accounts among them, not people */}
        {r.hubs.map((h) => (
          <Stat key={h.hub} label={th(h.hub)} value={h.hub === "exam" ? t("accounts", { count: h.users }) : t("users", { count: f.number(h.users) })} hint={t("hubHint", { profiles: h.profiles, configMaps: h.configMaps, namespace: h.namespace })} />
        ))}
      </div>
      <h3 className="mt-5 mb-2 text-sm font-semibold text-slate-800">{t("configMaps")}</h3>
      <Table>
        <thead>
          <tr>
            <Th>ConfigMap</Th>
            <Th className="text-right">{t("size")}</Th>
            <Th className="w-1/3">{t("ofLimit")}</Th>
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
                  <div className="h-2 flex-1 rounded-full bg-slate-100" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(c.percent)} aria-label={t("uses", { name: c.name, percent: f.number(c.percent, 1) })}>
                    <div className={`h-2 rounded-full ${c.percent > 90 ? "bg-red-500" : c.percent > 75 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${Math.max(c.percent, 0.5)}%` }} />
                  </div>
                  <span className="w-14 text-right text-xs tabular-nums text-slate-600">{c.percent < 0.1 ? `<${f.number(0.1, 1)}` : f.number(c.percent, 1)} %</span>
                </div>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {r.warnings.length > 0 && (
        <details className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          <summary className="cursor-pointer">{t("warnings", { count: r.warnings.length })}</summary>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {r.warnings.slice(0, 50).map((w, i) => (
              <li key={i}>{(tw as unknown as (k: string, v: Record<string, string | number>) => string)(w.key, w.params)}</li>
            ))}
            {r.warnings.length > 50 && <li>{t("more", { count: r.warnings.length - 50 })}</li>}
          </ul>
        </details>
      )}
    </Card>
  );
}
