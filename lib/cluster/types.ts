/** Shapes shared by the cluster target (a real API server) and the export target (YAML files). */

import { LABEL_HUB, LABEL_MANAGED_BY, MANAGED_BY, type KubeObject, type ObjectMeta } from "../render/kube";
import type { HubName } from "../render/model";

/** The object shape is the renderer's: what lib/render produces is what lib/cluster pushes. */
export type { KubeObject };
export type KubeObjectMeta = ObjectMeta;

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type { HubName };

/** The field manager the portal applies with. */
export const FIELD_MANAGER = "e2x-portal";

export { LABEL_HUB, LABEL_MANAGED_BY, MANAGED_BY };
export const LABEL_PART_OF = "app.kubernetes.io/part-of";
export const PART_OF = "e2x-hub-portal";
/** Selector of everything the portal owns (and so may prune). */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

/**
 * Namespaced kinds the portal writes, and so lists for pruning. Not Secrets: the portal may
 * not list them (deploy/k8s/rbac.yaml); its one Secret, the exam password Secret, is read and
 * written by name, and rendered always, so it is never pruned.
 */
export const PRUNABLE_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
];

export type ClusterErrorKind =
  | "config" // no usable kubeconfig / in-cluster credentials
  | "unreachable" // connection refused, DNS, reset, timeout
  | "tls" // server certificate not trusted
  | "unauthorized" // 401: credentials rejected (expired, revoked, wrong CA)
  | "forbidden" // 403: authenticated but RBAC says no
  | "not-found"
  | "conflict" // 409
  | "invalid" // 422 and 400: the object was rejected
  | "server" // 5xx and anything else
  | "io"; // export target: file system

export interface ClusterErrorInfo {
  kind: ClusterErrorKind;
  message: string;
  /** HTTP status, when the API server answered. */
  status?: number;
  /** Kubernetes Status.reason (e.g. Invalid, Forbidden, Conflict). */
  reason?: string;
  /** Kubernetes Status.details.causes (field, message). */
  causes?: { field?: string; message?: string; reason?: string }[];
  /**
   * The portal's own sentence as a catalogue key of `clusterErrors` and its values, so people
   * read it in their language (`message` stays English, for logs). Absent for the API server's
   * own messages, which are shown as they came.
   */
  text?: ClusterErrorText;
}

export type ClusterErrorTextKey =
  | "credentialsRejected"
  | "forbidden"
  | "tls"
  | "timeout"
  | "unreachable"
  | "kubeconfigMissing"
  | "credentialsUnreadable"
  | "noServer"
  | "noCredentials"
  | "notServed"
  | "redacted"
  | "anonymous"
  | "exportDiskFull"
  | "exportWrite";

export interface ClusterErrorText {
  key: ClusterErrorTextKey;
  values?: Record<string, string | number>;
}

export interface FieldChange {
  /** e.g. `data.profiles`, `metadata.labels["e2x-portal/hub"]`, `spec.ingress[0].from` */
  path: string;
  /** Absent when the field is added. Secret values are replaced by "(redacted)". */
  before?: unknown;
  /** Absent when the field is removed. */
  after?: unknown;
  /** Set when a long before/after value was shortened to its start, length and digest. */
  truncated?: boolean;
}

export interface FieldConflict {
  /** Field manager that owns the field, e.g. `kubectl-edit`. */
  manager: string;
  /** Field path as the API server reports it, e.g. `.data.key`. */
  field: string;
}

export type PlanAction = "create" | "change" | "unchanged" | "prune" | "conflict" | "error";

