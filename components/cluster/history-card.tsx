import { History } from "lucide-react";
import Link from "next/link";
import { formatDateTime } from "@/components/format";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import type { HistoryView } from "@/lib/deployment/views";

/** Every push, failed or not, with what it wrote. */
export function HistoryCard({ history: h }: { history: HistoryView }) {
  return (
    <Card title="Push history" description="Every push, failed or not, with what it wrote.">
      {h.rows.length === 0 ? (
        <EmptyState icon={<History className="size-6" aria-hidden />} title="Nothing pushed yet">
          Preview the changes, then apply them.
        </EmptyState>
      ) : (
        <>
          <Table data-testid="push-history">
            <thead>
              <tr>
                <Th>Push</Th>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>Target</Th>
                <Th>Outcome</Th>
                <Th className="text-right">Created</Th>
                <Th className="text-right">Changed</Th>
                <Th className="text-right">Pruned</Th>
                <Th className="text-right">Written</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {h.rows.map((p) => (
                <tr key={p.id}>
                  <Td>
                    <Link href={`/cluster/pushes/${p.id}`} className="font-medium text-brand-700 hover:underline">
                      #{p.id}
                    </Link>
                    {p.retryOf && <span className="ml-1 text-xs text-slate-600">(again #{p.retryOf})</span>}
                  </Td>
                  <Td className="whitespace-nowrap">{formatDateTime(p.startedAt)}</Td>
                  <Td>{p.actorName}</Td>
                  <Td className="max-w-56 truncate" title={p.location}>
                    {p.target === "export" ? "export" : p.location}
                  </Td>
                  <Td>
                    <Badge tone={p.status === "ok" ? "green" : "red"}>{p.status === "ok" ? "ok" : "failed"}</Badge>
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
