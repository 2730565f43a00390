/**
 * Pushing the portal's data to the cluster (or the export directory), and its history.
 *
 *   previewPush   render -> plan (dry run against live objects); read-only
 *   executePush   render -> plan -> (refuse if the plan differs from the previewed one) -> apply;
 *                 async, writes nothing to the database
 *   recordPush    stores the outcome (synchronous, inside the caller's transaction) with an
 *                 audit entry; a push that stopped half-way is stored as failed with exactly
 *                 the objects it had written
 *   runPush       both, for callers outside a server action (tests, scripts)
 *
 * A re-push of a past push renders the data as it is now and applies that (recording which
 * push it repeats): re-applying stale objects would undo every change made since.
 * Secret values are never stored: plans are redacted before anything is written.
 */
import { createHash } from "node:crypto";
import { ZodError } from "zod";
import { and, count, desc, eq, lt } from "drizzle-orm";
import { writeAudit, type Actor, type AuditEntry } from "@/lib/audit/audit";
import {
  applyPush,
  isClusterError,
  planPush,
  redactPlan,
  refKey,
  resolveTarget,
  type ApplyItem,
  type ClusterErrorInfo,
  type PlanItem,
  type PushPlan,
  type PushResult,
  type PushTarget,
} from "@/lib/cluster";
import type { Db, DbOrTx } from "@/lib/db/client";
import { pushes, pushObjects, type PushPlanCounts } from "@/lib/db/schema";
import { stableJson } from "@/lib/render";
import { previewMountChanges } from "./mount-changes";
import { hubNamespaces, renderPortal, type PortalRender } from "./model";
import type { FieldChangeView, PlanItemView, PlanView, PushOutcomeView, PushResultItemView } from "./views";

export interface PushContext {
  /** Where to push; resolveTarget() when omitted. */
  target?: PushTarget;
  /** Profile shard budget (tests use small ones to get several shards). */
  shardBudgetBytes?: number;
}

// ---- errors people can act on ------------------------------------------------------------

/** A sentence for people from a cluster error: what is wrong and what to do. */
export function explainClusterError(e: ClusterErrorInfo | undefined | null): string {
  if (!e) return "Unknown error.";
  switch (e.kind) {
    case "unreachable":
      return `The cluster cannot be reached. ${e.message} Check that the API server is up and the portal can reach it.`;
    case "tls":
      return `${e.message} Check the certificate authority in the portal's kubeconfig.`;
    case "unauthorized":
      return `${e.message} Renew the portal's credentials (kubeconfig or ServiceAccount token).`;
    case "forbidden":
      return `The cluster refused the portal: ${e.message} Grant the portal's account the rights listed under Access.`;
    case "config":
      return `${e.message} Set KUBECONFIG, or run the portal in the cluster with a ServiceAccount.`;
    case "not-found": {
      const ns = /namespaces "([^"]+)" not found/.exec(e.message)?.[1];
      if (ns) return `The namespace ${ns} does not exist: install the hub there first (Helm creates it), or correct the namespace in the deployment settings.`;
      return e.message;
    }
    default:
      return e.message;
  }
}

function errorInfoOf(e: unknown): ClusterErrorInfo {
  if (isClusterError(e)) return e.toJSON();
  return { kind: "server", message: e instanceof Error ? e.message : String(e) };
}

/** The configured target; a broken kubeconfig becomes an error, not a crash. */
export function safeResolveTarget(): { target: PushTarget } | { error: ClusterErrorInfo } {
  try {
    return { target: resolveTarget() };
  } catch (e) {
    return { error: errorInfoOf(e) };
  }
}

export function closeTarget(t: PushTarget | undefined) {
  if (t?.kind === "cluster") t.connection.close();
}

// ---- plans --------------------------------------------------------------------------------

const MAX_SHOWN = 600;

