import { RotateCcw } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PushObjectsTable } from "@/components/cluster/push-objects-table";
import { resultCounts } from "@/components/cluster/result-words";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { getPush } from "@/lib/deployment/history";

export async function generateMetadata() {
  return { title: (await getTranslations("pushDetail"))("title") };
}

export default async function PushDetailPage({ params }: { params: Promise<{ pushId: string }> }) {
  const principal = await requirePage("cluster.view");
  const id = Number((await params).pushId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const data = getPush(getDb(), id);
  if (!data) notFound();
  const { push: p, objects, retries } = data;
  const counts = Object.entries(p.resultCounts);
  const t = await getTranslations("pushDetail");
  const words = await getTranslations("pushObjects");
  const f = await getFmt();
  const seconds = Math.max(0, (p.finishedAt.getTime() - p.startedAt.getTime()) / 1000);
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/cluster" className="hover:underline">Cluster</Link> / {t("push", { id: p.id })}
          </>
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {t("push", { id: p.id })} <Badge tone={p.status === "ok" ? "green" : "red"}>{p.status === "ok" ? t("succeeded") : t("failed")}</Badge>
          </span>
        }
        description={t("description", { when: f.dateTime(p.startedAt), actor: p.actorName, target: p.target === "export" ? t("toExport", { dir: p.location }) : p.location || t("toCluster") })}
        actions={
          can(principal, "cluster.push") ? (
            <ButtonLink href={`/cluster/push?retryOf=${p.id}`} variant="secondary">
              <RotateCcw className="size-4" aria-hidden /> {t("again")}
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
        <Card title={t("summary")}>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-600">{t("planned")}</dt>
              <dd className="text-slate-900">
                {t("plannedCounts", { create: p.planCounts.create, change: p.planCounts.change, unchanged: p.planCounts.unchanged, prune: p.planCounts.prune, conflict: p.planCounts.conflict ?? 0, error: p.planCounts.error ?? 0 })}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">{t("result")}</dt>
              <dd className="text-slate-900">{counts.length ? resultCounts(words, counts) : t("nothing")}</dd>
            </div>
            <div>
              <dt className="text-slate-600">{t("written")}</dt>
              <dd className="text-slate-900">
                {t("writtenIn", { count: p.appliedCount, seconds: f.number(seconds, 1) })}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">{t("options")}</dt>
              <dd className="text-slate-900">
                {p.prune ? t("pruneOn") : t("pruneOff")} · {p.forceConflicts ? t("overridden") : t("leftAlone")}
              </dd>
            </div>
            {p.retryOf && (
              <div>
                <dt className="text-slate-600">{t("repeats")}</dt>
                <dd>
                  <Link href={`/cluster/pushes/${p.retryOf}`} className="text-brand-700 hover:underline">{t("repeatsPush", { id: p.retryOf })}</Link>
                </dd>
              </div>
            )}
            {retries.length > 0 && (
              <div>
                <dt className="text-slate-600">{t("repeatedBy")}</dt>
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
        <Card title={t("objects", { count: objects.length })} description={t("objectsHint")}>
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
