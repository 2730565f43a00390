/**
 * What the portal's own credentials may do, asked of the API server: one
 * SelfSubjectRulesReview per namespace (the rules that apply there, checked here), or one
 * SelfSubjectAccessReview per check where the rules cannot say (an authorizer that does not
 * list its rules).
 */
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

/**
 * Every verb on every kind the portal writes, in each hub namespace, and the hub restart's
 * rights: what a push needs. Secrets only as the portal writes them: `secrets` names its own
 * Secrets (the exam password Secret), each created in its namespace and read, changed and
 * deleted by name.
 */
export function portalAccessChecks(namespaces: readonly string[], secrets: readonly { namespace: string; name: string }[] = []): AccessCheck[] {
  const checks: AccessCheck[] = [];
  for (const namespace of namespaces) {
    for (const k of PRUNABLE_KINDS) {
      const r = RESOURCE_OF[k.kind];
      if (!r) continue;
      for (const verb of ["get", "list", "create", "patch", "delete"]) checks.push({ verb, ...r, namespace });
    }
    // the hub Deployment, by name: read it (drift) and restart the hub (a pod-template annotation)
    for (const verb of ["get", "patch"]) checks.push({ verb, resource: "deployments", group: "apps", name: "hub", namespace });
    // the singleuser servers a restart leaves running
    checks.push({ verb: "list", resource: "pods", group: "", namespace });
  }
  for (const s of secrets) {
    checks.push({ verb: "create", ...RESOURCE_OF.Secret, namespace: s.namespace });
    for (const verb of ["get", "patch", "delete"]) checks.push({ verb, ...RESOURCE_OF.Secret, namespace: s.namespace, name: s.name });
  }
  return checks;
}

interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** Does one RBAC-style rule allow the check? (`*` matches anything; named rules only named checks.) */
function ruleAllows(rule: ResourceRule, c: AccessCheck): boolean {
  const has = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));
  const resource = c.subresource ? `${c.resource}/${c.subresource}` : c.resource;
  if (!has(rule.verbs, c.verb) || !has(rule.apiGroups, c.group ?? "")) return false;
  if (!has(rule.resources, resource) && !(c.subresource && rule.resources?.includes(`*/${c.subresource}`))) return false;
  if (rule.resourceNames?.length) return !!c.name && rule.resourceNames.includes(c.name);
  return true;
}

/**
 * The same answers as selfAccessReview, with one SelfSubjectRulesReview per namespace instead
 * of one review per check. Where the rules review is incomplete (an authorizer that cannot list
 * its rules) and no rule allows a check, that check is asked one by one.
 */
export async function rulesAccessReview(conn: ClusterConnection, checks: readonly AccessCheck[]): Promise<AccessResult[]> {
  const namespaces = [...new Set(checks.map((c) => c.namespace ?? ""))];
  const reviews = new Map<string, { rules: ResourceRule[]; incomplete: boolean; error?: ClusterErrorInfo }>();
  await Promise.all(
    namespaces.map(async (namespace) => {
      try {
        const r = await conn.request<{ status?: { resourceRules?: ResourceRule[]; incomplete?: boolean; evaluationError?: string } }>(
          "POST",
          "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
          { body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: namespace || "default" } } },
        );
        const st = r.body.status ?? {};
        reviews.set(namespace, { rules: st.resourceRules ?? [], incomplete: !!st.incomplete || !!st.evaluationError });
      } catch (e) {
        if (e instanceof ClusterError && (e.kind === "unreachable" || e.kind === "unauthorized" || e.kind === "tls")) throw e;
        reviews.set(namespace, { rules: [], incomplete: true, error: toErrorInfo(e) });
      }
    }),
  );
  const out: AccessResult[] = [];
  const unsure: number[] = [];
  for (const c of checks) {
    const review = reviews.get(c.namespace ?? "")!;
    const rule = review.rules.find((r) => ruleAllows(r, c));
    if (rule) out.push({ ...c, allowed: true, reason: `allowed by a rule for ${(rule.verbs ?? []).join(",")} on ${(rule.resources ?? []).join(",")}` });
    else {
      out.push({ ...c, allowed: false, reason: "no rule of the portal's account allows it" });
      if (review.incomplete) unsure.push(out.length - 1);
    }
  }
  if (unsure.length) {
    const asked = await selfAccessReview(conn, unsure.map((i) => checks[i]));
    unsure.forEach((i, k) => (out[i] = asked[k]));
  }
  return out;
}