function show(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} chars)` : text;
}

function itemKey(it: { ref: PlanItem["ref"] }) {
  return refKey(it.ref);
}

/** Display shape of a (redacted) plan item. */
export function planItemView(it: PlanItem): PlanItemView {
  const v: PlanItemView = { key: itemKey(it), action: it.action, kind: it.ref.kind, name: it.ref.name };
  if (it.ref.namespace) v.namespace = it.ref.namespace;
  if (it.changes) {
    v.changes = it.changes.map((c) => {
      const out: FieldChangeView = { path: c.path };
      if ("before" in c) out.before = show(c.before);
      if ("after" in c) out.after = show(c.after);
      if (c.truncated) out.truncated = true;
      return out;
    });
  }
  if (it.conflicts?.length) v.conflicts = it.conflicts;
  if (it.error && it.action !== "conflict") v.error = explainClusterError(it.error);
  if (it.note) v.note = it.note;
  return v;
}

/** Identifies a plan: same objects, same actions, same changes. */
export function planFingerprint(plan: PushPlan): string {
  const redacted = redactPlan(plan);
  const items = redacted.items.map((i) => ({ a: i.action, k: itemKey(i), c: i.changes ?? null, f: i.conflicts ?? null, d: i.desired ?? null }));
  return createHash("sha256").update(stableJson({ t: plan.target, l: plan.location, items })).digest("hex").slice(0, 32);
}

export function planView(plan: PushPlan, warnings: string[] = []): PlanView {
  const safe = redactPlan(plan);
  return {
    target: plan.target,
    location: plan.location,
    items: safe.items.map(planItemView),
    summary: { ...plan.summary },
    fingerprint: planFingerprint(plan),
    createdAt: plan.createdAt,
    warnings,
  };
}

async function planFor(rendered: PortalRender, target: PushTarget): Promise<PushPlan> {
  return planPush(rendered.render.objects, {
    target,
    pruneScope: { namespaces: hubNamespaces(rendered.settings) },
  });
}

/** Renders the portal's data; a model the renderer refuses becomes a sentence, not a crash. */
function tryRender(db: DbOrTx, ctx: PushContext): { rendered: PortalRender } | { error: string } {
  try {
    return { rendered: renderPortal(db, { shardBudgetBytes: ctx.shardBudgetBytes }) };
  } catch (e) {
    if (e instanceof ZodError) {
      const issues = e.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
      return { error: `The portal's data cannot be rendered: ${issues.join("; ")}${e.issues.length > 5 ? ` (and ${e.issues.length - 5} more)` : ""}.` };
    }
    return { error: `The portal's data cannot be rendered: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export type PreviewOutcome = { ok: true; plan: PlanView } | { ok: false; error: string; errorKind: string };

/** The dry run: what a push would do now. Writes nothing anywhere. */
export async function previewPush(db: DbOrTx, ctx: PushContext = {}): Promise<PreviewOutcome> {
  const r = tryRender(db, ctx);
  if ("error" in r) return { ok: false, error: r.error, errorKind: "render" };
  const rendered = r.rendered;
  const resolved = ctx.target ? { target: ctx.target } : safeResolveTarget();
  if ("error" in resolved) return { ok: false, error: explainClusterError(resolved.error), errorKind: resolved.error.kind };
  try {
    const plan = await planFor(rendered, resolved.target);
    const mountChanges = await previewMountChanges(rendered.render.objects, resolved.target, hubNamespaces(rendered.settings));
    return { ok: true, plan: { ...planView(plan, rendered.warnings), mountChanges } };
  } catch (e) {
    const info = errorInfoOf(e);
    return { ok: false, error: explainClusterError(info), errorKind: info.kind };
  } finally {
    if (!ctx.target) closeTarget(resolved.target);
  }
}

// ---- pushes -------------------------------------------------------------------------------

export interface PushRequest {
  /** Take over fields other field managers own (server-side apply force). */
  forceConflicts: boolean;
  /** Delete portal-owned objects the portal no longer renders. */
  prune: boolean;
  /** The past push this one repeats (with current data). */
  retryOf?: number | null;
  /** Fingerprint of the previewed plan; the push is refused when the plan differs now. */
  expectedFingerprint?: string | null;
}

export interface ExecutedPush {
  request: PushRequest;
  startedAt: Date;
  finishedAt: Date;
  target: "cluster" | "export";
  location: string;
  /** Redacted: safe to store. Null when planning failed. */
  plan: PushPlan | null;
  result: PushResult | null;
  /** Why the push could not run or stopped half-way. */
  error: string | null;
  renderSummary: Record<string, unknown>;
  /** The plan changed since the preview: nothing was applied; show the new plan. */
  stale?: PlanView;
}

const lockHolder = globalThis as unknown as { __e2xPushRunning?: boolean };

/** True while a push runs in this process. */
export function pushRunning(): boolean {
  return !!lockHolder.__e2xPushRunning;
}

export class PushBusyError extends Error {
  constructor() {
    super("Another push is running. Wait for it to finish, then preview again.");
  }
}

function renderSummaryOf(r: PortalRender): Record<string, unknown> {
  const hubs: Record<string, unknown> = {};
  for (const [hub, s] of Object.entries(r.render.stats.profiles)) {
    if (s) hubs[hub] = { users: s.users, profiles: s.profiles, configMaps: s.configMaps, maxBytes: s.maxBytes };
  }
  return { objects: r.render.stats.objects, counts: r.counts, hubs };
}

/**
 * Renders the current data, plans and applies it. Never throws for cluster trouble: the
 * outcome says what happened. Throws PushBusyError when another push runs in this process.
 */
export async function executePush(db: DbOrTx, request: PushRequest, ctx: PushContext = {}): Promise<ExecutedPush> {
  if (lockHolder.__e2xPushRunning) throw new PushBusyError();
  lockHolder.__e2xPushRunning = true;
  const startedAt = new Date();
  let target: PushTarget | undefined = ctx.target;
  try {
    const r = tryRender(db, ctx);
    if ("error" in r) {
      return { request, startedAt, renderSummary: {}, finishedAt: new Date(), target: target?.kind ?? "cluster", location: "", plan: null, result: null, error: r.error };
    }
    const rendered = r.rendered;
    const base = { request, startedAt, renderSummary: renderSummaryOf(rendered) };
    if (!target) {
      const resolved = safeResolveTarget();
      if ("error" in resolved) {
        return { ...base, finishedAt: new Date(), target: "cluster", location: "", plan: null, result: null, error: explainClusterError(resolved.error) };
      }
      target = resolved.target;
    }
    const location = target.kind === "cluster" ? target.connection.server : target.dir;
    let plan: PushPlan;
    try {
      plan = await planFor(rendered, target);
    } catch (e) {
      return { ...base, finishedAt: new Date(), target: target.kind, location, plan: null, result: null, error: explainClusterError(errorInfoOf(e)) };
    }
    if (request.expectedFingerprint && planFingerprint(plan) !== request.expectedFingerprint) {
      return {
        ...base,
        finishedAt: new Date(),
        target: target.kind,
        location,
        plan: redactPlan(plan),
        result: null,
        error: null,
        stale: planView(plan, rendered.warnings),
      };
    }
    let result: PushResult;
    try {
      result = await applyPush(plan, { target, prune: request.prune, forceConflicts: request.forceConflicts });
    } catch (e) {
      return { ...base, finishedAt: new Date(), target: target.kind, location, plan: redactPlan(plan), result: null, error: explainClusterError(errorInfoOf(e)) };
    }
    const error = result.aborted ? `Stopped after ${result.applied.length} of the planned writes: ${explainClusterError(result.aborted)}` : null;
    return { ...base, finishedAt: new Date(), target: target.kind, location, plan: redactPlan(plan), result, error };
  } finally {
    lockHolder.__e2xPushRunning = false;
    if (!ctx.target) closeTarget(target);
  }
}

const OK_ACTIONS = new Set(["created", "configured", "unchanged", "pruned"]);

function outcomeOf(a: ApplyItem["action"]): "ok" | "failed" | "skipped" {
  if (OK_ACTIONS.has(a)) return "ok";
  return a === "skipped" ? "skipped" : "failed";
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}

const EMPTY_COUNTS: PushPlanCounts = { create: 0, change: 0, unchanged: 0, prune: 0, conflict: 0, error: 0 };

/**
 * Stores an executed push and its objects, with an audit entry. Synchronous: call it inside
 * the action's transaction. Returns the push id.
 */
export function recordPush(tx: DbOrTx, actor: Actor, audit: (e: AuditEntry) => void, ex: ExecutedPush): number {
  const planByKey = new Map<string, PlanItem>();
  for (const it of ex.plan?.items ?? []) planByKey.set(itemKey(it), it);
  const resultItems = ex.result?.items ?? [];
  const appliedKeys = new Set((ex.result?.applied ?? []).map((r) => refKey(r)));
  const ok = !!ex.result?.ok && !ex.error;
  const resultCounts = countBy(resultItems, (i) => i.action);
  const row = tx
    .insert(pushes)
    .values({
      startedAt: ex.startedAt,
      finishedAt: ex.finishedAt,
      actorId: actor.id,
      actorName: actor.username,
      target: ex.target,
      location: ex.location,
      status: ok ? "ok" : "failed",
      error: ex.error ?? (ok ? null : failureSummary(resultItems)),
      planCounts: ex.plan?.summary ?? EMPTY_COUNTS,
      resultCounts,
      appliedCount: appliedKeys.size,
      forceConflicts: ex.request.forceConflicts,
      prune: ex.request.prune,
      retryOf: ex.request.retryOf ?? null,
      renderSummary: ex.renderSummary,
    })
    .returning({ id: pushes.id })
    .get();

  const rows: (typeof pushObjects.$inferInsert)[] = [];
  const seen = new Set<string>();
  const push = (ref: PlanItem["ref"], planItem: PlanItem | undefined, res: ApplyItem | undefined) => {
    const key = refKey(ref);
    const action = res?.action ?? "skipped";
    rows.push({
      pushId: row.id,
      seq: rows.length,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: ref.namespace ?? null,
      name: ref.name,
      planAction: planItem?.action ?? null,
      action,
      outcome: outcomeOf(action),
      applied: appliedKeys.has(key),
      error: res?.error ? explainClusterError(res.error) : planItem?.error && !res ? explainClusterError(planItem.error) : null,
      changes: planItem?.changes ?? null,
      conflicts: res?.conflicts ?? planItem?.conflicts ?? null,
    });
  };
  for (const r of resultItems) {
    const key = refKey(r.ref);
    if (seen.has(key)) continue;
    seen.add(key);
    push(r.ref, planByKey.get(key), r);
  }
  // Planned objects the apply never reached (planning only, or the push could not start).
  for (const [key, it] of planByKey) if (!seen.has(key)) push(it.ref, it, undefined);
  for (let i = 0; i < rows.length; i += 500) tx.insert(pushObjects).values(rows.slice(i, i + 500)).run();

  const s = ex.plan?.summary ?? EMPTY_COUNTS;
  audit({
    action: ok ? "cluster.push" : "cluster.push.failed",
    entityType: "push",
    entityId: row.id,
    summary:
      `${ok ? "Pushed" : "Push failed"} to ${ex.target === "export" ? `export directory ${ex.location}` : ex.location || "the cluster"}: ` +
      `${s.create} created, ${s.change} changed, ${ex.request.prune ? s.prune : 0} pruned, ${appliedKeys.size} written` +
      (ex.request.forceConflicts ? " (conflicts overridden)" : "") +
      (ex.request.retryOf ? `; repeats push #${ex.request.retryOf}` : "") +
      (ex.error ? `. ${ex.error}` : ""),
    after: { planCounts: s, resultCounts, forceConflicts: ex.request.forceConflicts, prune: ex.request.prune },
  });
  return row.id;
}

