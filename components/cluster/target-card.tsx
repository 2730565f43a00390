import { FolderOutput, Server } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { Badge, Card } from "@/components/ui/card";
import type { TargetView } from "@/lib/deployment/views";

const PROBLEMS = ["unreachable", "tls", "unauthorized", "forbidden", "config"] as const;

/** Where pushes go: the export directory, or a cluster with its version and the portal's identity there. */
export async function TargetCard({ target: t }: { target: TargetView }) {
  const tr = await getTranslations("cluster.target");
  const f = await getFmt();
  if (t.kind === "export") {
    return (
      <Card title={tr("title")} description={tr("noCluster")}>
        <div className="flex items-start gap-3">
          <FolderOutput className="mt-0.5 size-5 shrink-0 text-slate-600" aria-hidden />
          <div className="text-sm">
            <p className="font-medium text-slate-900" data-testid="target">
              {tr("export")} <span className="break-all font-mono">{t.location}</span>
            </p>
            <p className="mt-1 text-slate-600">{tr.rich("exportHint", { code: (c) => <code className="font-mono">{c}</code> })}</p>
          </div>
        </div>
      </Card>
    );
  }
  const ok = t.kind === "cluster" && !t.problem;
  return (
    <Card title={tr("title")} actions={<Badge tone={ok ? "green" : "red"}>{ok ? tr("connected") : (PROBLEMS as readonly string[]).includes(t.problemKind ?? "") ? tr(`problems.${t.problemKind as (typeof PROBLEMS)[number]}`) : tr("problem")}</Badge>}>
      <div className="flex items-start gap-3 text-sm">
        <Server className="mt-0.5 size-5 shrink-0 text-slate-600" aria-hidden />
        <div className="min-w-0 space-y-1">
          {t.kind === "cluster" && (
            <p className="font-medium text-slate-900" data-testid="target">
              {tr("cluster")} <span className="break-all font-mono">{t.location}</span>
              {t.version && <span className="text-slate-600"> · Kubernetes {t.version}</span>}
            </p>
          )}
          {t.source && <p className="text-slate-600">{tr("credentials", { source: t.source })}{t.user ? tr("knownAs", { user: t.user }) : ""}</p>}
          {t.problem && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700 ring-1 ring-red-200">
              {t.problem}
            </p>
          )}
          {t.checkedAt && <p className="text-xs text-slate-600">{tr("checked", { when: f.dateTime(new Date(t.checkedAt)) })}</p>}
        </div>
      </div>
    </Card>
  );
}
