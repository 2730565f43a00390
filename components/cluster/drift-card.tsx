import { CheckCircle2, CircleAlert } from "lucide-react";
import Link from "next/link";
import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import type { DriftView } from "@/lib/deployment/views";
import { PlanList } from "./plan-list";

async function Drift({ drift, canPush }: { drift: Promise<DriftView>; canPush: boolean }) {
  const d = await drift;
  const t = await getTranslations("cluster.drift");
  if (!d.ok) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
        {t("failed", { error: d.error })}
      </p>
    );
  }
  const s = d.summary;
  if (!d.drift) {
    return (
      <p className="flex items-center gap-2 text-sm text-emerald-800" data-testid="drift">
        <CheckCircle2 className="size-4" aria-hidden /> {t("inSync", { count: s.unchanged })}
      </p>
    );
  }
  return (
    <div className="space-y-3" data-testid="drift">
      <p className="flex flex-wrap items-center gap-2 text-sm text-amber-900">
        <CircleAlert className="size-4 shrink-0" aria-hidden /> {t("differ", { count: d.drift, create: s.create, change: s.change, prune: s.prune, conflict: s.conflict ?? 0, error: s.error ?? 0 })}
        {canPush && (
          <Link href="/cluster/push" className="font-medium text-brand-700 hover:underline">
            {t("review")}
          </Link>
        )}
      </p>
      <PlanList items={d.items} hideUnchanged collapsed={d.drift > 8} />
    </div>
  );
}

/** The target compared with what the portal would push now (streamed in). */
export async function DriftCard({ drift, canPush }: { drift: Promise<DriftView> | null; canPush: boolean }) {
  const t = await getTranslations("cluster.drift");
  return (
    <Card title={t("title")} description={t("description")}>
      {drift ? (
        <Suspense fallback={<p className="text-sm text-slate-600">{t("comparing")}</p>}>
          <Drift drift={drift} canPush={canPush} />
        </Suspense>
      ) : (
        <p className="text-sm text-slate-600">{t("nothing")}</p>
      )}
    </Card>
  );
}
