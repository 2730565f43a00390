/**
 * Exam pushes: what an exam step changes reaches the exam hub before the portal records the step.
 *
 *   previewExamPush  the step applied in a transaction that is rolled back, the portal rendered in
 *                    it, the exam hub's objects planned against the target (dry run), and the
 *                    password Secret compared with the hub's: what the step changes there, in words
 *   runExamPush      the same under the push lock, then applied; only when the hub has it is the
 *                    step committed, with the push record and the audit entry, in one transaction.
 *                    Without a step: pushes the current data (changes made since the last push).
 *   commitExamEdit   an edit outside a step: committed first, then pushed if the exam is open
 *
 * Scope: the exam hub's objects only (its namespace, `e2x-portal/hub=exam`): the password Secret,
 * the exam profiles, the exam pods' NetworkPolicies and the profile reader Role; not the hub's
 * configuration, which only a cluster push changes (it restarts the hub). A supervisor may
 * run an exam without the right to push the teaching hubs.
 *
 * Order and races: the push lock is held from the render to the commit, so no other push renders
 * between them; an edit committed meanwhile is pushed by its own push after this one. Should the
 * commit fail after the hub got the data (the exam changed in between), the current data is
 * pushed again before the lock is released, so the hub never keeps a step the portal refused.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { ZodError } from "zod";
import { writeAudit, type Actor } from "@/lib/audit/audit";
import type { Principal } from "@/lib/auth/capabilities";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import { t } from "@/lib/i18n/t";
import { applyPush, ClusterError, exportPath, objectPath, OK_ACTIONS, planPush, redactPlan, type PushPlan, type PushResult, type PushTarget } from "@/lib/cluster";
import type { Db } from "@/lib/db/client";
import { exams } from "@/lib/db/schema";
import { EXAM_PASSWORDS_KEY, EXAM_PASSWORDS_SECRET, HUB_CONFIG_PART, LABEL_HUB, LABEL_PART, type KubeObject } from "@/lib/render";
import { examHubChanges, parseExamsDoc, type ExamsDoc } from "./exam-changes";
import { renderPortal, type PortalRender } from "./model";
import { loadLastApplied } from "./applied";
import { explainClusterError, objectsFailed, stoppedAfter } from "./errors";
import { pushOutcomeView, recordPush, type ExecutedPush } from "./history";
import { closeTarget, renderSummaryOf, safeResolveTarget } from "./push";
import { planFingerprint, planView, type ExamPushOutcomeView, type ExamPushPreviewView } from "./views";
import { acquirePush, releasePush } from "./push-lock";
import { examPushScope, syncPointOf } from "./sync";
import { isExamWarning } from "./warnings";

/** A change of the exam (a lifecycle step, new passwords, an unlock): run in a transaction. */
export type ExamChange<T> = (ctx: ActionContext) => T;

export interface ExamPushOptions {
  /** Where to push; the configured target when omitted. */
  target?: PushTarget;
  /** The preview's fingerprint: refused (nothing applied) when the push would differ now. */
  expectedFingerprint?: string | null;
  /** How long to wait for another push to finish (default 60 s). */
  waitMs?: number;
}

class Rendered<T> extends Error {
  constructor(
    readonly rendered: PortalRender,
    readonly value: T,
  ) {
    super("rolled back");
  }
}

function actorOf(p: Principal): Actor {
  return { id: p.id, username: p.username };
}

function renderError(e: unknown): ActionError {
  if (e instanceof ActionError) return e;
  if (e instanceof ZodError) return new ActionError(t("examPush.cannotRender", { detail: `${e.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.` }));
  return new ActionError(t("examPush.cannotRender", { detail: e instanceof Error ? e.message : String(e) }));
}

