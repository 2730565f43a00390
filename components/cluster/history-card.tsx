import { History } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import type { HistoryView } from "@/lib/deployment/views";

/** Every push, failed or not, with what it wrote. */
export async function HistoryCard({ history: h }: { history: HistoryView }) {
  const t = await getTranslations("cluster.history");
  const f = await getFmt();
  return (
    <Card title={t("title")} description={t("description")}>
      {h.rows.length === 0 ? (
        <EmptyState icon={<History className="size-6" aria-hidden />} title={t("none")}>
          {t("noneHint")}
        </EmptyState>
      ) : (
        <>
          <Table data-testid="push-history" className="[&_td]:px-3 [&_th]:px-3">
            <thead>
              <tr>
                <Th>{t("push")}</Th>
                <Th>{t("when")}</Th>
                <Th>{t("who")}</Th>
                <Th>{t("target")}</Th>
                <Th>{t("outcome")}</Th>
                <Th className="text-right">{t("created")}</Th>
                <Th className="text-right">{t("changed")}</Th>
                <Th className="text-right">{t("pruned")}</Th>
                <Th className="text-right">{t("written")}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {h.rows.map((p) => (
                <tr key={p.id}>
                  <Td>
                    <Link href={`/cluster/pushes/${p.id}`} className="font-medium text-brand-700 hover:underline">
                      #{p.id}
                    </Link>
                    {p.retryOf && <span className="ml-1 text-xs text-slate-600">{t("again", { id: p.retryOf })}</span>}
                  </Td>
                  <Td className="whitespace-nowrap">{f.dateTime(p.startedAt)}</Td>
                  <Td>{p.actorName}</Td>
                  <Td className="max-w-56 truncate" title={p.location}>
                    {p.target === "export" ? t("export") : p.location}
                  </Td>
                  <Td>
                    <Badge tone={p.status === "ok" ? "green" : p.status === "running" ? "slate" : "red"}>{p.status === "ok" ? t("ok") : p.status === "running" ? t("running") : t("failed")}</Badge>
                  </Td>
                  <Td className="text-right tabular-nums">{p.created}</Td>
                  <Td className="text-right tabular-nums">{p.changed}</Td>
                  <Td className="text-right tabular-nums">{p.pruned}</Td>
                  <Td className="text-right tabular-nums">{p.written}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <Pagination page={h.page} pages={h.pages} total={h.total} label="pushes" href={(n: number) => `/cluster?page=${n}`} />
        </>
      )}
    </Card>
  );
}
