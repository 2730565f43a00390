/**
 * Lets the hub read the portal's profile ConfigMaps at spawn time.
 *
 * Why ConfigMaps plus a Role rather than Secrets (which Z2JH's hub Role can already read):
 * the profile data is configuration, not a credential; keeping it out of Secrets keeps the
 * hub namespace's Secrets to real credentials, lets operators read it with `kubectl get cm`,
 * avoids base64 growth (a third) against the 1 MiB object limit, and the extra grant is
 * read-only on one resource type in one namespace. RBAC cannot filter by label, and shard
 * names carry a content digest, so `resourceNames` cannot pin them: get/list/watch on
 * ConfigMaps in the hub namespace is the narrowest rule that works.
 */
import type { Hub } from "./model";
import { type KubeObject, hubLabels } from "./kube";

export const HUB_SERVICE_ACCOUNT = "hub";
export const PROFILE_READER_ROLE = "e2x-portal-profile-reader";

export function renderHubRbac(hub: Hub): KubeObject[] {
  const labels = hubLabels(hub.name);
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: PROFILE_READER_ROLE, namespace: hub.namespace, labels },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: PROFILE_READER_ROLE, namespace: hub.namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: PROFILE_READER_ROLE },
      subjects: [{ kind: "ServiceAccount", name: HUB_SERVICE_ACCOUNT, namespace: hub.namespace }],
    },
  ];
}
