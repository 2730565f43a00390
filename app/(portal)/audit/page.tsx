import { ScrollText } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import { getTranslations } from "next-intl/server";
import { auditActionLabel, auditArea, auditAreaLabel, auditSummary } from "@/lib/i18n/audit-label";
import { getFmt } from "@/lib/i18n/server";
import { listAudit } from "@/lib/audit/audit";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { portalTimeZone, zonedInputToUtc } from "@/lib/grading/time";

export async function generateMetadata() {
  return { title: (await getTranslations("audit"))("title") };
}

type SP = { q?: string; action?: string; actor?: string; from?: string; to?: string; signIns?: string; page?: string };

/** The start (or the last millisecond) of a day typed in the filter, in the portal's time zone. */
function day(s: string | undefined, end = false): Date | undefined {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const d = zonedInputToUtc(`${s}T${end ? "23:59:59" : "00:00"}`, portalTimeZone());
  return d ? new Date(d.getTime() + (end ? 999 : 0)) : undefined;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SP> }) {
  await requirePage("audit.view");
  const sp = await searchParams;
  const res = listAudit(getDb(), { q: sp.q, action: sp.action, signIns: sp.signIns === "1", actor: sp.actor || undefined, from: day(sp.from), to: day(sp.to, true), page: Number(sp.page) || 1, pageSize: 50 });
  const href = (page: number) => `/audit?${new URLSearchParams({ ...Object.fromEntries(Object.entries(sp).filter(([, v]) => v)), page: String(page) })}`;
  const t = await getTranslations();
  const f = await getFmt();
  const input = "rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";
  return (
    <>
      <PageHeader title={t("audit.title")} description={t("audit.description")} />
      <form className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm" role="search">
        <label className="text-xs font-medium text-slate-600">
          {t("audit.search")}
          <input name="q" defaultValue={sp.q} placeholder={t("audit.searchPlaceholder")} className={`mt-1 block w-56 max-w-full ${input}`} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("audit.action")}
          <select name="action" defaultValue={sp.action ?? ""} className={`mt-1 block w-48 ${input}`}>
            <option value="">{t("audit.all")}</option>
            {/* per area: all of its actions (a prefix), then each one */}
            {[...new Set(res.actions.map(auditArea))].map((area) => (
              <optgroup key={area} label={auditAreaLabel(t, area)}>
                <option value={`${area}.`}>{t("audit.groupAll", { group: auditAreaLabel(t, area) })}</option>
                {res.actions
                  .filter((a) => auditArea(a) === area)
                  .map((a) => (
                    <option key={a} value={a}>
                      {auditActionLabel(t, a)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("audit.actor")}
          <input name="actor" defaultValue={sp.actor} className={`mt-1 block w-36 ${input}`} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("audit.from")}
          <input type="date" name="from" defaultValue={sp.from} className={`mt-1 block ${input}`} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("audit.to")}
          <input type="date" name="to" defaultValue={sp.to} className={`mt-1 block ${input}`} />
        </label>
        <label className="flex items-center gap-2 pb-2 text-xs font-medium text-slate-700">
          <input type="checkbox" name="signIns" value="1" defaultChecked={sp.signIns === "1"} className="size-4 rounded border-slate-300" />
          {t("audit.signIns")}
        </label>
        <button className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700" type="submit">{t("audit.filter")}</button>
      </form>
      {res.rows.length === 0 ? (
        <EmptyState icon={<ScrollText className="size-8" />} title={t("audit.none")}>{t("audit.noneHint")}</EmptyState>
      ) : (
        <>
          <Table>
            <thead>
              <tr>
                <Th>{t("audit.when")}</Th>
                <Th>{t("audit.who")}</Th>
                <Th>{t("audit.action")}</Th>
                <Th>{t("audit.what")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {res.rows.map((r) => (
                <tr key={r.id} className="align-top">
                  <Td className="whitespace-nowrap text-xs text-slate-600">{f.dateTime(r.at)}</Td>
                  <Td className="font-mono text-xs">{r.actorName}</Td>
                  <Td className="whitespace-nowrap text-xs">
                    <div className="font-medium text-slate-800">{auditActionLabel(t, r.action)}</div>
                    <div className="font-mono text-slate-600">{r.action}</div>
                  </Td>
                  <Td>
                    <div>{auditSummary(t, r, f.locale)}</div>
                    {(r.before != null || r.after != null) && (
                      <details className="mt-1 text-xs">
                        <summary className="cursor-pointer text-slate-600">{t("audit.details")}</summary>
                        <div className="mt-1 grid gap-2 md:grid-cols-2">
                          {r.before != null && <pre className="max-h-60 overflow-auto rounded bg-red-50 p-2 text-red-900">{JSON.stringify(r.before, null, 2)}</pre>}
                          {r.after != null && <pre className="max-h-60 overflow-auto rounded bg-emerald-50 p-2 text-emerald-900">{JSON.stringify(r.after, null, 2)}</pre>}
                        </div>
                      </details>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <Pagination page={res.page} pages={Math.max(1, Math.ceil(res.total / res.pageSize))} total={res.total} href={href} label="entries" />
        </>
      )}
    </>
  );
}