/** What the hub would get with `change` made: the change runs in a transaction that is rolled back. */
function renderWith<T>(db: Db, principal: Principal, change?: ExamChange<T>): { rendered: PortalRender; value: T | undefined } {
  try {
    if (!change) return { rendered: renderPortal(db), value: undefined };
    db.transaction((tx) => {
      const value = change({ tx, principal, audit: (e) => writeAudit(tx, actorOf(principal), e) });
      throw new Rendered(renderPortal(tx), value);
    });
  } catch (e) {
    if (e instanceof Rendered) return { rendered: e.rendered as PortalRender, value: e.value as T };
    throw renderError(e);
  }
  throw new Error("unreachable");
}

/**
 * The exam hub's objects an exam push writes: all but the hub's configuration (the ConfigMap
 * `e2x-portal-hub`), which a cluster push writes together with the hub restart it needs and never
 * during an open exam unless forced (hub-restart.ts). Nothing an exam step changes is in it.
 */
function examObjects(r: PortalRender): KubeObject[] {
  return r.render.objects.filter(examPushScope);
}

/** What an exam push may prune: the exam hub's objects it writes (never the hub's configuration). */
const EXAM_PUSH_SELECTOR = `${LABEL_HUB}=exam,${LABEL_PART}!=${HUB_CONFIG_PART}`;

function examNamespace(r: PortalRender): string {
  return r.settings.hubs.exam.namespace;
}

function secretJson(objects: readonly KubeObject[]): string {
  const s = objects.find((o) => o.kind === "Secret" && o.metadata.name === EXAM_PASSWORDS_SECRET);
  const b64 = (s?.data as Record<string, string> | undefined)?.[EXAM_PASSWORDS_KEY];
  return b64 ? Buffer.from(b64, "base64").toString("utf8") : "";
}

/** Plans the exam hub's objects, skipping what the last push left unchanged (as cluster pushes do). */
async function planExam(db: Db, r: PortalRender, target: PushTarget): Promise<PushPlan> {
  return planPush(examObjects(r), {
    target,
    pruneScope: { namespaces: [examNamespace(r)], selector: EXAM_PUSH_SELECTOR },
    lastApplied: target.kind === "cluster" ? loadLastApplied(db, target.connection.server) : undefined,
  });
}

/** Plan and Secret content together: apply refuses when either differs from the preview. */
function fingerprintOf(plan: PushPlan, json: string): string {
  return createHash("sha256").update(`${planFingerprint(plan)}\n${createHash("sha256").update(json).digest("hex")}`).digest("hex").slice(0, 32);
}

/** The password Secret as the exam hub has it now: null when there is none, undefined when it cannot be read. */
async function liveExamsDoc(target: PushTarget, namespace: string): Promise<ExamsDoc | null | undefined> {
  try {
    let b64: string | undefined;
    if (target.kind === "cluster") {
      const info = await target.connection.resource("v1", "Secret");
      const r = await target.connection.request<{ data?: Record<string, string> }>("GET", objectPath(info, namespace, EXAM_PASSWORDS_SECRET));
      b64 = r.body.data?.[EXAM_PASSWORDS_KEY];
    } else {
      const { readFile } = await import("node:fs/promises");
      const { parse } = await import("yaml");
      const text = await readFile(exportPath(target.dir, { kind: "Secret", namespace, name: EXAM_PASSWORDS_SECRET }), "utf8");
      b64 = (parse(text) as { data?: Record<string, string> } | null)?.data?.[EXAM_PASSWORDS_KEY];
    }
    return b64 ? parseExamsDoc(Buffer.from(b64, "base64").toString("utf8")) : null;
  } catch (e) {
    if (e instanceof ClusterError && e.kind === "not-found") return null;
    if ((e as NodeJS.ErrnoException)?.code === "ENOENT") return null;
    return undefined;
  }
}

function resolve(opts: ExamPushOptions): { target: PushTarget; owned: boolean } {
  if (opts.target) return { target: opts.target, owned: false };
  const r = safeResolveTarget();
  if ("error" in r) throw new ActionError(explainClusterError(r.error));
  return { target: r.target, owned: true };
}

