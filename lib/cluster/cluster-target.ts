/**
 * Pushing to a real API server with server-side apply (field manager `e2x-portal`):
 * plan = SSA dry run per object compared with the live object, plus the portal-labelled
 * objects that are no longer desired; apply = SSA per object, one by one, then prune.
 */
import { objectPath, type ClusterConnection } from "./connection";
import { diffObjects, refKey } from "./diff";
import { ClusterError, conflictsOf, isFatal, toErrorInfo } from "./errors";
import { matchesSelector, prepareObjects, pruneScopeOf, type PreparedObject } from "./objects";
import {
  FIELD_MANAGER,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  type ApplyItem,
  type ApplyOptions,
  type KubeObject,
  type ObjectRef,
  type PlanItem,
  type PushOptions,
  type PushPlan,
  type PushResult,
} from "./types";
import { summarize } from "./summary";

const APPLY_PATCH = "application/apply-patch+yaml";
const REDACTED_ERROR = { kind: "invalid" as const, message: "This plan item was redacted; plan again to apply it." };

type LiveObject = KubeObject & { metadata: KubeObject["metadata"] & { uid?: string; resourceVersion?: string } };

async function readLive(conn: ClusterConnection, desired: KubeObject): Promise<LiveObject | null> {
  const info = await conn.resource(desired.apiVersion, desired.kind);
  try {
    const r = await conn.request<LiveObject>("GET", objectPath(info, desired.metadata.namespace, desired.metadata.name));
    return r.body;
  } catch (e) {
    if (e instanceof ClusterError && e.kind === "not-found") return null;
    throw e;
  }
}

async function serverSideApply(
  conn: ClusterConnection,
  desired: KubeObject,
  opts: { fieldManager: string; dryRun: boolean; force: boolean },
): Promise<{ status: number; body: LiveObject }> {
  const info = await conn.resource(desired.apiVersion, desired.kind);
  const path = objectPath(info, desired.metadata.namespace, desired.metadata.name);
  return conn.request<LiveObject>("PATCH", path, {
    query: {
      fieldManager: opts.fieldManager,
      force: opts.force,
      dryRun: opts.dryRun ? "All" : undefined,
      // A misspelt field is an error, not silently dropped.
      fieldValidation: "Strict",
    },
    body: desired,
    contentType: APPLY_PATCH,
  });
}

interface PruneCandidate {
  ref: ObjectRef;
  uid?: string;
  resourceVersion?: string;
}

async function findPrunable(
  conn: ClusterConnection,
  desiredKeys: Set<string>,
  scope: NonNullable<ReturnType<typeof pruneScopeOf>>,
): Promise<{ candidates: PruneCandidate[]; errors: PlanItem[] }> {
  const candidates: PruneCandidate[] = [];
  const errors: PlanItem[] = [];
  for (const ns of scope.namespaces) {
    for (const k of scope.kinds) {
      try {
        const info = await conn.resource(k.apiVersion, k.kind);
        const r = await conn.request<{ items?: LiveObject[] }>("GET", objectPath(info, ns), { query: { labelSelector: scope.selector } });
        for (const item of r.body.items ?? []) {
          // The server filtered by label; check again so nothing unlabelled is ever deleted.
          if (item.metadata?.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) continue;
          if (!matchesSelector(item.metadata.labels, scope.selector)) continue;
          const ref: ObjectRef = { apiVersion: k.apiVersion, kind: k.kind, namespace: ns, name: item.metadata.name };
          if (desiredKeys.has(refKey(ref))) continue;
          candidates.push({ ref, uid: item.metadata.uid, resourceVersion: item.metadata.resourceVersion });
        }
      } catch (e) {
        if (e instanceof ClusterError && isFatal(e)) throw e;
        errors.push({ action: "error", ref: { apiVersion: k.apiVersion, kind: k.kind, namespace: ns, name: "*" }, error: toErrorInfo(e) });
      }
    }
  }
  candidates.sort((a, b) => `${a.ref.namespace}/${a.ref.kind}/${a.ref.name}`.localeCompare(`${b.ref.namespace}/${b.ref.kind}/${b.ref.name}`));
  return { candidates, errors };
}

