import { RotateCcw } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PushObjectsTable } from "@/components/cluster/push-objects-table";
import { formatDateTime } from "@/components/format";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { getPush } from "@/lib/deployment/history";

export const metadata = { title: "Push" };


export default async function PushDetailPage({ params }: { params: Promise<{ pushId: string }> }) {
  const principal = await requirePage("cluster.view");
  const id = Number((await params).pushId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const data = getPush(getDb(), id);
  if (!data) notFound();
  const { push: p, objects, retries } = data;
  const counts = Object.entries(p.resultCounts);
  const seconds = Math.max(0, (p.finishedAt.getTime() - p.startedAt.getTime()) / 1000);
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/cluster" className="hover:underline">Cluster</Link> / Push #{p.id}
          </>
        }
        title={
          <span className="flex items-center gap-3">
            Push #{p.id} <Badge tone={p.status === "ok" ? "green" : "red"}>{p.status === "ok" ? "succeeded" : "failed"}</Badge>
          </span>
        }
        description={`${formatDateTime(p.startedAt)} by ${p.actorName}, to ${p.target === "export" ? `the export directory ${p.location}` : p.location || "the cluster"}.`}
        actions={
          can(principal, "cluster.push") ? (
            <ButtonLink href={`/cluster/push?retryOf=${p.id}`} variant="secondary">
              <RotateCcw className="size-4" aria-hidden /> Push again with current data
            </ButtonLink>
          ) : undefined
        }
      />
      <div className="space-y-6">
        {p.error && (
          <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-700 ring-1 ring-red-200">
            {p.error}
          </p>
        )}
        <Card title="Summary">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-600">Planned</dt>
              <dd className="text-slate-900">
                {p.planCounts.create} create · {p.planCounts.change} change · {p.planCounts.unchanged} unchanged · {p.planCounts.prune} prune
                {p.planCounts.conflict ? ` · ${p.planCounts.conflict} conflict` : ""}
                {p.planCounts.error ? ` · ${p.planCounts.error} refused` : ""}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Result</dt>
              <dd className="text-slate-900">{counts.length ? counts.map(([k, v]) => `${v} ${k}`).join(" · ") : "nothing was attempted"}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Written</dt>
              <dd className="text-slate-900">
                {p.appliedCount} object{p.appliedCount === 1 ? "" : "s"} in {seconds.toFixed(1)} s
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Options</dt>
              <dd className="text-slate-900">
                {p.prune ? "prune on" : "prune off"} · {p.forceConflicts ? "conflicts overridden" : "conflicts left alone"}
              </dd>
            </div>
            {p.retryOf && (
              <div>
                <dt className="text-slate-600">Repeats</dt>
                <dd>
                  <Link href={`/cluster/pushes/${p.retryOf}`} className="text-brand-700 hover:underline">push #{p.retryOf}</Link>
                </dd>
              </div>
            )}
            {retries.length > 0 && (
              <div>
                <dt className="text-slate-600">Repeated by</dt>
                <dd className="space-x-2">
                  {retries.map((r) => (
                    <Link key={r.id} href={`/cluster/pushes/${r.id}`} className="text-brand-700 hover:underline">
                      #{r.id} ({r.status})
                    </Link>
                  ))}
                </dd>
              </div>
            )}
          </dl>
        </Card>
        <Card title={`Objects (${objects.length})`} description="In the order they were applied. Expand an object to see its changed fields.">
          <PushObjectsTable
            rows={objects.map((o) => ({
              ...o,
              key: String(o.id),
              namespace: o.namespace ?? undefined,
              changes: o.changes as { path: string; before?: unknown; after?: unknown }[] | null,
            }))}
          />
        </Card>
      </div>
    </>
  );
}
