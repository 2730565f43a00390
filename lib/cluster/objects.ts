/** Preparing desired objects for a push: labels, validation of the basic shape, order. */
import { createHash } from "node:crypto";
import { refKey, refOf } from "./diff";
import {
  LABEL_HUB,
  LABEL_MANAGED_BY,
  LABEL_PART_OF,
  MANAGED_BY,
  MANAGED_SELECTOR,
  PART_OF,
  PRUNABLE_KINDS,
  type ClusterErrorInfo,
  type HubName,
  type KubeObject,
  type ObjectRef,
  type PushOptions,
} from "./types";

/** The labels the portal sets on everything it writes (plus the hub label when given). */
export function portalLabels(hub?: HubName): Record<string, string> {
  const labels: Record<string, string> = { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_PART_OF]: PART_OF };
  if (hub) labels[LABEL_HUB] = hub;
  return labels;
}

/** A deep copy of obj carrying the portal's labels and `extra`. */
export function withPortalLabels(obj: KubeObject, extra: Record<string, string> = {}): KubeObject {
  const copy = structuredClone(obj);
  copy.metadata = { ...copy.metadata, labels: { ...(copy.metadata.labels ?? {}), ...extra, ...portalLabels() } };
  return copy;
}

import { applyPhase, kindRank } from "../render/kube";
import { stableJson } from "../render/stable";

export { applyPhase, kindRank };

/** Digest of an object as the portal sends it (keys sorted): what `lastApplied` remembers. */
export function objectDigest(obj: KubeObject): string {
  return createHash("sha256").update(stableJson(obj)).digest("hex");
}

export interface PreparedObject {
  ref: ObjectRef;
  key: string;
  desired: KubeObject;
}

export interface Preparation {
  objects: PreparedObject[];
  /** Objects rejected before anything was sent (bad shape, duplicates). */
  rejected: { ref: ObjectRef; desired?: KubeObject; error: ClusterErrorInfo }[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function prepareObjects(objects: readonly KubeObject[], opts: PushOptions = {}): Preparation {
  const seen = new Set<string>();
  const prepared: PreparedObject[] = [];
  const rejected: Preparation["rejected"] = [];
  for (const obj of objects) {
    const ref: ObjectRef = {
      apiVersion: String(obj?.apiVersion ?? ""),
      kind: String(obj?.kind ?? ""),
      name: String(obj?.metadata?.name ?? ""),
    };
    if (obj?.metadata?.namespace) ref.namespace = obj.metadata.namespace;
    const problems: string[] = [];
    if (!ref.apiVersion) problems.push("apiVersion is missing");
    if (!ref.kind) problems.push("kind is missing");
    if (!ref.name) problems.push("metadata.name is missing");
    else if (ref.name.length > 253 || !DNS_SUBDOMAIN.test(ref.name)) problems.push(`metadata.name "${ref.name}" is not a valid name`);
    if (problems.length) {
      rejected.push({ ref, desired: obj, error: { kind: "invalid", message: problems.join("; ") } });
      continue;
    }
    const key = refKey(ref);
    if (seen.has(key)) {
      rejected.push({ ref, desired: obj, error: { kind: "invalid", message: `${ref.kind} ${ref.namespace ?? ""}/${ref.name} is given twice` } });
      continue;
    }
    seen.add(key);
    const desired = withPortalLabels(obj, opts.labels);
    prepared.push({ ref: refOf(desired), key, desired });
  }
  prepared.sort((a, b) => kindRank(a.ref.kind) - kindRank(b.ref.kind));
  return { objects: prepared, rejected };
}

/** The prune scope of a push: namespaces, selector and kinds (null when pruning is off). */
export function pruneScopeOf(
  prepared: readonly PreparedObject[],
  opts: PushOptions,
): { namespaces: string[]; selector: string; kinds: readonly { apiVersion: string; kind: string }[] } | null {
  if (opts.pruneScope === false) return null;
  const scope = opts.pruneScope ?? {};
  const namespaces = scope.namespaces ?? [...new Set(prepared.map((p) => p.ref.namespace).filter((n): n is string => !!n))];
  const selector = scope.selector ? `${MANAGED_SELECTOR},${scope.selector}` : MANAGED_SELECTOR;
  return { namespaces: [...namespaces].sort(), selector, kinds: scope.kinds ?? PRUNABLE_KINDS };
}

/** Does a label map satisfy a simple equality selector (`a=b,c=d`, `a!=b`, `a`)? */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  const l = labels ?? {};
  for (const term of selector.split(",").map((t) => t.trim()).filter(Boolean)) {
    const ne = term.split("!=");
    if (ne.length === 2) {
      if (l[ne[0].trim()] === ne[1].trim()) return false;
      continue;
    }
    const eq = term.split(/==?/);
    if (eq.length === 2) {
      if (l[eq[0].trim()] !== eq[1].trim()) return false;
      continue;
    }
    if (term.startsWith("!")) {
      if (term.slice(1) in l) return false;
    } else if (!(term in l)) return false;
  }
  return true;
}
