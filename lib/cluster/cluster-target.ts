/**
 * Pushing to a real API server with server-side apply (field manager `e2x-portal`).
 *
 * Plan: one metadata-only LIST per kind and namespace shows what exists, at which
 * resourceVersion, and what the portal owns there (the prune candidates). An object the portal
 * applied before (`lastApplied`: the digest it sent, the resourceVersion it got back) that
 * still has that resourceVersion, with the same desired digest, is unchanged without another
 * request. Every other object gets a server-side-apply dry run, compared field by field with
 * the live object, with bounded concurrency: so a change someone else made in between (a new
 * resourceVersion) is still found and shown. An absent object needs no comparison: one apply
 * dry run answering with metadata only; a large absent ConfigMap or Secret is checked with a
 * create dry run of its content and an apply dry run of its metadata instead (the same checks,
 * much less work for the API server with a 768 KiB profile shard).
 *
 * Apply: phase by phase (applyPhase: namespaces, RBAC, policies, profile shards, then the
 * index), the objects of a phase with bounded concurrency; unchanged objects are not sent, and
 * the answers carry metadata only (the resourceVersion to remember).
 * When the API server goes away or rejects the credentials, nothing more is started, and the
 * result lists exactly what was written.
 */
import { objectPath, type ClusterConnection } from "./connection";
import { diffObjects, refKey } from "./diff";
import { ClusterError, conflictsOf, isFatal, toErrorInfo } from "./errors";
import { DEFAULT_CONCURRENCY, mapLimit } from "./limit";
import { applyPhase, matchesSelector, objectDigest, prepareObjects, pruneScopeOf, type PreparedObject } from "./objects";
import {
  FIELD_MANAGER,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  type ApplyItem,
  type ApplyOptions,
  type AppliedState,
  type ClusterErrorInfo,
  type KubeObject,
  type ObjectRef,
  type PlanItem,
  type PushOptions,
  type PushPlan,
  type PushResult,
} from "./types";
import { summarize } from "./summary";

const APPLY_PATCH = "application/apply-patch+yaml";
/** Metadata only: a LIST of Secrets or of 1 MiB profile shards costs a few bytes per object. */
const METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
const REDACTED_ERROR = { kind: "invalid" as const, message: "This plan item was redacted; plan again to apply it.", text: { key: "redacted" as const } };

type LiveObject = KubeObject & { metadata: KubeObject["metadata"] & { uid?: string; resourceVersion?: string } };
/** What a LIST says about one object. */
interface LiveMeta {
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
}

/** One LIST: a kind in a namespace (or cluster-wide). */
interface Listing {
  apiVersion: string;
  kind: string;
  namespace?: string;
  /** name -> metadata; null when the LIST failed (then `error`). */
  objects: Map<string, LiveMeta> | null;
  error?: ClusterErrorInfo;
}

const listingKey = (apiVersion: string, kind: string, namespace: string | undefined) => `${refKey({ apiVersion, kind, name: "" })}@${namespace ?? ""}`;

/** One metadata LIST per kind and namespace; a refused LIST (403 ...) is reported, a fatal error thrown. */
async function listLive(conn: ClusterConnection, wanted: readonly { apiVersion: string; kind: string; namespace?: string }[], concurrency: number): Promise<Map<string, Listing>> {
  const unique = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  for (const w of wanted) unique.set(listingKey(w.apiVersion, w.kind, w.namespace), w);
  const out = new Map<string, Listing>();
  await mapLimit([...unique.entries()], concurrency, async ([key, w]) => {
    const listing: Listing = { ...w, objects: null };
    try {
      const info = await conn.resource(w.apiVersion, w.kind);
      const r = await conn.request<{ items?: { metadata: { name: string } & LiveMeta }[] }>("GET", objectPath(info, info.namespaced ? w.namespace : undefined), { accept: METADATA_LIST });
      listing.objects = new Map((r.body.items ?? []).map((i) => [i.metadata.name, { uid: i.metadata.uid, resourceVersion: i.metadata.resourceVersion, labels: i.metadata.labels }]));
    } catch (e) {
      if (e instanceof ClusterError && isFatal(e)) throw e;
      listing.error = toErrorInfo(e);
    }
    out.set(key, listing);
  });
  return out;
}

/**
 * Kinds never listed, read by name instead: the portal may read only its own Secret, by name
 * (deploy/k8s/rbac.yaml); a LIST of Secrets would be refused, and would name the hubs' own.
 */
