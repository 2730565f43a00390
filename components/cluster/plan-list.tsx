import { AlertTriangle, ArrowRight, Minus, Plus, RefreshCw, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import type { PlanActionView, PlanCountsView, PlanItemView } from "@/lib/deployment/views";

const TONE: Record<PlanActionView, "green" | "blue" | "amber" | "red" | "slate" | "violet"> = {
  create: "green",
  change: "blue",
  prune: "amber",
  conflict: "red",
  error: "red",
  unchanged: "slate",
};

const ICON: Record<PlanActionView, ReactNode> = {
  create: <Plus className="size-4 text-emerald-600" aria-hidden />,
  change: <RefreshCw className="size-4 text-brand-600" aria-hidden />,
  prune: <Trash2 className="size-4 text-amber-600" aria-hidden />,
  conflict: <AlertTriangle className="size-4 text-red-600" aria-hidden />,
  error: <AlertTriangle className="size-4 text-red-600" aria-hidden />,
  unchanged: <Minus className="size-4 text-slate-500" aria-hidden />,
};

const ORDER: PlanActionView[] = ["conflict", "error", "create", "change", "prune", "unchanged"];

export function objectName(i: { kind: string; namespace?: string | null; name: string }) {
  return (
    <>
      <span className="text-slate-600">{i.kind}</span>{" "}
      <span className="font-mono text-[13px] text-slate-900">
        {i.namespace ? `${i.namespace}/` : ""}
        {i.name}
      </span>
    </>
  );
}

export function PlanCounts({ summary }: { summary: PlanCountsView }) {
  const t = useTranslations("plan");
  return (
    <ul className="flex flex-wrap gap-2" aria-label={t("summary")}>
      {ORDER.map((a) => (
        <li key={a}>
          <Badge tone={summary[a] ? TONE[a] : "slate"}>
            {t(`label.${a}`)}: {summary[a]}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

function Changes({ item }: { item: PlanItemView }) {
  const t = useTranslations("plan");
  if (!item.changes?.length) return null;
  return (
    <table className="mt-2 w-full table-fixed text-xs">
      <caption className="sr-only">{t("changedFields", { name: item.name })}</caption>
      <thead>
        <tr className="text-left text-slate-600">
          <th scope="col" className="w-1/4 py-1 pr-2 font-medium">{t("field")}</th>
          <th scope="col" className="w-[37%] py-1 pr-2 font-medium">{t("before")}</th>
          <th scope="col" className="w-[37%] py-1 font-medium">{t("after")}</th>
        </tr>
      </thead>
      <tbody className="align-top">
        {item.changes.map((c) => (
          <tr key={c.path} className="border-t border-slate-100">
            <td className="break-all py-1 pr-2 font-mono text-slate-700">{c.path}</td>
            <td className="py-1 pr-2">
              {c.before === undefined ? <span className="text-slate-600">{t("absent")}</span> : <code tabIndex={0} className="block max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-red-50 px-1.5 py-1 text-red-900">{c.before}</code>}
            </td>
            <td className="py-1">
              <span className="sr-only">{t("changesTo")}</span>
              {c.after === undefined ? <span className="text-slate-600">{t("removed")}</span> : <code tabIndex={0} className="block max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-emerald-50 px-1.5 py-1 text-emerald-900">{c.after}</code>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Item({ item }: { item: PlanItemView }) {
  const t = useTranslations("plan");
  const detail = item.action === "change" ? t("fields", { count: item.changes?.length ?? 0 }) : item.action === "create" ? t("newObject") : item.action === "prune" ? t("pruneNote") : null;
  return (
    <li className="px-3 py-2" data-testid="plan-item" data-action={item.action}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        {ICON[item.action]}
        {objectName(item)}
        {detail && <span className="text-xs text-slate-600">· {detail}</span>}
      </div>
      {item.note && <p className="mt-1 text-xs text-slate-600">{item.note}</p>}
      {item.conflicts && (
        <div className="mt-1 text-xs text-red-800">
          {t("owned")}
          <ul className="ml-4 list-disc">
            {item.conflicts.map((c) => (
              <li key={`${c.manager}${c.field}`}>
                <span className="font-mono">{c.field || t("object")}</span> <ArrowRight className="inline size-3" aria-label={t("ownedBy")} /> <strong>{c.manager}</strong>
              </li>
            ))}
          </ul>
        </div>
      )}
      {item.error && <p className="mt-1 text-xs text-red-700">{item.error}</p>}
      <Changes item={item} />
    </li>
  );
}

/** A plan, grouped by action; unchanged objects collapsed. Keyboard usable (native details). */
export function PlanList({ items, hideUnchanged = false, collapsed = false }: { items: PlanItemView[]; hideUnchanged?: boolean; collapsed?: boolean }) {
  const t = useTranslations("plan");
  const groups = ORDER.map((a) => ({ action: a, items: items.filter((i) => i.action === a) })).filter((g) => g.items.length && !(hideUnchanged && g.action === "unchanged"));
  return (
    <div className="space-y-3" data-testid="plan-list">
      {groups.map((g) => (
        <details key={g.action} open={g.action !== "unchanged" && (!collapsed || g.action === "conflict" || g.action === "error")} className="rounded-md border border-slate-200 bg-white">
          <summary className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500">
            {ICON[g.action]} {t(`label.${g.action}`)} <Badge tone={TONE[g.action]}>{g.items.length}</Badge>
          </summary>
          <ul className="divide-y divide-slate-100 border-t border-slate-100">
            {g.items.map((i) => (
              <Item key={i.key} item={i} />
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
}
