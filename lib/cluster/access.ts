/** What the portal's own credentials may do, asked of the API server (SelfSubjectAccessReview). */
import type { ClusterConnection } from "./connection";
import { ClusterError, toErrorInfo } from "./errors";
import { PRUNABLE_KINDS, type ClusterErrorInfo } from "./types";

export interface AccessCheck {
  verb: string;
  /** Plural resource, e.g. `configmaps`. */
  resource: string;
  /** API group (`""` for core). */
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface AccessResult extends AccessCheck {
  allowed: boolean;
  /** Why (from the authorizer), when it says. */
  reason?: string;
  /** Set when the review itself could not be made. */
  error?: ClusterErrorInfo;
}

/** Asks the API server, for each check, whether the current credentials may do it. */
export async function selfAccessReview(conn: ClusterConnection, checks: readonly AccessCheck[]): Promise<AccessResult[]> {
  const out: AccessResult[] = [];
  for (const c of checks) {
    const resourceAttributes: Record<string, string> = { verb: c.verb, resource: c.resource, group: c.group ?? "" };
    if (c.namespace) resourceAttributes.namespace = c.namespace;
    if (c.name) resourceAttributes.name = c.name;
    if (c.subresource) resourceAttributes.subresource = c.subresource;
    try {
      const r = await conn.request<{ status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string } }>(
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        { body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes } } },
      );
      const st = r.body.status ?? {};
      const res: AccessResult = { ...c, allowed: st.allowed === true };
      const reason = st.reason || st.evaluationError;
      if (reason) res.reason = reason;
      out.push(res);
    } catch (e) {
      if (e instanceof ClusterError && (e.kind === "unreachable" || e.kind === "unauthorized" || e.kind === "tls")) throw e;
      out.push({ ...c, allowed: false, error: toErrorInfo(e) });
    }
  }
  return out;
}

const RESOURCE_OF: Record<string, { resource: string; group: string }> = {
  ConfigMap: { resource: "configmaps", group: "" },
  Secret: { resource: "secrets", group: "" },
  ServiceAccount: { resource: "serviceaccounts", group: "" },
  NetworkPolicy: { resource: "networkpolicies", group: "networking.k8s.io" },
  Role: { resource: "roles", group: "rbac.authorization.k8s.io" },
  RoleBinding: { resource: "rolebindings", group: "rbac.authorization.k8s.io" },
};

/** Every verb on every kind the portal writes, in each hub namespace: what a push needs. */
export function portalAccessChecks(namespaces: readonly string[]): AccessCheck[] {
  const checks: AccessCheck[] = [];
  for (const namespace of namespaces) {
    for (const k of PRUNABLE_KINDS) {
      const r = RESOURCE_OF[k.kind];
      if (!r) continue;
      for (const verb of ["get", "list", "create", "patch", "delete"]) checks.push({ verb, ...r, namespace });
    }
  }
  return checks;
}
