/**
 * lib/cluster: the only code in the portal that talks to Kubernetes.
 *
 * Pushes go render -> planPush (one metadata LIST per kind and namespace; a server-side-apply dry
 * run and diff of what may have changed; prune candidates from the same LISTs) -> applyPush
 * (server-side apply phase by phase with bounded concurrency, then prune). With no cluster
 * configured, the same calls write YAML files under the export directory. Nothing here touches
 * the database: the caller stores plans, results and what was applied (`lastApplied`,
 * appliedStateChanges).
 */
import "server-only";
import { applyClusterPush, planClusterPush } from "./cluster-target";
import { configuredCluster, connectCluster, type ClusterConnection, type ConnectOptions } from "./connection";
import { toErrorInfo } from "./errors";
import { applyExportPush, defaultExportDir, planExportPush } from "./export-target";
import { clusterStatus, type ClusterStatus } from "./status";
import type { ApplyOptions, KubeObject, PushOptions, PushPlan, PushResult } from "./types";

export * from "./types";
export { ClusterError, isClusterError, isFatalKind } from "./errors";
export {
  connectCluster,
  configuredCluster,
  objectPath,
  type ClusterConnection,
  type ConnectOptions,
  type ResourceInfo,
  type RequestOptions,
  type ApiResponse,
} from "./connection";
export { clusterStatus, type ClusterStatus } from "./status";
export { selfAccessReview, rulesAccessReview, portalAccessChecks, type AccessCheck, type AccessResult } from "./access";
export { diffObjects, normalizeObject, redactPlan, refKey, refString, REDACTED } from "./diff";
export { portalLabels, withPortalLabels, kindRank, applyPhase, objectDigest } from "./objects";
export { appliedStateChanges } from "./applied";
export { OK_ACTIONS, outcomeOf } from "./summary";
export { defaultExportDir, exportPath, toYaml, toYamlBundle, parseYamlBundle } from "./export-target";
export { planClusterPush, applyClusterPush } from "./cluster-target";
export {
  HUB_DEPLOYMENT,
  SINGLEUSER_SELECTOR,
  countSingleuserPods,
  readHubDeployment,
  setHubTemplateAnnotations,
  type HubDeployment,
} from "./workloads";
export { planExportPush, applyExportPush } from "./export-target";

/** Where a push goes: a live cluster or the export directory. */
export type PushTarget = { kind: "cluster"; connection: ClusterConnection } | { kind: "export"; dir: string };

/**
 * The target configured by the environment: KUBECONFIG or the in-cluster ServiceAccount,
 * else the export directory `${E2X_DATA_DIR:-.data}/export` (E2X_CLUSTER_TARGET=export forces it).
 */
export function resolveTarget(env: NodeJS.ProcessEnv = process.env, connect: ConnectOptions | null = configuredCluster(env)): PushTarget {
  if (connect) return { kind: "cluster", connection: connectCluster(connect) };
  return { kind: "export", dir: defaultExportDir(env) };
}

/**
 * Status of the cluster the environment configures (KUBECONFIG / in-cluster), for the
 * portal's cluster page: `configured: false` means pushes go to the export directory; bad
 * credentials files come back as a `config` error rather than a throw.
 */
export async function currentClusterStatus(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ClusterStatus & { configured: boolean; exportDir?: string }> {
  const connect = configuredCluster(env);
  const checkedAt = new Date().toISOString();
  if (!connect) return { configured: false, reachable: false, server: "", source: "none", exportDir: defaultExportDir(env), checkedAt };
  let conn: ClusterConnection;
  try {
    conn = connectCluster(connect);
  } catch (e) {
    return { configured: true, reachable: false, server: "", source: connect.kubeconfigPath ?? (connect.inCluster ? "in-cluster" : "kubeconfig"), error: toErrorInfo(e), checkedAt };
  }
  try {
    return { configured: true, ...(await clusterStatus(conn)) };
  } finally {
    conn.close();
  }
}

/** Plans a push to `opts.target` (default: resolveTarget()). */
export async function planPush(objects: readonly KubeObject[], opts: PushOptions & { target?: PushTarget } = {}): Promise<PushPlan> {
  const target = opts.target ?? resolveTarget();
  return target.kind === "cluster" ? planClusterPush(target.connection, objects, opts) : planExportPush(target.dir, objects, opts);
}

/** Applies a plan (or objects directly) to `opts.target` (default: resolveTarget()). */
export async function applyPush(
  input: PushPlan | readonly KubeObject[],
  opts: ApplyOptions & { target?: PushTarget },
): Promise<PushResult> {
  const target = opts.target ?? resolveTarget();
  if (!Array.isArray(input) && (input as PushPlan).target !== target.kind) {
    throw new Error(`This plan was made for the ${(input as PushPlan).target} target, not the ${target.kind} target.`);
  }
  return target.kind === "cluster" ? applyClusterPush(target.connection, input, opts) : applyExportPush(target.dir, input, opts);
}
