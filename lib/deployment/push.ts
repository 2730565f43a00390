/**
 * Pushing the portal's data to the cluster (or the export directory).
 *
 *   previewPush   render -> plan (dry run against live objects); read-only
 *   executePush   render -> plan -> (refuse if the plan differs from the previewed one, or if it
 *                 would restart the exam hub during an open exam unless forced) -> apply ->
 *                 restart the hubs whose configuration changed (hub-restart.ts);
 *                 async; with `journal`, keeps the push in the history while it runs (its
 *                 `running` row, each object as it is written: history.ts), else writes
 *                 nothing to the database; one push at a time per process
 *   runPush       executePush + recordPush (history.ts), for callers outside a server action
 *
 * A re-push of a past push renders the data as it is now and applies that (recording which
 * push it repeats): re-applying stale objects would undo every change made since.
 * Secret values are never stored: plans are redacted before anything is written.
 */
import { t } from "@/lib/i18n/t";
import { ZodError } from "zod";
import { writeAudit, type Actor } from "@/lib/audit/audit";
import { applyPush, HUB_DEPLOYMENT, outcomeOf, planPush, redactPlan, resolveTarget, type ClusterErrorInfo, type PushPlan, type PushResult, type PushTarget } from "@/lib/cluster";
import { HUBS, type HubName } from "@/lib/constants";
import type { Db, DbOrTx } from "@/lib/db/client";
import { loadLastApplied } from "./applied";
import { errorInfoOf, explainClusterError, stoppedAfter } from "./errors";
import { endPushRecord, recordPush, startPushJournal, type ExecutedPush, type PushRequest } from "./history";
import { applyHubRestarts, blockedRestarts, examRefusal, openExams, planHubRestarts, restartFailure, restartOutcome, restartsToApply, type RestartResult } from "./hub-restart";
import { changeSummary } from "./change-summary";
import { previewMountChanges } from "./mount-changes";
import { releasePush, tryAcquirePush } from "./push-lock";
import { hubNamespaces, renderPortal, type PortalRender } from "./model";
import { noteFoundDifferent, noteFoundInSync, syncPointOf } from "./sync";
import { planFingerprint, planView, type ChangeSummaryView, type HubRestartView, type PlanView, type PushStreamLine } from "./views";

export type { ExecutedPush, PushRequest } from "./history";