export interface PlanItem {
  action: PlanAction;
  ref: ObjectRef;
  /** The desired object with the portal's labels (absent for prune). */
  desired?: KubeObject;
  /** For change. */
  changes?: FieldChange[];
  /** For conflict. */
  conflicts?: FieldConflict[];
  /** For conflict and error. */
  error?: ClusterErrorInfo;
  /** A remark for people, e.g. why a create could not be dry-run. */
  note?: string;
  /** Set by redactPlan when Secret values in `desired` were replaced. */
  redacted?: boolean;
  /** For prune, change and unchanged: what the live object was, to delete exactly that one. */
  live?: { uid?: string; resourceVersion?: string };
  /** Digest of `desired` as it is sent (see objectDigest). */
  digest?: string;
  /**
   * How "unchanged" was found: `remembered` when the live object still has the
   * resourceVersion the portal's last apply of this same desired object got back (no request
   * was needed), `compared` after a dry run.
   */
  checked?: "remembered" | "compared";
}

export type PushTargetKind = "cluster" | "export";

export interface PushSummary {
  create: number;
  change: number;
  unchanged: number;
  prune: number;
  conflict: number;
  error: number;
}

export interface PushPlan {
  target: PushTargetKind;
  /** API server URL or export directory. */
  location: string;
  fieldManager: string;
  /** Namespaces that were searched for objects to prune, and the selector used. */
  pruneScope: { namespaces: string[]; selector: string } | null;
  items: PlanItem[];
  summary: PushSummary;
  createdAt: string;
}

export type ApplyAction =
  | "created"
  | "configured"
  | "unchanged"
  | "pruned"
  | "conflict"
  | "error"
  /** Not attempted because the push stopped before it (see PushResult.aborted). */
  | "skipped";

export interface ApplyItem {
  action: ApplyAction;
  ref: ObjectRef;
  /** resourceVersion after the write, or of the untouched live object (cluster target). */
  resourceVersion?: string;
  uid?: string;
  /** Digest of the desired object this item applied (see objectDigest). */
  digest?: string;
  conflicts?: FieldConflict[];
  error?: ClusterErrorInfo;
}

export interface PushResult {
  target: PushTargetKind;
  location: string;
  items: ApplyItem[];
  /** Refs of the objects that were written or deleted, in order: exactly what changed. */
  applied: ObjectRef[];
  /** Set when the push stopped half-way (e.g. the API server went away). */
  aborted?: ClusterErrorInfo;
  ok: boolean;
  startedAt: string;
  finishedAt: string;
}

/**
 * What the portal last applied to one object and what the API server answered: the digest of
 * the object as sent and the resourceVersion (and uid) it got back. While the live object still
 * has that resourceVersion and the desired object that digest, nothing changed on either side.
 */
export interface AppliedState {
  digest: string;
  resourceVersion: string;
  uid?: string;
}

/** Progress of an apply: called once per object as it is done (written, unchanged, failed or skipped). */
export type ApplyProgress = (item: ApplyItem, progress: { done: number; total: number }) => void;

export interface PushOptions {
  /** Field manager (default `e2x-portal`). */
  fieldManager?: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /**
   * What the portal last applied, by refKey (cluster target): a live object still at the
   * remembered resourceVersion of the same desired digest is unchanged without a request.
   */
  lastApplied?: ReadonlyMap<string, AppliedState>;
  /** Extra labels set on every object (e.g. `{ "e2x-portal/hub": "exam" }`). */
  labels?: Record<string, string>;
  /**
   * Which live objects may be pruned: namespaces (default: those of the desired objects) and
   * an extra label selector ANDed with `app.kubernetes.io/managed-by=e2x-portal`.
   * `false` disables the prune search.
   */
  pruneScope?: false | PruneScope;
}

export interface PruneScope {
  namespaces?: string[];
  /** Extra selector, e.g. `e2x-portal/hub=exam`. */
  selector?: string;
  /** Kinds to search (default PRUNABLE_KINDS). */
  kinds?: readonly { apiVersion: string; kind: string }[];
}

export interface ApplyOptions extends PushOptions {
  /** Take over fields owned by other managers (SSA force). Default false. */
  forceConflicts?: boolean;
  /** Delete the objects to prune. When false, prune items are reported as skipped. */
  prune: boolean;
  onItem?: ApplyProgress;
}