function failureSummary(items: readonly ApplyItem[]): string | null {
  const failed = items.filter((i) => outcomeOf(i.action) === "failed");
  if (!failed.length) return null;
  return `${failed.length} object${failed.length === 1 ? "" : "s"} failed, e.g. ${failed[0].ref.kind} ${failed[0].ref.name}: ${explainClusterError(failed[0].error) || failed[0].action}`;
}

/** executePush + recordPush in one go (outside server actions: tests, scripts). */
export async function runPush(db: Db, actor: Actor, request: PushRequest, ctx: PushContext = {}): Promise<{ pushId: number | null; executed: ExecutedPush }> {
  const executed = await executePush(db, request, ctx);
  if (executed.stale) return { pushId: null, executed };
  const pushId = db.transaction((tx) => recordPush(tx, actor, (e) => writeAudit(tx, actor, e), executed));
  return { pushId, executed };
}

// ---- history --------------------------------------------------------------------------------

export function listPushes(db: DbOrTx, { page = 1, pageSize = 20 }: { page?: number; pageSize?: number } = {}) {
  const size = Math.min(Math.max(pageSize, 1), 100);
  const p = Math.max(page, 1);
  const rows = db.select().from(pushes).orderBy(desc(pushes.id)).limit(size).offset((p - 1) * size).all();
  const total = db.select({ n: count() }).from(pushes).get()?.n ?? 0;
  return { rows, total, page: p, pageSize: size };
}

