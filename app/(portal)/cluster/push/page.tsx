import Link from "next/link";
import { PushPanel } from "@/components/cluster/push-panel";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { getPush } from "@/lib/deployment/history";
import { safeResolveTarget } from "@/lib/deployment/push";
import { previewPushAction } from "../actions";

export const metadata = { title: "Preview and push" };

export default async function PushPage({ searchParams }: { searchParams: Promise<{ retryOf?: string }> }) {
  const principal = await requirePage("cluster.view");
  const canPush = can(principal, "cluster.push");
  const sp = await searchParams;
  const retryId = Number(sp.retryOf);
  const retry = Number.isInteger(retryId) && retryId > 0 ? getPush(getDb(), retryId)?.push ?? null : null;
  const resolved = safeResolveTarget();
  let targetLabel = "no usable target";
  if ("target" in resolved) {
    targetLabel = resolved.target.kind === "export" ? `export directory ${resolved.target.dir}` : `cluster ${resolved.target.connection.server}`;
    if (resolved.target.kind === "cluster") resolved.target.connection.close();
  }
  return (
    <>
      <PageHeader
        breadcrumbs={
          <>
            <Link href="/cluster" className="hover:underline">Cluster</Link> / Preview and push
          </>
        }
        title={retry ? `Push again (repeats #${retry.id})` : "Preview and push"}
        description="The preview renders the portal's current data and compares it with the target, object by object; nothing is written until you apply. Apply checks that the plan is still the one you saw."
      />
      {retry && (
        <p className="mb-4 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-700 ring-1 ring-brand-100">
          A repeat renders the data as it is now (not as it was in push #{retry.id}), so nothing changed since is undone. Push #{retry.id} {retry.status === "ok" ? "succeeded" : "failed"}
          {retry.error ? `: ${retry.error}` : "."}
        </p>
      )}
      <Card>
        <PushPanel preview={previewPushAction as never} canPush={canPush} retryOf={retry?.id} targetLabel={targetLabel} />
      </Card>
    </>
  );
}
