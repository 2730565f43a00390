/**
 * Nothing stale without saying so: how many changes made in the portal have not reached the
 * hubs yet, for the navigation (admins) and per term.
 *
 * The count is 0 exactly when a push has nothing to write: the current render is compared with
 * what the target holds (sync.ts: left there by the last push, or found there by a preview with
 * nothing to write). When they differ, the audited changes of the parts that differ are counted
 * (a course term, an exam the exam hub holds, the hub-wide settings), from the newest audit entry
 * the target's copy of that part included; a part that differs without an audited change counts
 * as one, and so does a part taken off the hubs (an archived term, an exam back in draft), however
 * many edits it had before. Edits no hub receives (a draft exam, a change undone before the push)
 * leave their part as the target holds it, and are not counted. An exam push carries the exam
 * hub's part only: the teaching hubs' changes stay pending until a cluster push.
 *
 * Before the portal knew what the target holds (a database from before `synced_parts`, until the
 * next push or preview) or when the data cannot be rendered: the audited changes since the last
 * successful push, leaving out exams that never reached the exam hub.
 */
import { and, desc, eq, gt, inArray, isNull, not, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { whileUnchanged } from "@/lib/db/state";
import { auditLog, courses, exams, pushes, students, termStaff, terms } from "@/lib/db/schema";
import { HUB_STATUSES } from "@/lib/exams/hub-data";
import type { RenderOptions } from "@/lib/render";
import { renderPortal, type PortalRender } from "./model";
import { examPart, HUB_PART, hubRelevant, loadSynced, modelPartsOf, RENDER_EXAM, RENDER_TEACHING, renderPartsOf, termPart, type SyncedPart } from "./sync";

export { HUB_ACTIONS } from "./sync";

export interface LastPush {
  id: number;
  startedAt: Date;
  finishedAt: Date;
}

/** The last push that went through, or null before the first one. */
export function lastGoodPush(db: DbOrTx): LastPush | null {
  return db.select({ id: pushes.id, startedAt: pushes.startedAt, finishedAt: pushes.finishedAt }).from(pushes).where(eq(pushes.status, "ok")).orderBy(desc(pushes.startedAt)).limit(1).get() ?? null;
}

export interface Staleness {
  /** Changes not yet on the hubs. */
  pending: number;
  /** The newest of them. */
  changedAt: Date | null;
  /** When the hubs last got (or were found holding) this part, or null when they never had it. */
  pushedAt: Date | null;
}

/**
 * All pending changes (for admins: the count in the navigation). `options`: the render options
 * pushes use (tests push with small profile shards).
 */
export function pendingChanges(db: DbOrTx, options: RenderOptions = {}): Staleness {
  // every page's navigation shows it: counted again only after the database changed
  return whileUnchanged(db, `pendingChanges:${JSON.stringify(options)}`, () => {
    const view = hubView(db, options);
    return view.kind === "tracked" ? countParts(view, null) : legacyCount(db, view.last, undefined);
  });
}

/**
 * Pending changes that concern one term: its own settings, staff and roster, its course's
 * settings, and its exams.
 */
export function termStaleness(db: DbOrTx, courseId: number, termId: number, options: RenderOptions = {}): Staleness {
  return whileUnchanged(db, `termStaleness:${courseId}:${termId}:${JSON.stringify(options)}`, () => {
    const view = hubView(db, options);
    if (view.kind === "legacy") return legacyCount(db, view.last, termConcerns(db, courseId, termId));
    const part = view.termParts.get(termId);
    const examIds = db.select({ id: exams.id }).from(exams).where(eq(exams.termId, termId)).all();
    const own = [...(part ? [part] : []), ...examIds.map((e) => examPart(e.id))];
    const s = countParts(view, own);
    return { ...s, pushedAt: part ? (view.synced.get(part)?.syncedAt ?? null) : null };
  });
}

// ---- the render against what the target holds ---------------------------------------------

interface Entry {
  id: number;
  at: number;
}

interface TrackedView {
  kind: "tracked";
  /** Both render parts are as the target holds them: a push has nothing to write. */
  inSync: boolean;
  synced: Map<string, SyncedPart>;
  /** Model parts that differ from the target's, with the audited changes made since it got them. */
  differing: Map<string, { removed: boolean; entries: Entry[] }>;
  /** Term id -> its part. */
  termParts: Map<number, string>;
}

type HubView = TrackedView | { kind: "legacy"; last: LastPush | null };

function hubView(db: DbOrTx, options: RenderOptions): HubView {
  return whileUnchanged(db, `hubView:${JSON.stringify(options)}`, () => {
    const synced = loadSynced(db);
    let rendered: PortalRender | null = null;
    if (synced.size > 0) {
      try {
        rendered = renderPortal(db, options);
      } catch {
        rendered = null; // the push cannot render either: it says why
      }
    }
    if (!rendered) return { kind: "legacy", last: lastGoodPush(db) };
    const termParts = termPartsOf(db);
    const differing = new Map<string, { removed: boolean; entries: Entry[] }>();
    const { teaching, exam } = renderPartsOf(rendered.render);
    const inSync = synced.get(RENDER_TEACHING)?.digest === teaching && synced.get(RENDER_EXAM)?.digest === exam;
    // the usual case, nothing pending: the model's parts are not needed
    if (inSync) return { kind: "tracked", inSync, synced, differing, termParts };
    const parts = modelPartsOf(rendered);
    const since = new Map<string, number>();
    // a part the target never had is newer than what it was last given (or came with the
    // first push that kept track)
    const floor = Math.min(...[...synced.values()].map((r) => r.auditId));
    for (const part of new Set([...parts.keys(), ...synced.keys()])) {
      if (part === RENDER_TEACHING || part === RENDER_EXAM) continue;
      const had = synced.get(part);
      if (had?.digest === parts.get(part)) continue;
      differing.set(part, { removed: !parts.has(part), entries: [] });
      since.set(part, had?.auditId ?? floor);
    }
    if (differing.size > 0) {
      const from = Math.min(...since.values());
      const rows = db
        .select({ id: auditLog.id, at: auditLog.at, entityType: auditLog.entityType, entityId: auditLog.entityId, courseId: auditLog.courseId })
        .from(auditLog)
        .where(and(gt(auditLog.id, from), hubRelevant()))
        .orderBy(auditLog.id)
        .all();
      const partsOfEntry = entryParts(db, rows, termParts);
      for (const r of rows) {
        for (const part of partsOfEntry(r)) {
          const d = differing.get(part);
          if (d && r.id > since.get(part)!) d.entries.push({ id: r.id, at: r.at.getTime() });
        }
      }
    }
    return { kind: "tracked", inSync, synced, differing, termParts };
  });
}

/** Every term's part (archived ones too: they may still be on the hubs). */
function termPartsOf(db: DbOrTx): Map<number, string> {
  const rows = db.select({ id: terms.id, term: terms.term, code: courses.code }).from(terms).innerJoin(courses, eq(courses.id, terms.courseId)).all();
  return new Map(rows.map((r) => [r.id, termPart(r.code, r.term)]));
}

type EntryRow = { entityType: string; entityId: string | null; courseId: number | null };

/** Which parts an audit entry changed: its term, its course's terms, its exam, a staff member's terms, the hub-wide part. */
function entryParts(db: DbOrTx, rows: readonly EntryRow[], termParts: Map<number, string>): (r: EntryRow) => string[] {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.entityType === type && r.entityId && /^\d+$/.test(r.entityId)).map((r) => Number(r.entityId)))];
  const termOfStudent = new Map<number, number>();
  const termsOfUser = new Map<number, number[]>();
  const studentIds = ids("student");
  const userIds = ids("user");
  for (let i = 0; i < studentIds.length; i += 500) {
    for (const s of db.select({ id: students.id, termId: students.termId }).from(students).where(inArray(students.id, studentIds.slice(i, i + 500))).all()) termOfStudent.set(s.id, s.termId);
  }
  for (let i = 0; i < userIds.length; i += 500) {
    for (const s of db.select({ userId: termStaff.userId, termId: termStaff.termId }).from(termStaff).where(inArray(termStaff.userId, userIds.slice(i, i + 500))).all()) {
      termsOfUser.set(s.userId, [...(termsOfUser.get(s.userId) ?? []), s.termId]);
    }
  }
  const courseTerms = new Map<number, number[]>();
  for (const t of db.select({ id: terms.id, courseId: terms.courseId }).from(terms).all()) courseTerms.set(t.courseId, [...(courseTerms.get(t.courseId) ?? []), t.id]);
  const partsOfTerms = (ids: readonly number[] | undefined) => (ids ?? []).map((id) => termParts.get(id)).filter((p): p is string => !!p);
  return (r) => {
    const id = Number(r.entityId);
    switch (r.entityType) {
      case "term":
        return partsOfTerms([id]);
      case "student":
        return partsOfTerms(termOfStudent.has(id) ? [termOfStudent.get(id)!] : []);
      case "course":
        return partsOfTerms(courseTerms.get(r.courseId ?? id));
      case "exam":
        return r.entityId ? [examPart(r.entityId)] : [];
      case "user":
        return [HUB_PART, ...partsOfTerms(termsOfUser.get(id))];
      default:
        return [HUB_PART];
    }
  };
}

