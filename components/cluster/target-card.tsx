import { FolderOutput, Server } from "lucide-react";
import { formatDateTime } from "@/components/format";
import { Badge, Card } from "@/components/ui/card";
import type { TargetView } from "@/lib/deployment/views";

const PROBLEM_TITLE: Record<string, string> = {
  unreachable: "Cluster unreachable",
  tls: "Certificate not trusted",
  unauthorized: "Credentials rejected or expired",
  forbidden: "Forbidden",
  config: "No usable credentials",
};

/** Where pushes go: the export directory, or a cluster with its version and the portal's identity there. */
export function TargetCard({ target: t }: { target: TargetView }) {
  if (t.kind === "export") {
    return (
      <Card title="Target" description="No cluster is configured (no KUBECONFIG, not running in a cluster).">
        <div className="flex items-start gap-3">
          <FolderOutput className="mt-0.5 size-5 shrink-0 text-slate-600" aria-hidden />
          <div className="text-sm">
            <p className="font-medium text-slate-900" data-testid="target">
              Export target: <span className="font-mono">{t.location}</span>
            </p>
            <p className="mt-1 text-slate-600">A push writes one YAML file per object there, compares with what is there and deletes what the portal no longer renders. Apply them with <code className="font-mono">kubectl apply --server-side</code>, or set KUBECONFIG to push directly.</p>
          </div>
        </div>
      </Card>
    );
  }
  const ok = t.kind === "cluster" && !t.problem;
  return (
    <Card title="Target" actions={<Badge tone={ok ? "green" : "red"}>{ok ? "Connected" : PROBLEM_TITLE[t.problemKind ?? ""] ?? "Problem"}</Badge>}>
      <div className="flex items-start gap-3 text-sm">
        <Server className="mt-0.5 size-5 shrink-0 text-slate-600" aria-hidden />
        <div className="min-w-0 space-y-1">
          {t.kind === "cluster" && (
            <p className="font-medium text-slate-900" data-testid="target">
              Cluster <span className="font-mono">{t.location}</span>
              {t.version && <span className="text-slate-600"> · Kubernetes {t.version}</span>}
            </p>
          )}
          {t.source && <p className="text-slate-600">Credentials: {t.source}{t.user ? ` · the API server knows the portal as ${t.user}` : ""}</p>}
          {t.problem && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700 ring-1 ring-red-200">
              {t.problem}
            </p>
          )}
          {t.checkedAt && <p className="text-xs text-slate-600">Checked {formatDateTime(new Date(t.checkedAt))}</p>}
        </div>
      </div>
    </Card>
  );
}
