/**
 * The push history: every push stored with its objects and an audit entry, failed or not,
 * and read back for the history table, the detail page and the push panel.
 */
import { count, desc, eq, lt, sql } from "drizzle-orm";
import type { Actor, AuditEntry } from "@/lib/audit/audit";
import { HUB_DEPLOYMENT, outcomeOf, refKey, type ApplyItem, type PlanItem, type PushPlan, type PushResult } from "@/lib/cluster";
import type { DbOrTx } from "@/lib/db/client";
import { pushes, pushObjects, type PushPlanCounts } from "@/lib/db/schema";
import { notePushedExams } from "@/lib/exams/hub-data";
import { CONFIG_DIGEST_ANNOTATION } from "@/lib/render";
import { rememberApplied } from "./applied";
import { forgetSync, recordSync, type SyncPoint } from "./sync";
import { t } from "@/lib/i18n/t";
import { explainClusterError, objectsFailed } from "./errors";
import { restartOutcome, restartsToApply, type RestartResult } from "./hub-restart";
import type { HubRestartView, PlanView, PushOutcomeView, PushResultItemView } from "./views";

export interface PushRequest {
  /** Take over fields other field managers own (server-side apply force). */
  forceConflicts: boolean;
  /** Delete portal-owned objects the portal no longer renders. */
  prune: boolean;
  /** The past push this one repeats (with current data). */
  retryOf?: number | null;
  /** Fingerprint of the previewed plan; the push is refused when the plan differs now. */
  expectedFingerprint?: string | null;
  /** Restart the exam hub even though an exam is open (the admin confirmed it twice). */
  forceExamRestart?: boolean;
}

/** What executePush did, ready to be stored by recordPush. */
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
  /** Hub restarts the plan called for, and what became of them. */
  restarts?: HubRestartView[];
  restartResults?: RestartResult[];
  /** Refused before anything was written (an exam is open and the exam hub would restart). */
  refused?: string;
  /** The `running` row the push wrote as it went (startPushRecord); recordPush completes it. */
  journalId?: number;
  /** The parts of the render this push carries (sync.ts): what the target holds once it succeeded. */
  synced?: SyncPoint;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}

const EMPTY_COUNTS: PushPlanCounts = { create: 0, change: 0, unchanged: 0, prune: 0, conflict: 0, error: 0 };

function failureSummary(items: readonly ApplyItem[]): string | null {
  return objectsFailed(items.filter((i) => outcomeOf(i.action) === "failed"));
}

/**
 * Stores an executed push and its objects, with an audit entry, what it applied (for the next
 * push to skip what is unchanged) and what the target holds now (sync.ts: the pending-change
 * count). Synchronous: call it inside the action's transaction.
 * Returns the push id.
 */
