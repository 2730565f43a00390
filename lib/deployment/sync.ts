/**
 * What the target holds, part by part, as far as the portal knows (table `synced_parts`).
 *
 * The render is cut into parts, each with a digest:
 *   render:teaching  every rendered object an exam push does not write (the teaching hubs, every
 *                    hub's configuration, namespaces, access rights)
 *   render:exam      the exam hub's objects an exam push writes (examPushScope)
 *   hub              the hub-wide part of the render model: hubs, admins, network, NFS, LDAP, exam networks
 *   term:<c>/<t>     one course term of the model: its course, its settings and its members
 *   exam:<id>        one exam the exam hub holds
 * The two render parts decide whether a push has anything to write: they equal what the target
 * holds exactly when it holds every object as rendered. The model parts say which course terms
 * and exams a difference concerns (the renderer is a pure function of the model: a part whose
 * model is unchanged renders unchanged).
 *
 * A successful push stores the parts it carried (a cluster push all of them, an exam push the
 * exam hub's), a push that failed after writing something forgets the render parts of its scope
 * (the target may hold part of it), and a preview that finds nothing to write stores all parts:
 * the target already holds them (pushed by an earlier portal, or before the history was kept).
 */
import { createHash } from "node:crypto";
import { and, eq, gt, like, lte, or, sql, type SQL } from "drizzle-orm";
import { refKey, refOf } from "@/lib/cluster/diff";
import { objectDigest } from "@/lib/cluster/objects";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import type { DbOrTx } from "@/lib/db/client";
import { auditLog, syncedParts } from "@/lib/db/schema";
import { HUB_CONFIG_PART, LABEL_HUB, LABEL_PART, stableJson, type KubeObject, type RenderResult } from "@/lib/render";
import type { PortalRender } from "./model";

export const RENDER_TEACHING = "render:teaching";
export const RENDER_EXAM = "render:exam";
export const HUB_PART = "hub";
export const termPart = (courseCode: string, term: string) => `term:${courseCode}/${term}`;
export const examPart = (examId: number | string) => `exam:${examId}`;

/** What a push writes: everything (a cluster push), or the exam hub's objects (an exam push). */
export type SyncScope = "full" | "exam";

/** Parts of `scope`. */
export function inScope(part: string, scope: SyncScope): boolean {
  return scope === "full" || part === RENDER_EXAM || part.startsWith("exam:");
}

/**
 * The exam hub's objects an exam push writes: all but the hub's configuration (the ConfigMap
 * `e2x-portal-hub`), which only a cluster push writes, with the hub restart it needs.
 */
export function examPushScope(o: KubeObject): boolean {
  return o.metadata.labels?.[LABEL_HUB] === "exam" && o.metadata.labels?.[LABEL_PART] !== HUB_CONFIG_PART;
}

/** Audit actions whose change the next push carries to the hubs (prefixes end with "."). */
export const HUB_ACTIONS = [
  "roster.import",
  "roster.add",
  "roster.remove",
  "roster.normalize-username",
  "term.",
  "course.",
  "staff.",
  "user.create",
  "user.update",
  "user.normalize-username",
  "exam.create",
  "exam.update",
  "exam.delete",
  "exam.schedule",
  "exam.open",
  "exam.close",
  "exam.archive",
  "exam.reopen",
  "exam.unschedule",
  "exam.room.",
  "exam.participants.",
  "exam.backups.",
  "exam.extra-time",
  "exam.seat",
  "exam.seat.",
  "exam.supervisor.",
  "exam.password.",
  "exam.sheets.print",
  "exam.unlock",
  "exam.move",
  "exam.probe",
  "cluster.settings",
] as const;