const READ_BY_NAME = new Set([refKey({ apiVersion: "v1", kind: "Secret", name: "" })]);
const readByName = (ref: ObjectRef) => READ_BY_NAME.has(refKey({ apiVersion: ref.apiVersion, kind: ref.kind, name: "" }));

const METADATA_OBJECT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

/** What the cluster holds of the desired objects and the prune scope: the LISTs, and the objects read by name. */
interface LiveState {
  listings: Map<string, Listing>;
  /** refKey -> metadata of an object read by name; null: absent. Unknown (refused, failed): not in the map. */
  named: Map<string, LiveMeta | null>;
}

/** The LISTs, and a metadata GET of each desired object of a kind that is read by name. */
async function readLiveState(conn: ClusterConnection, prepared: readonly PreparedObject[], scope: ReturnType<typeof pruneScopeOf>, concurrency: number): Promise<LiveState> {
  const named = new Map<string, LiveMeta | null>();
  const [listings] = await Promise.all([
    listLive(conn, listingsWanted(prepared, scope), concurrency),
    mapLimit(
      prepared.filter((p) => readByName(p.ref)),
      concurrency,
      async (p) => {
        try {
          const info = await conn.resource(p.ref.apiVersion, p.ref.kind);
          const r = await conn.request<{ metadata: LiveMeta }>("GET", objectPath(info, p.ref.namespace, p.ref.name), { accept: METADATA_OBJECT });
          named.set(p.key, { uid: r.body.metadata.uid, resourceVersion: r.body.metadata.resourceVersion, labels: r.body.metadata.labels });
        } catch (e) {
          if (e instanceof ClusterError && e.kind === "not-found") named.set(p.key, null);
          else if (e instanceof ClusterError && isFatal(e)) throw e;
          // anything else: unknown here; the object's own dry run reports it
        }
      },
    ),
  ]);
  return { listings, named };
}

/** The live metadata of a desired object: object, null (absent), undefined (not known). */
function liveOf(state: LiveState, ref: ObjectRef): LiveMeta | null | undefined {
  if (readByName(ref)) return state.named.get(refKey(ref));
  const l = state.listings.get(listingKey(ref.apiVersion, ref.kind, ref.namespace));
  if (!l?.objects) return undefined;
  return l.objects.get(ref.name) ?? null;
}

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

/**
 * Server-side apply of one object. `metadataOnly`: the answer carries the object's metadata only
 * (resourceVersion, uid), not the whole object back: for a 768 KiB profile shard that spares the
 * API server encoding it and the portal parsing it, when only the metadata is read.
 */
