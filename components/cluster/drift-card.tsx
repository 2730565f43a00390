import { CheckCircle2, CircleAlert } from "lucide-react";
import Link from "next/link";
import { Suspense } from "react";
import { Card } from "@/components/ui/card";
import type { DriftView } from "@/lib/deployment/views";
import { PlanList } from "./plan-list";

async function Drift({ drift, canPush }: { drift: Promise<DriftView>; canPush: boolean }) {
  const d = await drift;
  if (!d.ok) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
        Could not compare with the target: {d.error}
      </p>
    );
  }
  const s = d.summary;
  if (!d.drift) {
    return (
      <p className="flex items-center gap-2 text-sm text-emerald-800" data-testid="drift">
        <CheckCircle2 className="size-4" aria-hidden /> In sync: all {s.unchanged} objects hold exactly what the portal renders.
      </p>
    );
  }
  return (
    <div className="space-y-3" data-testid="drift">
      <p className="flex items-center gap-2 text-sm text-amber-900">
        <CircleAlert className="size-4" aria-hidden /> {d.drift} object{d.drift === 1 ? "" : "s"} differ from what the portal would push ({s.create} missing, {s.change} changed, {s.prune} no longer rendered
        {s.conflict ? `, ${s.conflict} held by another field manager` : ""}
        {s.error ? `, ${s.error} refused` : ""}).
        {canPush && (
          <Link href="/cluster/push" className="font-medium text-brand-700 hover:underline">
            Review and push
          </Link>
        )}
      </p>
      <PlanList items={d.items} hideUnchanged collapsed={d.drift > 8} />
    </div>
  );
}

/** The target compared with what the portal would push now (streamed in). */
export function DriftCard({ drift, canPush }: { drift: Promise<DriftView> | null; canPush: boolean }) {
  return (
    <Card title="Drift" description="The target compared with what the portal would push now (a dry run; nothing is written).">
      {drift ? (
        <Suspense fallback={<p className="text-sm text-slate-600">Comparing with the target…</p>}>
          <Drift drift={drift} canPush={canPush} />
        </Suspense>
      ) : (
        <p className="text-sm text-slate-600">Nothing to compare until the data renders.</p>
      )}
    </Card>
  );
}
