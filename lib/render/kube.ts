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
