import Link from "next/link";
import { PushPanel } from "@/components/cluster/push-panel";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { getPush } from "@/lib/deployment/history";
import { safeResolveTarget } from "@/lib/deployment/push";
import { getTranslations } from "next-intl/server";
import { previewPushAction } from "../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("cluster"))("previewPush") };
}

export default async function PushPage({ searchParams }: { searchParams: Promise<{ retryOf?: string }> }) {
  const principal = await requirePage("cluster.view");
  const canPush = can(principal, "cluster.push");
  const sp = await searchParams;
  const retryId = Number(sp.retryOf);
  const retry = Number.isInteger(retryId) && retryId > 0 ? getPush(getDb(), retryId)?.push ?? null : null;
  const t = await getTranslations("cluster");
  const resolved = safeResolveTarget();
  let targetLabel = t("push.noTarget");
  if ("target" in resolved) {
    targetLabel = resolved.target.kind === "export" ? t("push.exportDir", { dir: resolved.target.dir }) : t("push.clusterAt", { server: resolved.target.connection.server });
    if (resolved.target.kind === "cluster") resolved.target.connection.close();
  }
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/cluster" className="hover:underline">{t("title")}</Link> / {t("previewPush")}
          </>
        }
        title={retry ? t("push.again", { id: retry.id }) : t("previewPush")}
        description={t("push.description")}
      />
      {retry && (
        <p className="mb-4 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-700 ring-1 ring-brand-100">
          {t("push.repeat", { id: retry.id, ok: String(retry.status === "ok") })}
          {retry.error ? `: ${retry.error}` : "."}
        </p>
      )}
      <Card>
        <PushPanel preview={previewPushAction as never} canPush={canPush} retryOf={retry?.id} targetLabel={targetLabel} />
      </Card>
    </>
  );
}