async function serverSideApply(
  conn: ClusterConnection,
  desired: KubeObject,
  opts: { fieldManager: string; dryRun: boolean; force: boolean; metadataOnly?: boolean; strict?: boolean },
): Promise<{ status: number; body: LiveObject }> {
  const info = await conn.resource(desired.apiVersion, desired.kind);
  const path = objectPath(info, desired.metadata.namespace, desired.metadata.name);
  return conn.request<LiveObject>("PATCH", path, {
    ...(opts.metadataOnly ? { accept: METADATA_OBJECT } : {}),
    query: {
      fieldManager: opts.fieldManager,
      force: opts.force,
      dryRun: opts.dryRun ? "All" : undefined,
      // A misspelt field is an error, not silently dropped.
      fieldValidation: opts.strict === false ? "Ignore" : "Strict",
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

/** Portal-owned objects in the prune scope that are no longer desired, from the LISTs. */
function prunable(
  listings: Map<string, Listing>,
  desiredKeys: Set<string>,
  scope: NonNullable<ReturnType<typeof pruneScopeOf>>,
): { candidates: PruneCandidate[]; errors: { ref: ObjectRef; error: ClusterErrorInfo }[] } {
  const candidates: PruneCandidate[] = [];
  const errors: { ref: ObjectRef; error: ClusterErrorInfo }[] = [];
  for (const ns of scope.namespaces) {
    for (const k of scope.kinds) {
      const l = listings.get(listingKey(k.apiVersion, k.kind, ns));
      if (!l?.objects) {
        errors.push({ ref: { apiVersion: k.apiVersion, kind: k.kind, namespace: ns, name: "*" }, error: l?.error ?? { kind: "server", message: "not listed" } });
        continue;
      }
      for (const [name, meta] of l.objects) {
        // Only what carries the portal's label and matches the scope's selector is ever deleted.
        if (meta.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY || !matchesSelector(meta.labels, scope.selector)) continue;
        const ref: ObjectRef = { apiVersion: k.apiVersion, kind: k.kind, namespace: ns, name };
        if (desiredKeys.has(refKey(ref))) continue;
        candidates.push({ ref, uid: meta.uid, resourceVersion: meta.resourceVersion });
      }
    }
  }
  candidates.sort((a, b) => `${a.ref.namespace}/${a.ref.kind}/${a.ref.name}`.localeCompare(`${b.ref.namespace}/${b.ref.kind}/${b.ref.name}`));
  return { candidates, errors };
}

/** The LISTs a push needs: the desired objects' kinds and namespaces (but those read by name), and the prune scope's. */
function listingsWanted(prepared: readonly PreparedObject[], scope: ReturnType<typeof pruneScopeOf>) {
  const wanted: { apiVersion: string; kind: string; namespace?: string }[] = prepared
    .filter((p) => !readByName(p.ref))
    .map((p) => ({ apiVersion: p.ref.apiVersion, kind: p.ref.kind, namespace: p.ref.namespace }));
  if (scope) for (const ns of scope.namespaces) for (const k of scope.kinds) wanted.push({ ...k, namespace: ns });
  return wanted;
}

/** Unchanged since the portal's last apply: same desired digest, live still at that resourceVersion. */
function remembered(last: AppliedState | undefined, digest: string, live: LiveMeta | null | undefined): boolean {
  return !!last && !!live && last.digest === digest && !!live.resourceVersion && last.resourceVersion === live.resourceVersion && (!last.uid || last.uid === live.uid);
}

/**
 * Kinds whose content is flat string maps (no lists merged by key): a large absent one is checked
 * with a create dry run of the object (JSON), which runs the same admission, validation and size
 * checks as a server-side-apply dry run at a fraction of the API server's work for large objects (a
 * 768 KiB profile shard), next to an apply dry run of its metadata only, which checks that the
 * portal may apply it. A small one gets the one apply dry run (one request instead of two); when
 * that refuses it as invalid, the create dry run names the field.
 */
const CREATE_CHECKED_KINDS = new Set(["v1/ConfigMap", "v1/Secret"]);
/** Content (data values, in characters) from which an absent ConfigMap or Secret is checked with a create dry run. */
export const CREATE_CHECK_MIN_CHARS = 16 * 1024;

function contentChars(desired: KubeObject): number {
  let n = 0;
  for (const field of ["data", "binaryData", "stringData"]) {
    const m = desired[field];
    if (m && typeof m === "object") for (const v of Object.values(m as Record<string, unknown>)) n += typeof v === "string" ? v.length : 0;
  }
  return n;
}

/** false: the object exists after all (created meanwhile), compare it in full. */
async function createDryRun(conn: ClusterConnection, desired: KubeObject, fieldManager: string): Promise<boolean> {
  const info = await conn.resource(desired.apiVersion, desired.kind);
  const [content, permission] = await Promise.allSettled([
    conn.request("POST", objectPath(info, desired.metadata.namespace), { query: { fieldManager, dryRun: "All", fieldValidation: "Strict" }, body: desired, accept: METADATA_OBJECT }),
    // its metadata only (labels included, which admission policies may ask for)
    serverSideApply(conn, { apiVersion: desired.apiVersion, kind: desired.kind, metadata: desired.metadata }, { fieldManager, dryRun: true, force: false, metadataOnly: true }),
  ]);
  if (permission.status === "rejected") throw permission.reason;
  if (content.status === "fulfilled") return true;
  const e = content.reason;
  if (e instanceof ClusterError && e.status === 409 && e.reason === "AlreadyExists") return false;
  throw e;
}

/**
 * Does a dry run that failed with 404 fail only because this same push creates what the
 * object needs first (its namespace, or the Role a RoleBinding refers to)? The 404 says which.
 */
function waitsForPendingCreate(desired: KubeObject, pending: Set<string>, error: ClusterError): boolean {
  const ns = desired.metadata.namespace;
  const missingNamespace = /namespaces "([^"]+)" not found/.exec(error.message)?.[1];
  if (missingNamespace) return missingNamespace === ns && pending.has(refKey({ apiVersion: "v1", kind: "Namespace", name: ns }));
  const roleRef = desired.roleRef as { kind?: string; name?: string } | undefined;
  if (desired.kind === "RoleBinding" && roleRef?.kind === "Role" && roleRef.name) {
    return pending.has(refKey({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", namespace: ns, name: roleRef.name }));
  }
  return false;
}

const PENDING_NOTE = "Depends on objects this push creates first; the server validates it on apply.";

/** Dry run of one object compared with the live object (`listed`: what the LIST said, if it was listed). */
async function planOne(conn: ClusterConnection, p: PreparedObject, digest: string, fieldManager: string, pending: Set<string>, listed: LiveMeta | null | undefined): Promise<PlanItem> {
  const { ref, desired } = p;
  try {
    // Known absent from the LIST: no GET needed.
    const live = listed === null ? null : await readLive(conn, desired);
    let would: LiveObject;
    try {
      if (!live) {
        // absent: whether the server would take it; what it would store is the object itself
        const flat = CREATE_CHECKED_KINDS.has(`${desired.apiVersion}/${desired.kind}`);
        if (flat && contentChars(desired) >= CREATE_CHECK_MIN_CHARS) {
          if (await createDryRun(conn, desired, fieldManager)) return { action: "create", ref, desired, digest };
        } else {
          try {
            await serverSideApply(conn, desired, { fieldManager, dryRun: true, force: false, metadataOnly: true });
            return { action: "create", ref, desired, digest };
          } catch (e) {
            // An absent object with a misspelt field: the apply dry run says "failed to create typed
            // patch object"; the create dry run names the field.
            if (!(flat && e instanceof ClusterError && e.kind === "invalid" && e.status === 500)) throw e;
            if (await createDryRun(conn, desired, fieldManager)) throw e;
          }
        }
      }
      would = (await serverSideApply(conn, desired, { fieldManager, dryRun: true, force: false, metadataOnly: !live })).body;
    } catch (e) {
      if (e instanceof ClusterError && e.kind === "not-found" && !live && waitsForPendingCreate(desired, pending, e)) {
        return { action: "create", ref, desired, digest, note: PENDING_NOTE };
      }
      throw e;
    }
    if (!live) return { action: "create", ref, desired, digest };
    const liveMeta = { uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion };
    const changes = diffObjects(live, would);
    if (changes.length === 0) return { action: "unchanged", ref, desired, digest, live: liveMeta, checked: "compared" };
    return { action: "change", ref, desired, digest, changes, live: liveMeta };
  } catch (e) {
    if (!(e instanceof ClusterError)) return { action: "error", ref, desired, digest, error: toErrorInfo(e) };
    if (isFatal(e)) throw e;
    if (e.kind === "conflict" && conflictsOf(e).length > 0) {
      return { action: "conflict", ref, desired, digest, conflicts: conflictsOf(e), error: e.toJSON() };
    }
    return { action: "error", ref, desired, digest, error: e.toJSON() };
  }
}

/**
 * Plans a push: what server-side apply would do to each object, and which portal-owned
 * objects would be pruned. Throws ClusterError when the API server is unreachable or rejects
 * the credentials; per-object refusals (403, 409, 422) become plan items.
 */
export async function planClusterPush(conn: ClusterConnection, objects: readonly KubeObject[], opts: PushOptions = {}): Promise<PushPlan> {
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const { objects: prepared, rejected } = prepareObjects(objects, opts);
  const items: PlanItem[] = rejected.map((r) => ({ action: "error", ref: r.ref, desired: r.desired, error: r.error }));
  const scope = pruneScopeOf(prepared, opts);
  const state = await readLiveState(conn, prepared, scope, concurrency);

  // What this push creates (absent from the LISTs, or not listed): a dry run that needs it gets a note.
  const pending = new Set(prepared.filter((p) => !liveOf(state, p.ref)).map((p) => p.key));
  const planned = await mapLimit(prepared, concurrency, async (p): Promise<PlanItem> => {
    const digest = objectDigest(p.desired);
    const live = liveOf(state, p.ref);
    if (remembered(opts.lastApplied?.get(p.key), digest, live)) {
      return { action: "unchanged", ref: p.ref, desired: p.desired, digest, live: { uid: live!.uid, resourceVersion: live!.resourceVersion }, checked: "remembered" };
    }
    return planOne(conn, p, digest, fieldManager, pending, live);
  });
  items.push(...(planned as PlanItem[]));

  if (scope) {
    const { candidates, errors } = prunable(state.listings, new Set(prepared.map((p) => p.key)), scope);
    for (const c of candidates) items.push({ action: "prune", ref: c.ref, live: { uid: c.uid, resourceVersion: c.resourceVersion } });
    for (const e of errors) items.push({ action: "error", ref: e.ref, error: e.error });
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

type Work =
  | { kind: "apply"; ref: ObjectRef; desired: KubeObject; digest: string; phase: number; prevRv?: string; fieldsChecked?: boolean }
  | { kind: "unchanged"; ref: ObjectRef; digest?: string; live?: PlanItem["live"] }
  | { kind: "prune"; ref: ObjectRef; uid?: string }
  | { kind: "done"; item: ApplyItem };

/**
 * Did the plan's dry run already check this object's fields strictly, so that its apply need
 * not again? Only for a large ConfigMap or Secret (a 768 KiB profile shard: the API server
 * decodes an apply once more for a strict check, as YAML) that the plan's strict create or apply
 * dry run accepted as it is: their fields are the core API's, which no cluster changes between
 * a plan and its apply. Everything else is applied with strict field validation.
 */
function fieldsChecked(it: PlanItem): boolean {
  if (!it.desired || it.note || (it.action !== "create" && it.action !== "change")) return false;
  return CREATE_CHECKED_KINDS.has(`${it.desired.apiVersion}/${it.desired.kind}`) && contentChars(it.desired) >= CREATE_CHECK_MIN_CHARS;
}

/** The work of a plan: apply what differs, skip what is unchanged, prune at the end. */
function workOfPlan(plan: PushPlan): Work[] {
  const work: Work[] = [];
  for (const it of plan.items) {
    if (it.action === "prune") work.push({ kind: "prune", ref: it.ref, uid: it.live?.uid });
    else if (it.action === "unchanged") work.push({ kind: "unchanged", ref: it.ref, digest: it.digest, live: it.live });
    else if (it.redacted) work.push({ kind: "done", item: { action: "error", ref: it.ref, error: REDACTED_ERROR } });
    else if (it.desired && !(it.action === "error" && it.error?.kind === "invalid" && !it.error.status)) {
      work.push({
        kind: "apply",
        ref: it.ref,
        desired: it.desired,
        digest: it.digest ?? objectDigest(it.desired),
        phase: applyPhase(it.desired),
        prevRv: it.live?.resourceVersion,
        fieldsChecked: fieldsChecked(it),
      });
    } else work.push({ kind: "done", item: { action: "error", ref: it.ref, error: it.error } });
  }
  return work;
}

/** The work of bare objects: what the LISTs show decides created / unchanged; prune when asked. */
async function workOfObjects(conn: ClusterConnection, objects: readonly KubeObject[], opts: ApplyOptions, concurrency: number): Promise<Work[]> {
  const { objects: prepared, rejected } = prepareObjects(objects, opts);
  const work: Work[] = rejected.map((r) => ({ kind: "done", item: { action: "error", ref: r.ref, error: r.error } }));
  const scope = opts.prune ? pruneScopeOf(prepared, opts) : null;
  const state = await readLiveState(conn, prepared, scope, concurrency);
  for (const p of prepared) {
    const digest = objectDigest(p.desired);
    const live = liveOf(state, p.ref);
    if (remembered(opts.lastApplied?.get(p.key), digest, live)) work.push({ kind: "unchanged", ref: p.ref, digest, live: { uid: live!.uid, resourceVersion: live!.resourceVersion } });
    else work.push({ kind: "apply", ref: p.ref, desired: p.desired, digest, phase: applyPhase(p.desired), prevRv: live?.resourceVersion ?? undefined });
  }
  if (scope) {
    const { candidates, errors } = prunable(state.listings, new Set(prepared.map((p) => p.key)), scope);
    for (const c of candidates) work.push({ kind: "prune", ref: c.ref, uid: c.uid });
    for (const e of errors) work.push({ kind: "done", item: { action: "error", ref: e.ref, error: e.error } });
  }
  return work;
}

/**
 * Applies a plan (or objects) phase by phase, the objects of a phase with bounded concurrency.
 * Per-object refusals are reported and the push goes on; when the API server goes away or
 * rejects the credentials, nothing more is started and `applied` lists exactly the objects
 * written before that. Running it again converges.
 */
export async function applyClusterPush(
  conn: ClusterConnection,
  input: PushPlan | readonly KubeObject[],
  opts: ApplyOptions,
): Promise<PushResult> {
  const startedAt = new Date().toISOString();
  const fieldManager = opts.fieldManager ?? (isPlan(input) ? input.fieldManager : FIELD_MANAGER);
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  let aborted: PushResult["aborted"];

  let work: Work[];
  if (isPlan(input)) work = workOfPlan(input);
  else {
    try {
      work = await workOfObjects(conn, input, opts, concurrency);
    } catch (e) {
      const error = toErrorInfo(e);
      const items: ApplyItem[] = prepareObjects(input, opts).objects.map((p) => ({ action: "skipped", ref: p.ref }));
      return { target: "cluster", location: conn.server, items, applied: [], aborted: error, ok: false, startedAt, finishedAt: new Date().toISOString() };
    }
  }

  const results: (ApplyItem | undefined)[] = new Array(work.length);
  const total = work.length;
  let done = 0;
  const finish = (i: number, item: ApplyItem) => {
    results[i] = item;
    opts.onItem?.(item, { done: ++done, total });
  };
  const fail = (i: number, ref: ObjectRef, e: unknown) => {
    if (e instanceof ClusterError && isFatal(e)) {
      aborted ??= e.toJSON();
      return finish(i, { action: "error", ref, error: e.toJSON() });
    }
    if (e instanceof ClusterError && e.kind === "conflict" && conflictsOf(e).length > 0) {
      return finish(i, { action: "conflict", ref, conflicts: conflictsOf(e), error: e.toJSON() });
    }
    finish(i, { action: "error", ref, error: toErrorInfo(e) });
  };

  // What needs no request first: refusals and unchanged objects.
  work.forEach((w, i) => {
    if (w.kind === "done") finish(i, w.item);
    else if (w.kind === "unchanged") finish(i, { action: "unchanged", ref: w.ref, digest: w.digest, resourceVersion: w.live?.resourceVersion, uid: w.live?.uid });
    else if (w.kind === "prune" && !opts.prune) finish(i, { action: "skipped", ref: w.ref });
  });

  const applyOne = async (i: number) => {
    const w = work[i] as Extract<Work, { kind: "apply" }>;
    try {
      const r = await serverSideApply(conn, w.desired, { fieldManager, dryRun: false, force: !!opts.forceConflicts, metadataOnly: true, strict: !w.fieldsChecked });
      const rv = r.body.metadata?.resourceVersion;
      // 201: created now. Otherwise the resourceVersion says whether the server changed anything.
      const action = r.status === 201 ? "created" : w.prevRv !== undefined && w.prevRv === rv ? "unchanged" : "configured";
      finish(i, { action, ref: w.ref, digest: w.digest, resourceVersion: rv, uid: r.body.metadata?.uid });
    } catch (e) {
      fail(i, w.ref, e);
    }
  };
  const pruneOne = async (i: number) => {
    const w = work[i] as Extract<Work, { kind: "prune" }>;
    try {
      const info = await conn.resource(w.ref.apiVersion, w.ref.kind);
      await conn.request("DELETE", objectPath(info, w.ref.namespace, w.ref.name), {
        body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", ...(w.uid ? { preconditions: { uid: w.uid } } : {}) },
      });
      finish(i, { action: "pruned", ref: w.ref });
    } catch (e) {
      if (e instanceof ClusterError && e.kind === "not-found") finish(i, { action: "unchanged", ref: w.ref });
      else fail(i, w.ref, e);
    }
  };

  // Applies phase by phase, then prunes (the objects that replace them are in place by then).
  const phases = new Map<number, number[]>();
  work.forEach((w, i) => {
    if (w.kind === "apply") phases.set(w.phase, [...(phases.get(w.phase) ?? []), i]);
  });
  const steps = [...phases.entries()].sort((a, b) => a[0] - b[0]).map(([, idx]) => ({ idx, run: applyOne }));
  if (opts.prune) steps.push({ idx: work.flatMap((w, i) => (w.kind === "prune" ? [i] : [])), run: pruneOne });
  for (const step of steps) {
    if (aborted) break;
    await mapLimit(step.idx, concurrency, (i) => step.run(i), () => !!aborted);
  }
  // Not started because the push stopped.
  work.forEach((w, i) => {
    if (!results[i]) finish(i, { action: "skipped", ref: w.kind === "done" ? w.item.ref : w.ref });
  });

  const items = results as ApplyItem[];
  const applied = items.filter((it) => it.action === "created" || it.action === "configured" || it.action === "pruned").map((it) => it.ref);
  const ok = !aborted && items.every((i) => i.action !== "error" && i.action !== "conflict");
  return { target: "cluster", location: conn.server, items, applied, aborted, ok, startedAt, finishedAt: new Date().toISOString() };
}