/**
 * Does a dry run that failed with 404 fail only because this same push creates what the
 * object needs first (its namespace, or the Role a RoleBinding refers to)?
 */
function waitsForPendingCreate(desired: KubeObject, pending: Set<string>): boolean {
  const ns = desired.metadata.namespace;
  if (ns && pending.has(refKey({ apiVersion: "v1", kind: "Namespace", name: ns }))) return true;
  const roleRef = desired.roleRef as { kind?: string; name?: string } | undefined;
  if (desired.kind === "RoleBinding" && roleRef?.kind === "Role" && roleRef.name) {
    return pending.has(refKey({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", namespace: ns, name: roleRef.name }));
  }
  return false;
}

const PENDING_NOTE = "Depends on objects this push creates first; the server validates it on apply.";

async function planOne(conn: ClusterConnection, p: PreparedObject, fieldManager: string, pending: Set<string>): Promise<PlanItem> {
  const { ref, desired } = p;
  try {
    const live = await readLive(conn, desired);
    let would: LiveObject;
    try {
      would = (await serverSideApply(conn, desired, { fieldManager, dryRun: true, force: false })).body;
    } catch (e) {
      if (e instanceof ClusterError && e.kind === "not-found" && !live && waitsForPendingCreate(desired, pending)) {
        return { action: "create", ref, desired, note: PENDING_NOTE };
      }
      throw e;
    }
    if (!live) return { action: "create", ref, desired };
    const liveMeta = { uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion };
    const changes = diffObjects(live, would);
    if (changes.length === 0) return { action: "unchanged", ref, desired, live: liveMeta };
    return { action: "change", ref, desired, changes, live: liveMeta };
  } catch (e) {
    if (!(e instanceof ClusterError)) return { action: "error", ref, desired, error: toErrorInfo(e) };
    if (isFatal(e)) throw e;
    if (e.kind === "conflict" && conflictsOf(e).length > 0) {
      return { action: "conflict", ref, desired, conflicts: conflictsOf(e), error: e.toJSON() };
    }
    return { action: "error", ref, desired, error: e.toJSON() };
  }
}

/**
 * Plans a push: what server-side apply would do to each object, and which portal-owned
 * objects would be pruned. Throws ClusterError when the API server is unreachable or rejects
 * the credentials; per-object refusals (403, 409, 422) become plan items.
 */
export async function planClusterPush(conn: ClusterConnection, objects: readonly KubeObject[], opts: PushOptions = {}): Promise<PushPlan> {
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const { objects: prepared, rejected } = prepareObjects(objects, opts);
  const items: PlanItem[] = rejected.map((r) => ({ action: "error", ref: r.ref, desired: r.desired, error: r.error }));

  const pending = new Set<string>(); // refKeys of objects this push creates
  for (const p of prepared) {
    const item = await planOne(conn, p, fieldManager, pending);
    if (item.action === "create") pending.add(p.key);
    items.push(item);
  }

  const scope = pruneScopeOf(prepared, opts);
  if (scope) {
    const { candidates, errors } = await findPrunable(conn, new Set(prepared.map((p) => p.key)), scope);
    for (const c of candidates) items.push({ action: "prune", ref: c.ref, live: { uid: c.uid, resourceVersion: c.resourceVersion } });
    items.push(...errors);
  }
  return {
    target: "cluster",
    location: conn.server,
    fieldManager,
    pruneScope: scope ? { namespaces: scope.namespaces, selector: scope.selector } : null,
    items,
    summary: summarize(items),
    createdAt: new Date().toISOString(),
  };
}

function isPlan(x: unknown): x is PushPlan {
  return !!x && typeof x === "object" && !Array.isArray(x) && Array.isArray((x as PushPlan).items);
}

/**
 * Applies a plan (or objects) one object at a time. Per-object refusals are reported and the
 * push goes on; when the API server goes away or rejects the credentials, the push stops and
 * `applied` lists exactly the objects written before that. Running it again converges.
 */
export async function applyClusterPush(
  conn: ClusterConnection,
  input: PushPlan | readonly KubeObject[],
  opts: ApplyOptions,
): Promise<PushResult> {
  const startedAt = new Date().toISOString();
  const fieldManager = opts.fieldManager ?? (isPlan(input) ? input.fieldManager : FIELD_MANAGER);
  const items: ApplyItem[] = [];
  const applied: ObjectRef[] = [];
  let aborted: PushResult["aborted"];

  // Work list: desired objects in apply order, then prune candidates.
  type Work = { kind: "apply"; ref: ObjectRef; desired: KubeObject } | { kind: "prune"; ref: ObjectRef; uid?: string };
  const work: Work[] = [];
  if (isPlan(input)) {
    for (const it of input.items) {
      if (it.action === "prune") work.push({ kind: "prune", ref: it.ref, uid: it.live?.uid });
      else if (it.redacted) items.push({ action: "error", ref: it.ref, error: REDACTED_ERROR });
      else if (it.desired && !(it.action === "error" && it.error?.kind === "invalid" && !it.error.status)) {
        work.push({ kind: "apply", ref: it.ref, desired: it.desired });
      } else items.push({ action: "error", ref: it.ref, error: it.error });
    }
    work.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "apply" ? -1 : 1));
  } else {
    const { objects: prepared, rejected } = prepareObjects(input, opts);
    for (const r of rejected) items.push({ action: "error", ref: r.ref, error: r.error });
    for (const p of prepared) work.push({ kind: "apply", ref: p.ref, desired: p.desired });
    const scope = opts.prune ? pruneScopeOf(prepared, opts) : null;
    if (scope) {
      try {
        const { candidates, errors } = await findPrunable(conn, new Set(prepared.map((p) => p.key)), scope);
        for (const c of candidates) work.push({ kind: "prune", ref: c.ref, uid: c.uid });
        for (const e of errors) items.push({ action: "error", ref: e.ref, error: e.error });
      } catch (e) {
        aborted = toErrorInfo(e);
      }
    }
  }

  for (const w of work) {
    if (aborted) {
      items.push({ action: "skipped", ref: w.ref });
      continue;
    }
    if (w.kind === "prune" && !opts.prune) {
      items.push({ action: "skipped", ref: w.ref });
      continue;
    }
    try {
      if (w.kind === "apply") {
        // Read the object now (not from the plan, which may be stale) so that "unchanged"
        // and `applied` say exactly whether this push wrote it.
        const prevRv = (await readLive(conn, w.desired))?.metadata.resourceVersion ?? null;
        const r = await serverSideApply(conn, w.desired, { fieldManager, dryRun: false, force: !!opts.forceConflicts });
        const rv = r.body.metadata?.resourceVersion;
        const action = r.status === 201 ? "created" : prevRv === rv ? "unchanged" : "configured";
        items.push({ action, ref: w.ref, resourceVersion: rv });
        if (action !== "unchanged") applied.push(w.ref);
      } else {
        const info = await conn.resource(w.ref.apiVersion, w.ref.kind);
        try {
          await conn.request("DELETE", objectPath(info, w.ref.namespace, w.ref.name), {
            body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", ...(w.uid ? { preconditions: { uid: w.uid } } : {}) },
          });
          items.push({ action: "pruned", ref: w.ref });
          applied.push(w.ref);
        } catch (e) {
          if (e instanceof ClusterError && e.kind === "not-found") items.push({ action: "unchanged", ref: w.ref });
          else throw e;
        }
      }
    } catch (e) {
      if (e instanceof ClusterError && isFatal(e)) {
        aborted = e.toJSON();
        items.push({ action: "error", ref: w.ref, error: e.toJSON() });
        continue;
      }
      if (e instanceof ClusterError && e.kind === "conflict" && conflictsOf(e).length > 0) {
        items.push({ action: "conflict", ref: w.ref, conflicts: conflictsOf(e), error: e.toJSON() });
        continue;
      }
      items.push({ action: "error", ref: w.ref, error: toErrorInfo(e) });
    }
  }

  const ok = !aborted && items.every((i) => i.action !== "error" && i.action !== "conflict");
  return { target: "cluster", location: conn.server, items, applied, aborted, ok, startedAt, finishedAt: new Date().toISOString() };
}
