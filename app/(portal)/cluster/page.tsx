import { Download, Upload } from "lucide-react";
import { Suspense } from "react";
import { AccessCard, AccessCardLoading } from "@/components/cluster/access-card";
import { DriftCard } from "@/components/cluster/drift-card";
import { HistoryCard } from "@/components/cluster/history-card";
import { HubValuesCard } from "@/components/cluster/hub-values-card";
import { RenderCard } from "@/components/cluster/render-card";
import { SettingsCard } from "@/components/cluster/settings-card";
import { TargetCard } from "@/components/cluster/target-card";
import { ButtonAnchor, ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { loadClusterPage } from "@/lib/deployment/cluster-page";
import { getTranslations } from "next-intl/server";
import { saveSettingsAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("cluster"))("title") };
}

export default async function ClusterPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const principal = await requirePage("cluster.view");
  const canPush = can(principal, "cluster.push");
  const t = await getTranslations("cluster");
  const data = await loadClusterPage(getDb(), { page: Number((await searchParams).page) || 1 });
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <ButtonAnchor variant="secondary" href="/api/cluster/bundle.yaml">
              <Download className="size-4" aria-hidden /> {t("allObjects")}
            </ButtonAnchor>
            {canPush && (
              <ButtonLink href="/cluster/push">
                <Upload className="size-4" aria-hidden /> {t("previewPush")}
              </ButtonLink>
            )}
          </>
        }
      />
      <div className="space-y-6">
        <div className="grid min-w-0 grid-cols-1 items-start gap-6 lg:grid-cols-2">
          <TargetCard target={data.target} />
          <HubValuesCard hubs={data.hubs} values={data.hubValues} access={data.hubAccess} />
        </div>
        {data.access && (
          <Suspense fallback={<AccessCardLoading />}>
            <AccessCard access={data.access} />
          </Suspense>
        )}
        <RenderCard render={data.render} />
        <DriftCard drift={data.drift} canPush={canPush} />
        <SettingsCard settings={data.settings} action={saveSettingsAction as never} canEdit={canPush} />
        <HistoryCard history={data.history} />
      </div>
    </>
  );
}