export function getPush(db: DbOrTx, id: number) {
  const push = db.select().from(pushes).where(eq(pushes.id, id)).get();
  if (!push) return null;
  const objects = db.select().from(pushObjects).where(eq(pushObjects.pushId, id)).orderBy(pushObjects.seq).all();
  const previous = db.select({ id: pushes.id }).from(pushes).where(lt(pushes.id, id)).orderBy(desc(pushes.id)).limit(1).get();
  const retries = db.select({ id: pushes.id, status: pushes.status }).from(pushes).where(and(eq(pushes.retryOf, id))).orderBy(desc(pushes.id)).all();
  return { push, objects, previousId: previous?.id ?? null, retries };
}

/** Display shape of a stored push's result (for the page that just applied it). */
export function pushOutcomeView(db: DbOrTx, id: number): PushOutcomeView | null {
  const p = getPush(db, id);
  if (!p) return null;
  const items: PushResultItemView[] = p.objects.map((o) => ({
    key: `${o.kind}/${o.namespace ?? ""}/${o.name}`,
    kind: o.kind,
    namespace: o.namespace ?? undefined,
    name: o.name,
    planAction: o.planAction,
    action: o.action,
    outcome: o.outcome,
    applied: o.applied,
    error: o.error,
  }));
  return { pushId: id, status: p.push.status, error: p.push.error, appliedCount: p.push.appliedCount, resultCounts: p.push.resultCounts, items };
}