export function recordPush(tx: DbOrTx, actor: Actor, audit: (e: AuditEntry) => void, ex: ExecutedPush): number {
  const planByKey = new Map<string, PlanItem>();
  for (const it of ex.plan?.items ?? []) planByKey.set(refKey(it.ref), it);
  const resultItems = ex.result?.items ?? [];
  const appliedKeys = new Set((ex.result?.applied ?? []).map((r) => refKey(r)));
  const restarted = (ex.restartResults ?? []).filter((r) => r.action === "restarted");
  const ok = !!ex.result?.ok && !ex.error;
  const resultCounts = countBy([...resultItems.map((i) => i.action), ...(ex.restartResults ?? []).map((r) => r.action)], (a) => a);
  const values = {
    startedAt: ex.startedAt,
    finishedAt: ex.finishedAt,
    actorId: actor.id,
    actorName: actor.username,
    target: ex.target,
    location: ex.location,
    status: ok ? ("ok" as const) : ("failed" as const),
    error: ex.error ?? (ok ? null : failureSummary(resultItems)),
    planCounts: ex.plan?.summary ?? EMPTY_COUNTS,
    resultCounts,
    appliedCount: appliedKeys.size + restarted.length,
    forceConflicts: ex.request.forceConflicts,
    prune: ex.request.prune,
    retryOf: ex.request.retryOf ?? null,
    renderSummary: ex.renderSummary,
  } satisfies typeof pushes.$inferInsert;
  let row: { id: number };
  if (ex.journalId) {
    // the row written while the push ran: its objects are replaced by the full account
    tx.update(pushes).set(values).where(eq(pushes.id, ex.journalId)).run();
    tx.delete(pushObjects).where(eq(pushObjects.pushId, ex.journalId)).run();
    row = { id: ex.journalId };
  } else row = tx.insert(pushes).values(values).returning({ id: pushes.id }).get();

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
  // hub restarts: the hub Deployment's pod-template annotation, after the ConfigMaps
  const restartResults = new Map((ex.restartResults ?? []).map((r) => [r.namespace, r]));
  for (const v of restartsToApply(ex.restarts, !!ex.request.forceExamRestart)) {
    const r = restartResults.get(v.namespace);
    const action = r?.action ?? "skipped";
    rows.push({
      pushId: row.id,
      seq: rows.length,
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: v.namespace,
      name: HUB_DEPLOYMENT,
      planAction: "restart",
      action,
      outcome: restartOutcome(action),
      applied: action === "restarted",
      error: r?.error ? explainClusterError(r.error) : r?.note ? t("pushErrors.notRestarted", { why: r.note }) : ex.refused ? t("pushErrors.notRestartedRefused") : null,
      changes: [{ path: `spec.template.metadata.annotations["${CONFIG_DIGEST_ANNOTATION}"]`, before: v.runningDigest ?? undefined, after: v.configDigest }],
      conflicts: null,
    });
  }
  for (let i = 0; i < rows.length; i += 500) tx.insert(pushObjects).values(rows.slice(i, i + 500)).run();
  if (ex.result) rememberApplied(tx, row.id, ex.result);
  // what the target holds now: the render, once the push went through; unknown after a push
  // that stopped having written part of it
  if (ex.synced && ok) recordSync(tx, ex.synced, ex.startedAt, row.id);
  else if (ex.synced && appliedKeys.size > 0) forgetSync(tx, ex.synced.scope);
  // the exams the exam hub got with this push, at which revision (renderSummaryOf)
  const pushedExams = ex.renderSummary.exams as { id: number; revision: number }[] | undefined;
  if (ok && pushedExams) notePushedExams(tx, pushedExams, row.id, ex.finishedAt);

  const s = ex.plan?.summary ?? EMPTY_COUNTS;
  audit({
    action: ok ? "cluster.push" : "cluster.push.failed",
    entityType: "push",
    entityId: row.id,
    message: {
      key: "push",
      params: {
        ok: ok ? "yes" : "no",
        target: ex.target,
        location: ex.location || "",
        create: s.create,
        change: s.change,
        prune: ex.request.prune ? s.prune : 0,
        written: appliedKeys.size,
        restarted: restarted.length,
        hub1: restarted[0]?.hub ?? "none",
        hub2: restarted[1]?.hub ?? "none",
        forced: ex.request.forceExamRestart && restarted.some((r) => r.hub === "exam") ? "yes" : "no",
        conflicts: ex.request.forceConflicts ? "yes" : "no",
        retry: ex.request.retryOf ?? 0,
        error: ex.error || "none",
      },
    },
    after: { planCounts: s, resultCounts, forceConflicts: ex.request.forceConflicts, prune: ex.request.prune, restarted: restarted.map((r) => r.hub), forceExamRestart: !!ex.request.forceExamRestart },
  });
  return row.id;
}

// ---- a push as it runs -----------------------------------------------------------------------

const active = globalThis as unknown as { __e2xActivePushes?: Set<number> };
const activePushes = () => (active.__e2xActivePushes ??= new Set<number>());

export function interruptedMessage(written: number): string {
  return `Interrupted: the portal stopped during this push, after ${written} object${written === 1 ? "" : "s"} had been written (listed below). Push again to finish.`;
}

/** A push in the history while it runs: its `running` row, and how to note each object as it is written. */
export interface PushJournal {
  id: number;
  /** Stores one object the moment its answer arrives; a failed write is logged, the push goes on (recordPush stores its full account at the end). */
  note(item: ApplyItem): void;
}

/**
 * Starts the journal of a push that is about to write, before its first write: pushes an ended
 * process left `running` are stored as interrupted first (reconcileInterruptedPushes), then the
 * push's own `running` row is written, so a push cut short by a crash is in the history with the
 * objects written so far. recordPush completes the row (its id is `journalId`).
 */
export function startPushJournal(
  db: DbOrTx,
  actor: Actor,
  audit: (e: AuditEntry) => void,
  ex: Pick<ExecutedPush, "request" | "startedAt" | "target" | "location" | "renderSummary"> & { plan: PushPlan },
): PushJournal {
  reconcileInterruptedPushes(db, audit);
  const id = startPushRecord(db, actor, ex);
  const planByKey = new Map(ex.plan.items.map((i) => [refKey(i.ref), i]));
  let seq = 0;
  return {
    id,
    note(item) {
      try {
        notePushObject(db, id, seq++, item, planByKey.get(refKey(item.ref)));
      } catch (e) {
        console.warn("push journal", id, e instanceof Error ? e.message : e);
      }
    },
  };
}

