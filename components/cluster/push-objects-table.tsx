import { useTranslations } from "next-intl";
import { plannedWord, resultWord } from "./result-words";
import { Badge } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { PushResultItemView } from "@/lib/deployment/views";
import { objectName } from "./plan-list";

const OUTCOME_TONE = { ok: "green", failed: "red", skipped: "amber" } as const;

export type PushObjectRow = PushResultItemView & {
  changes?: { path: string; before?: unknown; after?: unknown }[] | null;
  conflicts?: { manager: string; field: string }[] | null;
};

function show(v: unknown): string {
  const t = typeof v === "string" ? v : JSON.stringify(v);
  return t.length > 600 ? `${t.slice(0, 600)}… (${t.length} chars)` : t;
}

/** The result of a push, object by object: what was planned, what happened, whether it was written. */
export function PushObjectsTable({ rows }: { rows: PushObjectRow[] }) {
  const t = useTranslations("pushObjects");
  return (
    <Table>
      <thead>
        <tr>
          <Th>{t("object")}</Th>
          <Th>{t("planned")}</Th>
          <Th>{t("result")}</Th>
          <Th>{t("written")}</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((o) => (
          <tr key={o.key} className="align-top">
            <Td>
              {o.changes && o.changes.length > 0 ? (
                <details>
                  <summary className="cursor-pointer">
                    {objectName(o)} <span className="text-xs text-slate-600">· {t("fields", { count: o.changes.length })}</span>
                  </summary>
                  <ul className="mt-2 space-y-1 text-xs">
                    {o.changes.map((c) => (
                      <li key={c.path} className="break-all">
                        <span className="font-mono text-slate-700">{c.path}</span>:{" "}
                        <code className="rounded bg-red-50 px-1 text-red-900">{"before" in c ? show(c.before) : t("absent")}</code> →{" "}
                        <code className="rounded bg-emerald-50 px-1 text-emerald-900">{"after" in c ? show(c.after) : t("removed")}</code>
                      </li>
                    ))}
                  </ul>
                </details>
              ) : (
                objectName(o)
              )}
              {o.conflicts && o.conflicts.length > 0 && (
                <p className="text-xs text-red-800">
                  {t("heldBy", { managers: [...new Set(o.conflicts.map((c) => c.manager))].join(", "), fields: o.conflicts.map((c) => c.field).join(", ") })}
                </p>
              )}
              {o.error && <p className="text-xs text-red-700">{o.error}</p>}
            </Td>
            <Td className="text-slate-600">{o.planAction ? plannedWord(t, o.planAction) : "—"}</Td>
            <Td>
              <Badge tone={OUTCOME_TONE[o.outcome]}>{resultWord(t, o.action)}</Badge>
            </Td>
            <Td>{o.applied ? t("yes") : t("no")}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