/** Audit entries of HUB_ACTIONS. */
export function hubRelevant(): SQL {
  return or(...HUB_ACTIONS.map((a) => (a.endsWith(".") ? like(auditLog.action, `${a}%`) : eq(auditLog.action, a))))!;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

const renderDigests = new WeakMap<RenderResult, { teaching: string; exam: string }>();

/**
 * The two render parts: one digest over every object's key and digest. Once per render result,
 * which the render cache keeps while the model is the same: comparing them with what the target
 * holds costs nothing more after a write that leaves the model as it was.
 */
export function renderPartsOf(render: RenderResult): { teaching: string; exam: string } {
  let hit = renderDigests.get(render);
  if (!hit) {
    const teaching: string[] = [];
    const exam: string[] = [];
    for (const o of render.objects) (examPushScope(o) ? exam : teaching).push(`${refKey(refOf(o))} ${objectDigest(o)}`);
    hit = { teaching: sha(teaching.sort().join("\n")), exam: sha(exam.sort().join("\n")) };
    renderDigests.set(render, hit);
  }
  return hit;
}

const modelDigests = new WeakMap<PortalRender, ReadonlyMap<string, string>>();

/** The model parts: the hub-wide rest, each course term, each exam. Once per render. */
export function modelPartsOf(r: PortalRender): ReadonlyMap<string, string> {
  let hit = modelDigests.get(r);
  if (hit) return hit;
  const out = new Map<string, string>();
  const members = new Map<string, unknown[]>();
  for (const m of r.model.memberships) {
    const list = members.get(m.courseId) ?? [];
    list.push(m);
    members.set(m.courseId, list);
  }
  const { courses, terms, memberships: _memberships, exams, ...rest } = r.model;
  out.set(HUB_PART, sha(stableJson(rest)));
  for (const t of terms) {
    const course = courses.find((c) => c.code === t.courseCode);
    out.set(termPart(t.courseCode, t.id), sha(stableJson({ course, term: t, members: members.get(nbgraderCourseId(t.courseCode, t.id)) ?? [] })));
  }
  for (const e of exams ?? []) out.set(examPart(e.id), sha(stableJson(e)));
  hit = out;
  modelDigests.set(r, hit);
  return hit;
}

/** Every part of a render with its digest. */
export function partsOf(r: PortalRender): ReadonlyMap<string, string> {
  const { teaching, exam } = renderPartsOf(r.render);
  return new Map([[RENDER_TEACHING, teaching], [RENDER_EXAM, exam], ...modelPartsOf(r)]);
}

/** The parts of a render a push of `scope` carries, and how far the render reached. */
export interface SyncPoint {
  scope: SyncScope;
  parts: ReadonlyMap<string, string>;
  /** The newest audit entry the render included. */
  auditId: number;
}

export function syncPointOf(r: PortalRender, scope: SyncScope): SyncPoint {
  const parts = new Map([...partsOf(r)].filter(([k]) => inScope(k, scope)));
  return { scope, parts, auditId: r.asOf.auditId };
}

export type SyncedPart = typeof syncedParts.$inferSelect;

/** What the target holds, per part (as far as the portal knows). */
export function loadSynced(db: DbOrTx): Map<string, SyncedPart> {
  return new Map(db.select().from(syncedParts).all().map((r) => [r.part, r]));
}

/** The newest audit entry (0 when there is none). */
export function latestAuditId(db: DbOrTx): number {
  return db.select({ id: sql<number | null>`max(${auditLog.id})` }).from(auditLog).get()?.id ?? 0;
}

/**
 * The target holds the parts of `point` (inside the caller's transaction): they are stored, and
 * parts of its scope the render no longer has (an archived term, an exam taken off the hub) are
 * gone from the target too.
 */
export function recordSync(tx: DbOrTx, point: SyncPoint, at: Date, pushId: number | null): void {
  for (const row of loadSynced(tx).values()) {
    if (inScope(row.part, point.scope) && !point.parts.has(row.part)) tx.delete(syncedParts).where(eq(syncedParts.part, row.part)).run();
  }
  for (const [part, digest] of point.parts) {
    const values = { part, digest, syncedAt: at, auditId: point.auditId, pushId };
    tx.insert(syncedParts).values(values).onConflictDoUpdate({ target: syncedParts.part, set: { digest, syncedAt: at, auditId: point.auditId, pushId } }).run();
  }
}

/** A push of `scope` stopped after writing part of it (or the target changed): what it holds of the scope is unknown. */
export function forgetSync(tx: DbOrTx, scope: SyncScope): void {
  for (const part of scope === "full" ? [RENDER_TEACHING, RENDER_EXAM] : [RENDER_EXAM]) tx.delete(syncedParts).where(eq(syncedParts.part, part)).run();
}

/**
 * A preview of everything found nothing to write: the target holds this render. Stored when that
 * is news (a part differs from what was known, or hub changes were made since), so that opening
 * the cluster page again and again writes nothing.
 */
export function noteFoundInSync(db: DbOrTx, r: PortalRender): void {
  const point = syncPointOf(r, "full");
  const known = loadSynced(db);
  const differs = [...point.parts].some(([part, digest]) => known.get(part)?.digest !== digest) || [...known.keys()].some((p) => !point.parts.has(p));
  let news = differs;
  if (!news) {
    const oldest = Math.min(...[...known.values()].map((k) => k.auditId));
    news = !!db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(gt(auditLog.id, oldest), lte(auditLog.id, point.auditId), hubRelevant()))
      .limit(1)
      .get();
  }
  if (news) db.transaction((tx) => recordSync(tx, point, new Date(), null));
}

/**
 * A preview of everything found something to write although the target was known to hold this
 * render (someone else changed it, or pushes go elsewhere now): what it holds is unknown again,
 * and the count says at least one change waits.
 */
export function noteFoundDifferent(db: DbOrTx, r: PortalRender): void {
  const { teaching, exam } = renderPartsOf(r.render);
  const known = loadSynced(db);
  if (known.get(RENDER_TEACHING)?.digest === teaching && known.get(RENDER_EXAM)?.digest === exam) forgetSync(db, "full");
}
