/** Minimal Kubernetes object typing for rendered manifests. */
import type { HubName } from "./model";

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "e2x-portal";
export const LABEL_HUB = "e2x-portal/hub";
/** Which part of a hub's profile data a ConfigMap holds: `index`, or a shard. */
export const LABEL_PART = "e2x-portal/part";

/** Labels on every object the portal renders for a hub. */
export function hubLabels(hub: HubName): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_HUB]: hub };
}

/**
 * Apply order: namespaces, identities and RBAC before the objects that rely on them, then
 * policies, then data; within a kind, the renderer's order is kept.
 */
const KIND_ORDER = [
  "Namespace",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "NetworkPolicy",
  "ConfigMap",
  "Secret",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
];

export function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}

/**
 * Apply phase of an object: every object of a phase may be written at the same time, a phase
 * only after the one before it is done. One phase per kind in KIND_ORDER (RBAC before what
 * needs it); a profile index after its shards, so that a hub never reads an index naming a
 * shard that is not there yet.
 */
export function applyPhase(obj: Pick<KubeObject, "kind"> & { metadata?: Pick<ObjectMeta, "labels"> }): number {
  return kindRank(obj.kind) * 2 + (obj.metadata?.labels?.[LABEL_PART] === "index" ? 1 : 0);
}
