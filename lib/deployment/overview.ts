/** What the cluster page shows about the target: where it is, whether it answers, what the portal may do there. */
import { clusterStatus, portalAccessChecks, selfAccessReview, type AccessResult, type ClusterStatus } from "@/lib/cluster";
import { explainClusterError } from "./errors";
import { closeTarget, safeResolveTarget } from "./push";

export interface TargetOverview {
  kind: "cluster" | "export" | "broken";
  /** API server URL or export directory. */
  location: string;
  source?: string;
  status?: ClusterStatus;
  /** One sentence for people when something is wrong. */
  problem?: string;
  problemKind?: string;
  access?: AccessResult[];
}

export async function targetOverview(namespaces: string[], { access = true }: { access?: boolean } = {}): Promise<TargetOverview> {
  const resolved = safeResolveTarget();
  if ("error" in resolved) return { kind: "broken", location: "", problem: explainClusterError(resolved.error), problemKind: resolved.error.kind };
  const t = resolved.target;
  if (t.kind === "export") return { kind: "export", location: t.dir };
  try {
    const status = await clusterStatus(t.connection);
    const out: TargetOverview = { kind: "cluster", location: t.connection.server, source: t.connection.source, status };
    if (status.error) {
      out.problem = explainClusterError(status.error);
      out.problemKind = status.error.kind;
    }
    if (access && status.reachable && (!status.error || status.error.kind === "forbidden")) {
      try {
        out.access = await selfAccessReview(t.connection, portalAccessChecks(namespaces));
      } catch (e) {
        out.problem ??= e instanceof Error ? e.message : String(e);
      }
    }
    return out;
  } finally {
    closeTarget(t);
  }
}

/** Access results as a matrix: one row per namespace and resource, one column per verb. */
export function accessMatrix(results: readonly AccessResult[]) {
  const verbs = [...new Set(results.map((r) => r.verb))];
  const rows = new Map<string, { namespace: string; resource: string; group: string; cells: Record<string, AccessResult> }>();
  for (const r of results) {
    const key = `${r.namespace}|${r.group}|${r.resource}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { namespace: r.namespace ?? "", resource: r.resource, group: r.group ?? "", cells: {} }));
    row.cells[r.verb] = r;
  }
  return { verbs, rows: [...rows.values()], denied: results.filter((r) => !r.allowed).length };
}