/** The `running` row of a push (startPushJournal). Returns its id. */
function startPushRecord(db: DbOrTx, actor: Actor, ex: Pick<ExecutedPush, "request" | "startedAt" | "target" | "location" | "renderSummary"> & { plan: PushPlan }): number {
  const row = db
    .insert(pushes)
    .values({
      startedAt: ex.startedAt,
      finishedAt: ex.startedAt,
      actorId: actor.id,
      actorName: actor.username,
      target: ex.target,
      location: ex.location,
      status: "running",
      error: null,
      planCounts: ex.plan.summary,
      resultCounts: {},
      appliedCount: 0,
      forceConflicts: ex.request.forceConflicts,
      prune: ex.request.prune,
      retryOf: ex.request.retryOf ?? null,
      renderSummary: ex.renderSummary,
    })
    .returning({ id: pushes.id })
    .get();
  activePushes().add(row.id);
  return row.id;
}

/**
 * One object of a running push, stored the moment its answer arrives: the object and the
 * push's count of written objects in one transaction, so that a process killed between the
 * two cannot leave a count that disagrees with the objects listed.
 */
function notePushObject(db: DbOrTx, pushId: number, seq: number, item: ApplyItem, planItem?: PlanItem): void {
  const written = outcomeOf(item.action) === "ok" && item.action !== "unchanged";
  db.transaction((tx) => {
    tx.insert(pushObjects)
      .values({
        pushId,
        seq,
        apiVersion: item.ref.apiVersion,
        kind: item.ref.kind,
        namespace: item.ref.namespace ?? null,
        name: item.ref.name,
        planAction: planItem?.action ?? null,
        action: item.action,
        outcome: outcomeOf(item.action),
        applied: written,
        error: item.error ? explainClusterError(item.error) : null,
        changes: null,
        conflicts: item.conflicts ?? null,
      })
      .run();
    if (written) tx.update(pushes).set({ appliedCount: sql`${pushes.appliedCount} + 1`, finishedAt: new Date() }).where(eq(pushes.id, pushId)).run();
  });
}

/** The push has ended in this process (recorded or not). */
export function endPushRecord(pushId: number | undefined): void {
  if (pushId !== undefined) activePushes().delete(pushId);
}

/** A stored push as this process sees it: `running` without a push here means interrupted. */
function seen<T extends { id: number; status: string; error: string | null; appliedCount: number }>(row: T): T {
  if (row.status !== "running" || activePushes().has(row.id)) return row;
  return { ...row, status: "failed", error: interruptedMessage(row.appliedCount) };
}

/**
 * Stores pushes left `running` by a process that is gone as failed (interrupted), with an
 * audit entry each. Called when a push starts (one push at a time).
 */
export function reconcileInterruptedPushes(db: DbOrTx, audit: (e: AuditEntry) => void): number {
  const rows = db.select().from(pushes).where(eq(pushes.status, "running")).all().filter((r) => !activePushes().has(r.id));
  for (const r of rows) {
    const error = interruptedMessage(r.appliedCount);
    db.update(pushes).set({ status: "failed", error }).where(eq(pushes.id, r.id)).run();
    // it wrote part of the render: what the target holds is unknown until the next push
    if (r.appliedCount > 0) forgetSync(db, "full");
    audit({ action: "cluster.push.failed", entityType: "push", entityId: r.id, message: { key: "pushInterrupted", params: { id: r.id, written: r.appliedCount } }, after: { appliedCount: r.appliedCount } });
  }
  return rows.length;
}

export function listPushes(db: DbOrTx, { page = 1, pageSize = 20 }: { page?: number; pageSize?: number } = {}) {
  const size = Math.min(Math.max(pageSize, 1), 100);
  const p = Math.max(page, 1);
  const rows = db.select().from(pushes).orderBy(desc(pushes.id)).limit(size).offset((p - 1) * size).all().map(seen);
  const total = db.select({ n: count() }).from(pushes).get()?.n ?? 0;
  return { rows, total, page: p, pageSize: size };
}

export function getPush(db: DbOrTx, id: number) {
  const stored = db.select().from(pushes).where(eq(pushes.id, id)).get();
  if (!stored) return null;
  const push = seen(stored);
  const objects = db.select().from(pushObjects).where(eq(pushObjects.pushId, id)).orderBy(pushObjects.seq).all();
  const previous = db.select({ id: pushes.id }).from(pushes).where(lt(pushes.id, id)).orderBy(desc(pushes.id)).limit(1).get();
  const retries = db.select({ id: pushes.id, status: pushes.status }).from(pushes).where(eq(pushes.retryOf, id)).orderBy(desc(pushes.id)).all();
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
