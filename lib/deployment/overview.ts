/** What the cluster page shows about the target: where it is, whether it answers, what the portal may do there. */
import { clusterStatus, isFatalKind, portalAccessChecks, rulesAccessReview, type AccessResult, type ClusterConnection, type ClusterErrorInfo, type ClusterStatus, type PushTarget } from "@/lib/cluster";
import { errorInfoOf, explainClusterError } from "./errors";
import type { AccessView, TargetView } from "./views";

/** The target as the page shows it; for a cluster, after asking it who and what it is. */
export async function targetView(resolved: { target: PushTarget } | { error: ClusterErrorInfo }): Promise<{ view: TargetView; status: ClusterStatus | null }> {
  if ("error" in resolved) return { view: { kind: "broken", location: "", problem: explainClusterError(resolved.error), problemKind: resolved.error.kind }, status: null };
  const t = resolved.target;
  if (t.kind === "export") return { view: { kind: "export", location: t.dir }, status: null };
  const status = await clusterStatus(t.connection);
  const view: TargetView = { kind: "cluster", location: t.connection.server, source: t.connection.source, checkedAt: status.checkedAt };
  if (status.version) view.version = status.version;
  if (status.user?.username) view.user = status.user.username;
  if (status.error) {
    view.problem = explainClusterError(status.error);
    view.problemKind = status.error.kind;
  }
  return { view, status };
}

/** Can the cluster be asked anything (access, dry runs) with these credentials? */
export function usable(status: ClusterStatus): boolean {
  return status.reachable && (!status.error || !isFatalKind(status.error.kind));
}

/** Access results as a matrix: one row per namespace and resource, one column per verb. */
export function accessMatrix(results: readonly AccessResult[]): NonNullable<AccessView["matrix"]> {
  const verbs = [...new Set(results.map((r) => r.verb))];
  const rows = new Map<string, NonNullable<AccessView["matrix"]>["rows"][number]>();
  for (const r of results) {
    const key = `${r.namespace}|${r.group}|${r.resource}|${r.name ?? ""}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { namespace: r.namespace ?? "", resource: r.group ? `${r.resource}.${r.group}` : r.resource, ...(r.name ? { name: r.name } : {}), cells: {} }));
    row.cells[r.verb] = { allowed: r.allowed, ...(r.error || r.reason ? { why: r.error?.message ?? r.reason } : {}) };
  }
  return { verbs, rows: [...rows.values()], denied: results.filter((r) => !r.allowed).length };
}

export const ACCESS_METHOD = "one SelfSubjectRulesReview per namespace";

/** What a push needs in each hub namespace, asked of the API server. */
export async function accessView(conn: ClusterConnection, namespaces: readonly string[]): Promise<AccessView> {
  const method = ACCESS_METHOD;
  try {
    return { matrix: accessMatrix(await rulesAccessReview(conn, portalAccessChecks(namespaces))), method };
  } catch (e) {
    return { matrix: null, method, problem: explainClusterError(errorInfoOf(e)) };
  }
}