/**
 * The changes waiting in `only` (null: everywhere). Each audited change once, however many parts
 * it touched; a part that differs with none of them counts as one change, and a part that goes
 * away as one. 0 when the target holds the render; at least 1 when it does not.
 */
function countParts(view: TrackedView, only: readonly string[] | null): Staleness {
  const pushedAt = [...view.synced.values()].reduce<Date | null>((a, r) => (!a || r.syncedAt > a ? r.syncedAt : a), null);
  if (view.inSync) return { pending: 0, changedAt: null, pushedAt };
  const ids = new Set<number>();
  let single = 0;
  let newest = 0;
  for (const [part, d] of view.differing) {
    if (only && !only.includes(part)) continue;
    const last = d.entries.at(-1);
    if (last) newest = Math.max(newest, last.at);
    if (d.removed || d.entries.length === 0) single++;
    else for (const e of d.entries) ids.add(e.id);
  }
  const pending = ids.size + single;
  return { pending: only ? pending : Math.max(pending, 1), changedAt: newest ? new Date(newest) : null, pushedAt };
}

// ---- before the portal knew what the target holds -------------------------------------------

/** Entries of one term: its own settings, staff and roster, its course's settings, and its exams. */
function termConcerns(db: DbOrTx, courseId: number, termId: number): SQL {
  const id = String(termId);
  const studentIds = db.select({ id: sql<string>`cast(${students.id} as text)` }).from(students).where(eq(students.termId, termId));
  const examIds = db.select({ id: sql<string>`cast(${exams.id} as text)` }).from(exams).where(eq(exams.termId, termId));
  return and(
    eq(auditLog.courseId, courseId),
    or(
      and(eq(auditLog.entityType, "term"), eq(auditLog.entityId, id)),
      eq(auditLog.entityType, "course"),
      and(eq(auditLog.entityType, "student"), inArray(auditLog.entityId, studentIds)),
      and(eq(auditLog.entityType, "exam"), inArray(auditLog.entityId, examIds)),
    ),
  )!;
}

/** Audited hub changes since the last good push, without those of exams that never were on the exam hub. */
function legacyCount(db: DbOrTx, last: LastPush | null, where: SQL | undefined): Staleness {
  const neverOnHub = db
    .select({ id: sql<string>`cast(${exams.id} as text)` })
    .from(exams)
    .where(and(notInArray(exams.status, [...HUB_STATUSES]), isNull(exams.hubPushId)));
  const cond = and(hubRelevant(), where, not(and(eq(auditLog.entityType, "exam"), inArray(auditLog.entityId, neverOnHub))!), last ? gt(auditLog.at, last.startedAt) : undefined);
  const row = db.select({ n: sql<number>`count(*)`, at: sql<number | null>`max(${auditLog.at})` }).from(auditLog).where(cond).get();
  const n = row?.n ?? 0;
  // never pushed: a push would write everything
  return { pending: !last && !where ? Math.max(n, 1) : n, changedAt: row?.at ? new Date(row.at) : null, pushedAt: last?.startedAt ?? null };
}