/** The dry run of an exam step (or of pushing the current data): nothing is written anywhere. */
export async function previewExamPush<T>(db: Db, principal: Principal, examId: number, change: ExamChange<T> | undefined, opts: ExamPushOptions = {}): Promise<ExamPushPreviewView> {
  let rendered: PortalRender;
  try {
    rendered = renderWith(db, principal, change).rendered;
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  let resolved: { target: PushTarget; owned: boolean };
  try {
    resolved = resolve(opts);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  try {
    const plan = await planExam(db, rendered, resolved.target);
    const json = secretJson(examObjects(rendered));
    const live = await liveExamsDoc(resolved.target, examNamespace(rendered));
    const desired = parseExamsDoc(json)!;
    const hubChanges = live === undefined ? [t("hubChanges.unreadable")] : examHubChanges(live, desired, examId);
    const view = planView(plan, rendered.warnings.filter(isExamWarning));
    return { ok: true, plan: view, fingerprint: fingerprintOf(plan, json), hubChanges, namespace: examNamespace(rendered) };
  } catch (e) {
    return { ok: false, error: explainClusterError(e instanceof ClusterError ? e.toJSON() : { kind: "server", message: e instanceof Error ? e.message : String(e) }) };
  } finally {
    if (resolved.owned) closeTarget(resolved.target);
  }
}

function executed(rendered: PortalRender, target: PushTarget, startedAt: Date, plan: PushPlan | null, result: PushResult | null, error: string | null, fingerprint: string | null): ExecutedPush {
  return {
    request: { forceConflicts: false, prune: true, retryOf: null, expectedFingerprint: fingerprint },
    startedAt,
    finishedAt: new Date(),
    target: target.kind,
    location: target.kind === "cluster" ? target.connection.server : target.dir,
    plan: plan ? redactPlan(plan) : null,
    result,
    error,
    renderSummary: { ...renderSummaryOf(rendered), scope: "exam hub" },
    synced: syncPointOf(rendered, "exam"),
  };
}

/** Plans and applies a render of the exam hub's objects; the push as the history stores it. */
async function pushRendered(db: Db, rendered: PortalRender, target: PushTarget, expected: string | null | undefined): Promise<{ ex: ExecutedPush; stale?: ExamPushPreviewView }> {
  const startedAt = new Date();
  let plan: PushPlan;
  try {
    plan = await planExam(db, rendered, target);
  } catch (e) {
    const info = e instanceof ClusterError ? e.toJSON() : { kind: "server" as const, message: e instanceof Error ? e.message : String(e) };
    return { ex: executed(rendered, target, startedAt, null, null, explainClusterError(info), expected ?? null) };
  }
  const json = secretJson(examObjects(rendered));
  const fingerprint = fingerprintOf(plan, json);
  if (expected && fingerprint !== expected) {
    return { ex: executed(rendered, target, startedAt, plan, null, null, expected), stale: { ok: true, plan: planView(plan), fingerprint, hubChanges: [], namespace: examNamespace(rendered) } };
  }
  try {
    const result = await applyPush(plan, { target, prune: true });
    const error = result.aborted ? stoppedAfter(result.applied.length, result.aborted) : result.ok ? null : objectsFailed(result.items.filter((i) => !OK_ACTIONS.has(i.action)));
    return { ex: executed(rendered, target, startedAt, plan, result, error, fingerprint) };
  } catch (e) {
    const info = e instanceof ClusterError ? e.toJSON() : { kind: "server" as const, message: e instanceof Error ? e.message : String(e) };
    return { ex: executed(rendered, target, startedAt, plan, null, explainClusterError(info), fingerprint) };
  }
}

function record(db: Db, principal: Principal, ex: ExecutedPush): number {
  return db.transaction((tx) => recordPush(tx, actorOf(principal), (e) => writeAudit(tx, actorOf(principal), e), ex));
}

/**
 * Pushes the exam hub's data with `change` made, then commits `change` (with the push record and
 * its audit entries in one transaction). Without `change`: pushes the current data. Throws
 * ActionError when the hub could not get it (then the portal is unchanged, the failed push is in
 * the history) or when the preview is stale.
 */
export async function runExamPush<T>(db: Db, principal: Principal, examId: number, change: ExamChange<T> | undefined, opts: ExamPushOptions = {}): Promise<ExamPushOutcomeView & { value: T | undefined }> {
  if (!(await acquirePush(opts.waitMs ?? 60_000))) throw new ActionError(t("examPush.busy"));
  let resolved: { target: PushTarget; owned: boolean } | undefined;
  try {
    const { rendered } = renderWith(db, principal, change);
    resolved = resolve(opts);
    const { ex, stale } = await pushRendered(db, rendered, resolved.target, opts.expectedFingerprint);
    if (stale) throw new ActionError(t("examPush.stale"));
    if (ex.error) {
      const pushId = record(db, principal, ex);
      throw new ActionError(t("examPush.failed", { push: pushId, error: ex.error }));
    }
    let value: T | undefined;
    let pushId: number;
    try {
      ({ value, pushId } = db.transaction((tx) => {
        const v = change?.({ tx, principal, audit: (e) => writeAudit(tx, actorOf(principal), e) });
        return { value: v, pushId: recordPush(tx, actorOf(principal), (e) => writeAudit(tx, actorOf(principal), e), ex) };
      }));
    } catch (e) {
      // the hub has a step the portal refused now: give it the current data again
      const again = await pushRendered(db, renderPortal(db), resolved.target, null);
      record(db, principal, again.ex);
      throw e;
    }
    const outcome = pushOutcomeView(db, pushId)!;
    const written = outcome.appliedCount;
    return {
      value,
      pushId,
      status: outcome.status === "ok" ? "ok" : "failed",
      appliedCount: written,
      // without a cluster the push went to the export folder: no hub has it yet, and the page says so
      message: resolved.target.kind === "export" ? t("examPush.exported", { push: pushId }) : written ? t("examPush.written", { push: pushId }) : t("examPush.nothing", { push: pushId }),
    };
  } finally {
    releasePush();
    if (resolved?.owned) closeTarget(resolved.target);
  }
}

/**
 * An edit of what the exam hub gets, outside a lifecycle step (a room, a seat, extra time):
 * committed in one transaction with its audit entries; while the exam is open the hub gets it
 * right after (a scheduled exam gets it when it opens). The edit's sentence, then the push's. An
 * edit that answers `{ message, reachesHub: false }` changed nothing the hub gets: no push.
 */
export async function commitExamEdit(db: Db, principal: Principal, examId: number, change: ExamChange<string | { message: string; reachesHub: boolean }>, opts: ExamPushOptions = {}): Promise<string> {
  const done = db.transaction((tx) => change({ tx, principal, audit: (e) => writeAudit(tx, actorOf(principal), e) }));
  // an edit may say that this time nothing the hub gets has changed: then there is no push
  const { message, reachesHub } = typeof done === "string" ? { message: done, reachesHub: true } : done;
  const hub = reachesHub ? await pushIfOpen(db, principal, examId, opts) : "";
  return hub ? `${message} ${hub}` : message;
}

/** Pushes the current data if the exam is open (after an edit the hub must see at once); a sentence for the page. */
async function pushIfOpen(db: Db, principal: Principal, examId: number, opts: ExamPushOptions): Promise<string> {
  if (db.select({ status: exams.status }).from(exams).where(eq(exams.id, examId)).get()?.status !== "open") return "";
  try {
    return (await runExamPush(db, principal, examId, undefined, opts)).message;
  } catch (e) {
    return t("examPush.savedNotOnHub", { error: (e as Error).message });
  }
}