export interface PushContext {
  /** Where to push; resolveTarget() when omitted. */
  target?: PushTarget;
  /** Profile shard budget (tests use small ones to get several shards). */
  shardBudgetBytes?: number;
  /** How the push gets on: each step, then every object as it is done. */
  onProgress?: (line: PushStreamLine) => void;
  /**
   * Who pushes, to keep the push in the history while it runs (a `running` row before the
   * first write, each object as it is written): a crash then leaves an interrupted push with
   * what it wrote. runPush and the push stream set it.
   */
  journal?: Actor;
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

/** Renders the portal's data; a model the renderer refuses becomes a sentence, not a crash. */
export function tryRender(db: DbOrTx, ctx: Pick<PushContext, "shardBudgetBytes"> = {}): { rendered: PortalRender } | { error: string } {
  try {
    return { rendered: renderPortal(db, { shardBudgetBytes: ctx.shardBudgetBytes }) };
  } catch (e) {
    if (e instanceof ZodError) {
      const issues = e.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
      return { error: t("examPush.cannotRender", { detail: `${issues.join("; ")}${e.issues.length > 5 ? t("pushErrors.andMore", { count: e.issues.length - 5 }) : ""}.` }) };
    }
    return { error: t("examPush.cannotRender", { detail: e instanceof Error ? e.message : String(e) }) };
  }
}

/** Plans the rendered objects against a target, skipping what the last push left unchanged. */
async function planFor(db: DbOrTx, rendered: PortalRender, target: PushTarget): Promise<PushPlan> {
  return planPush(rendered.render.objects, {
    target,
    pruneScope: { namespaces: hubNamespaces(rendered.settings) },
    lastApplied: target.kind === "cluster" ? loadLastApplied(db, target.connection.server) : undefined,
  });
}

/** Which hubs the plan restarts (hub-restart.ts): reads the hub Deployments and counts the servers. */
async function restartsFor(db: DbOrTx, rendered: PortalRender, plan: PushPlan, target: PushTarget): Promise<HubRestartView[]> {
  const namespaces = Object.fromEntries(HUBS.map((h) => [h, rendered.settings.hubs[h].namespace])) as Record<HubName, string>;
  return planHubRestarts({ objects: rendered.render.objects, planItems: plan.items, target, namespaces, openExams: openExams(db) });
}

/** The plan in plain words, per course term and hub (change-summary.ts). */
function changesOf(rendered: PortalRender, plan: PushPlan): ChangeSummaryView {
  const namespaces = Object.fromEntries(HUBS.map((h) => [h, rendered.settings.hubs[h].namespace])) as Record<HubName, string>;
  return changeSummary(plan.items, rendered.model, namespaces);
}

export type PreviewOutcome = { ok: true; plan: PlanView } | { ok: false; error: string; errorKind: string };

/**
 * The dry run of already rendered data against a target. Writes nothing to the target (and to
 * the database only what it learnt about the target: noteWhatTargetHolds). With
 * `restarts`, the plan also says which hubs the apply restarts (and its fingerprint covers that).
 */
export async function previewRendered(db: DbOrTx, rendered: PortalRender, target: PushTarget, { restarts = false }: { restarts?: boolean } = {}): Promise<PreviewOutcome> {
  try {
    const plan = await planFor(db, rendered, target);
    const hubRestarts = restarts ? await restartsFor(db, rendered, plan, target) : undefined;
    noteWhatTargetHolds(db, rendered, plan);
    return { ok: true, plan: { ...planView(plan, rendered.warnings, hubRestarts), changes: changesOf(rendered, plan) } };
  } catch (e) {
    const info = errorInfoOf(e);
    return { ok: false, error: explainClusterError(info), errorKind: info.kind };
  }
}

/**
 * What a dry run of everything tells about the target, for the pending-change count (sync.ts):
 * nothing to write (left-over objects to clean up aside) means the target holds what the portal
 * renders, whoever put it there; something to write where the portal thought the target held
 * this render means it does not. The only thing a dry run stores; a database that cannot be
 * written to leaves the count as it was.
 */
function noteWhatTargetHolds(db: DbOrTx, rendered: PortalRender, plan: PushPlan): void {
  const s = plan.summary;
  try {
    if (s.create + s.change + s.conflict + s.error === 0) noteFoundInSync(db, rendered);
    else noteFoundDifferent(db, rendered);
  } catch (e) {
    console.warn("pending changes: cannot note what the target holds", e instanceof Error ? e.message : e);
  }
}

/** The dry run: what a push would do now. Writes nothing to the target. */
export async function previewPush(db: DbOrTx, ctx: PushContext = {}): Promise<PreviewOutcome> {
  const r = tryRender(db, ctx);
  if ("error" in r) return { ok: false, error: r.error, errorKind: "render" };
  const resolved = ctx.target ? { target: ctx.target } : safeResolveTarget();
  if ("error" in resolved) return { ok: false, error: explainClusterError(resolved.error), errorKind: resolved.error.kind };
  try {
    // What the push changes in the pods' mounts, read from the target next to the dry run.
    const [p, mountChanges] = await Promise.all([
      previewRendered(db, r.rendered, resolved.target, { restarts: true }),
      previewMountChanges(r.rendered.render.objects, resolved.target, hubNamespaces(r.rendered.settings)),
    ]);
    return p.ok ? { ok: true, plan: { ...p.plan, mountChanges } } : p;
  } finally {
    if (!ctx.target) closeTarget(resolved.target);
  }
}

// ---- pushes -------------------------------------------------------------------------------

export { pushRunning } from "./push-lock";

export class PushBusyError extends Error {
  constructor() {
    super(t("pushErrors.busy"));
  }
}

export function renderSummaryOf(r: PortalRender): Record<string, unknown> {
  const hubs: Record<string, unknown> = {};
  for (const [hub, s] of Object.entries(r.render.stats.profiles)) {
    if (s) hubs[hub] = { users: s.users, profiles: s.profiles, configMaps: s.configMaps, maxBytes: s.maxBytes };
  }
  // the exams the exam hub got with this push, at which revision (exams.hub_revision after it)
  const exams = (r.model.exams ?? []).map((e) => ({ id: e.id, revision: e.revision }));
  return { objects: r.render.stats.objects, counts: r.counts, hubs, exams };
}

/**
 * Renders the current data, plans and applies it. Never throws for cluster trouble: the
 * outcome says what happened. Throws PushBusyError when another push runs in this process.
 */
export async function executePush(db: DbOrTx, request: PushRequest, ctx: PushContext = {}): Promise<ExecutedPush> {
  if (!tryAcquirePush()) throw new PushBusyError();
  const startedAt = new Date();
  let target: PushTarget | undefined = ctx.target;
  let renderSummary: Record<string, unknown> = {};
  let synced: ExecutedPush["synced"];
  let location = "";
  /** The push's `running` row in the history, once it is about to write (ctx.journal). */
  let journalId: number | undefined;
  /** Every way a push ends: what is known so far, plus how it ended. */
  const finish = (end: Partial<Pick<ExecutedPush, "plan" | "result" | "error" | "stale" | "restarts" | "restartResults" | "refused">>): ExecutedPush => ({
    request,
    startedAt,
    finishedAt: new Date(),
    target: target?.kind ?? "cluster",
    location,
    renderSummary,
    synced,
    plan: null,
    result: null,
    error: null,
    journalId,
    ...end,
  });
  const progress = ctx.onProgress ?? (() => {});
  try {
    progress({ type: "step", step: "render" });
    const r = tryRender(db, ctx);
    if ("error" in r) return finish({ error: r.error });
    const rendered = r.rendered;
    renderSummary = renderSummaryOf(rendered);
    synced = syncPointOf(rendered, "full");
    if (!target) {
      const resolved = safeResolveTarget();
      if ("error" in resolved) return finish({ error: explainClusterError(resolved.error) });
      target = resolved.target;
    }
    location = target.kind === "cluster" ? target.connection.server : target.dir;
    let plan: PushPlan;
    let restarts: HubRestartView[];
    progress({ type: "step", step: "plan" });
    try {
      plan = await planFor(db, rendered, target);
      restarts = await restartsFor(db, rendered, plan, target);
    } catch (e) {
      return finish({ error: explainClusterError(errorInfoOf(e)) });
    }
    if (request.expectedFingerprint && planFingerprint(plan, restarts) !== request.expectedFingerprint) {
      return finish({ plan: redactPlan(plan), stale: { ...planView(plan, rendered.warnings, restarts), changes: changesOf(rendered, plan) } });
    }
    // the exam hub is never restarted during an open exam, unless the admin forces it
    const blocked = blockedRestarts(restarts);
    if (blocked.length && !request.forceExamRestart) {
      const refused = examRefusal(blocked);
      return finish({ plan: redactPlan(plan), error: refused, refused, restarts });
    }
    const toRestart = target.kind === "cluster" ? restartsToApply(restarts, !!request.forceExamRestart) : [];
    const total = plan.items.length + toRestart.length;
    const actor = ctx.journal;
    const journal = actor ? startPushJournal(db, actor, (e) => writeAudit(db, actor, e), { request, startedAt, target: target.kind, location, renderSummary, plan }) : null;
    journalId = journal?.id;
    let result: PushResult;
    try {
      progress({ type: "apply", total });
      result = await applyPush(plan, {
        target,
        prune: request.prune,
        forceConflicts: request.forceConflicts,
        onItem: (item, { done }) => {
          journal?.note(item);
          progress({ type: "object", done, total, item: { kind: item.ref.kind, ...(item.ref.namespace ? { namespace: item.ref.namespace } : {}), name: item.ref.name, action: item.action, outcome: outcomeOf(item.action) } });
        },
      });
    } catch (e) {
      return finish({ plan: redactPlan(plan), error: explainClusterError(errorInfoOf(e)), restarts });
    }
    let restartResults: RestartResult[] = [];
    if (target.kind === "cluster" && !result.aborted && toRestart.length) {
      restartResults = await applyHubRestarts(target.connection, toRestart, result.items);
      restartResults.forEach((r, i) =>
        progress({ type: "object", done: plan.items.length + i + 1, total, item: { kind: "Deployment", namespace: r.namespace, name: HUB_DEPLOYMENT, action: r.action, outcome: restartOutcome(r.action) } }),
      );
    }
    const error = result.aborted ? stoppedAfter(result.applied.length, result.aborted) : restartFailure(restartResults);
    return finish({ plan: redactPlan(plan), result, error, restarts, restartResults });
  } finally {
    releasePush();
    if (!ctx.target) closeTarget(target);
  }
}

/** executePush + recordPush in one go (outside server actions: tests, scripts). */
export async function runPush(db: Db, actor: Actor, request: PushRequest, ctx: PushContext = {}): Promise<{ pushId: number | null; executed: ExecutedPush }> {
  const executed = await executePush(db, request, { journal: actor, ...ctx });
  try {
    if (executed.stale) return { pushId: null, executed };
    const pushId = db.transaction((tx) => recordPush(tx, actor, (e) => writeAudit(tx, actor, e), executed));
    return { pushId, executed };
  } finally {
    endPushRecord(executed.journalId);
  }
}
