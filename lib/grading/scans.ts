/**
 * Scans of a term's exchange, run in the background of the server process.
 *
 * A scan is a `submission_scans` row. `startScan` / `resumeScan` write it inside the caller's
 * transaction; `scheduleScan` then runs lib/submissions' scanner in this process (a job registry
 * on globalThis, so every route bundle sees the same jobs). While it runs, finished submissions
 * are stored in batches together with the progress and the scanner's checkpoint, so a scan cut
 * short (stopped, or the server restarted) resumes where the last batch ended. At the end the
 * statuses of the term's submissions are recomputed (several submissions, late) and folders no
 * longer in the exchange are marked gone.
 *
 * A row left `queued`/`running` with no job in this process belongs to a server that stopped.
 * Reads (`getScan`, `latestScan`) show such a row as `paused`, which the overview offers to
 * resume, without writing; the next write of the term's scans (`startScan`, `resumeScan`)
 * stores it so (`reconcileInterrupted`).
 */
import { t as tr } from "@/lib/i18n/t";
import { and, desc, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { Actor } from "@/lib/audit/audit";
import { writeAudit } from "@/lib/audit/audit";
import type { ActionContext } from "@/lib/auth/guard-types";
import { ActionError } from "@/lib/auth/guard-types";
import type { Db, DbOrTx } from "@/lib/db/client";
import { submissionFiles, submissionScans, submissions, users, type ScanStatus } from "@/lib/db/schema";
import { getTerm } from "@/lib/courses/courses";
import { submissionFileRows, submissionRow } from "@/lib/submissions/persist";
import { emptyCheckpoint, scanExchange, type ScanCheckpoint, type ScannedSubmission, type ScanProgress, type ScanSummary } from "@/lib/submissions/scan";
import { verifySubmission } from "@/lib/submissions/verify";
import { ensureAssignments } from "./assignments";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { exchangeRoot, releasedAssignments } from "./exchange";
import { deadlinesOf, recomputeStatuses } from "./statuses";
import type { ScanNoteKey, ScanView } from "./types";

export type { ScanView };

export type ScanRow = typeof submissionScans.$inferSelect;

interface Job {
  scanId: number;
  controller: AbortController;
  promise: Promise<void>;
}

const g = globalThis as unknown as { __e2xScanJobs?: Map<number, Job> };
function jobs(): Map<number, Job> {
  return (g.__e2xScanJobs ??= new Map());
}

export function isScanActive(scanId: number): boolean {
  return jobs().has(scanId);
}

/** The portal's own notes on a scan, stored in English; `scanView` names their catalogue keys. */
const INTERRUPTED = "The server stopped during this scan. Resume it to continue from the last checkpoint.";
const STOPPED = "Stopped. Resume to continue from the last checkpoint.";
const NOTE_KEYS: ReadonlyMap<string, ScanNoteKey> = new Map([
  [INTERRUPTED, "interrupted"],
  [STOPPED, "stopped"],
]);

/** Rows left queued/running by a server that is gone become `paused` (resumable). */
export function reconcileInterrupted(db: DbOrTx, termId?: number): number {
  const active = [...jobs().keys()];
  const where = [inArray(submissionScans.status, ["queued", "running"] as ScanStatus[])];
  if (termId !== undefined) where.push(eq(submissionScans.termId, termId));
  if (active.length) where.push(notInArray(submissionScans.id, active));
  return db.update(submissionScans).set({ status: "paused", error: INTERRUPTED, updatedAt: new Date() }).where(and(...where)).run().changes;
}

function termInfo(db: DbOrTx, termId: number) {
  const row = getTerm(db, termId);
  if (!row) throw new ActionError(tr("scanErrors.noTerm"));
  return { termId, courseId: row.course.id, nbgraderId: nbgraderCourseId(row.course.code, row.term.term) };
}

/** The row as this process sees it: queued or running without a job here means interrupted. */
function live(row: ScanRow | undefined): ScanRow | null {
  if (!row) return null;
  if ((row.status === "queued" || row.status === "running") && !isScanActive(row.id)) return { ...row, status: "paused", error: INTERRUPTED };
  return row;
}

/** The term's newest scan. A read: writes nothing. */
export function latestScan(db: DbOrTx, termId: number): ScanRow | null {
  return live(db.select().from(submissionScans).where(eq(submissionScans.termId, termId)).orderBy(desc(submissionScans.id)).limit(1).get());
}

/** One scan, as the progress poll reads it. A read: writes nothing. */
export function getScan(db: DbOrTx, scanId: number): ScanRow | null {
  return live(db.select().from(submissionScans).where(eq(submissionScans.id, scanId)).get());
}

/** Creates a queued scan of the term's exchange. Call `scheduleScan` after the transaction. */
export function startScan(
  input: { termId: number; assignmentName?: string | null; root?: string },
  { tx, principal, audit }: ActionContext,
): ScanRow {
  const t = termInfo(tx, input.termId);
  reconcileInterrupted(tx, t.termId);
  const running = tx
    .select({ id: submissionScans.id })
    .from(submissionScans)
    .where(and(eq(submissionScans.termId, t.termId), inArray(submissionScans.status, ["queued", "running"] as ScanStatus[])))
    .get();
  if (running) throw new ActionError(tr("scanErrors.running"));
  const root = input.root ?? exchangeRoot();
  const row = tx
    .insert(submissionScans)
    .values({ termId: t.termId, exchangeRoot: root, courseId: t.nbgraderId, assignmentName: input.assignmentName ?? null, status: "queued", startedById: principal.id })
    .returning()
    .get();
  // Placeholder job, so that nothing reconciles the row away before the job starts.
  reserve(row.id);
  audit({
    action: "grading.scan.start",
    entityType: "scan",
    entityId: row.id,
    courseId: t.courseId,
    message: { key: "scanStart", params: { path: `${root}/${t.nbgraderId}`, all: row.assignmentName ? "no" : "yes", assignment: row.assignmentName ?? "" } },
    after: { exchangeRoot: root, courseId: t.nbgraderId, assignment: row.assignmentName },
  });
  return row;
}

/** Queues a paused or failed scan again; it skips the submissions its checkpoint lists. */
export function resumeScan(input: { termId: number; scanId: number }, { tx, audit }: ActionContext): ScanRow {
  const t = termInfo(tx, input.termId);
  reconcileInterrupted(tx, t.termId);
  const scan = tx.select().from(submissionScans).where(and(eq(submissionScans.id, input.scanId), eq(submissionScans.termId, t.termId))).get();
  if (!scan) throw new ActionError(tr("scanErrors.notInTerm"));
  if (scan.status !== "paused" && scan.status !== "failed") throw new ActionError(tr("scanErrors.notResumable", { status: scan.status }));
  const other = tx
    .select({ id: submissionScans.id })
    .from(submissionScans)
    .where(and(eq(submissionScans.termId, t.termId), inArray(submissionScans.status, ["queued", "running"] as ScanStatus[])))
    .get();
  if (other) throw new ActionError(tr("scanErrors.otherRunning"));
  tx.update(submissionScans).set({ status: "queued", error: null, updatedAt: new Date() }).where(eq(submissionScans.id, scan.id)).run();
  reserve(scan.id);
  const done = scan.checkpoint?.completed.length ?? 0;
  audit({
    action: "grading.scan.resume",
    entityType: "scan",
    entityId: scan.id,
    courseId: t.courseId,
    message: { key: "scanResume", params: { id: String(scan.id), course: scan.courseId, done } },
  });
  return { ...scan, status: "queued" };
}

/** Asks a running scan to stop after the submissions in flight; it can be resumed. */
export function stopScan(input: { termId: number; scanId: number }, { tx, audit }: ActionContext): void {
  const t = termInfo(tx, input.termId);
  const scan = tx.select().from(submissionScans).where(and(eq(submissionScans.id, input.scanId), eq(submissionScans.termId, t.termId))).get();
  if (!scan) throw new ActionError(tr("scanErrors.notInTerm"));
  const job = jobs().get(scan.id);
  if (!job || (scan.status !== "running" && scan.status !== "queued")) throw new ActionError(tr("scanErrors.notRunning"));
  job.controller.abort();
  audit({ action: "grading.scan.stop", entityType: "scan", entityId: scan.id, courseId: t.courseId, message: { key: "scanStop", params: { id: String(scan.id), course: scan.courseId } } });
}

function reserve(scanId: number): Job {
  const existing = jobs().get(scanId);
  if (existing) return existing;
  const job: Job = { scanId, controller: new AbortController(), promise: Promise.resolve() };
  jobs().set(scanId, job);
  return job;
}

export interface ScanJobOptions {
  concurrency?: number;
  chunkSize?: number;
  /** Longest time between two stored batches (default 500 ms). */
  flushIntervalMs?: number;
  /** Largest batch (default 50 submissions). */
  batchSize?: number;
  /** Test hook: called after each stored batch with the number of submissions stored so far. */
  onBatch?: (stored: number, controller: AbortController) => void;
}

/**
 * Runs a queued scan in the background of this process (after the current transaction has
 * committed). Returns the job's promise; it never rejects (failures are stored on the row).
 */
export function scheduleScan(db: Db, scanId: number, opts: ScanJobOptions = {}): Promise<void> {
  const job = reserve(scanId);
  job.promise = new Promise<void>((r) => setImmediate(r))
    .then(() => runJob(db, scanId, job.controller, opts))
    .catch((e) => console.error("scan job", scanId, e instanceof Error ? e.message : e))
    .finally(() => {
      if (jobs().get(scanId) === job) jobs().delete(scanId);
    });
  return job.promise;
}

function actorOf(db: DbOrTx, userId: number | null): Actor {
  if (userId === null) return { id: null, username: "system" };
  const u = db.select({ username: users.username }).from(users).where(eq(users.id, userId)).get();
  return { id: userId, username: u?.username ?? "system" };
}

const FILE_BATCH = 500;

async function runJob(db: Db, scanId: number, controller: AbortController, opts: ScanJobOptions): Promise<void> {
  const scan = db.select().from(submissionScans).where(eq(submissionScans.id, scanId)).get();
  if (!scan || scan.status !== "queued") return;
  const t = termInfo(db, scan.termId);
  const actor = actorOf(db, scan.startedById);
  const resuming = scan.checkpoint !== null && scan.checkpoint.root === scan.exchangeRoot && scan.checkpoint.courseId === scan.courseId;
  const known = db.select({ key: submissions.key, fp: submissions.firstSeenFingerprint }).from(submissions).where(eq(submissions.termId, t.termId)).all();
  const checkpoint: ScanCheckpoint = resuming ? structuredClone(scan.checkpoint!) : emptyCheckpoint(scan.exchangeRoot, scan.courseId);
  for (const k of known) checkpoint.firstSeen[k.key] = k.fp;
  const base = resuming ? { files: scan.filesHashed, bytes: scan.bytesHashed } : { files: 0, bytes: 0 };
  const now = () => new Date();
  db.update(submissionScans)
    .set({ status: "running", error: null, startedAt: scan.startedAt ?? now(), updatedAt: now(), ...(resuming ? {} : { checkpoint: checkpoint }) })
    .where(eq(submissionScans.id, scanId))
    .run();

  const deadlines = deadlinesOf(db, t.termId);
  const released = await releasedAssignments(scan.exchangeRoot, scan.courseId).catch(() => [] as string[]);
  let assignmentIds = ensureAssignments(db, t.termId, scan.assignmentName ? released.filter((n) => n === scan.assignmentName) : released);

  let progress: ScanProgress | null = null;
  let live: ScanCheckpoint = checkpoint;
  let lastProgressWrite = 0;
  const progressSet = (p: ScanProgress) => ({
    submissionsTotal: p.submissionsTotal,
    submissionsDone: p.submissionsDone,
    submissionsSkipped: p.submissionsSkipped,
    filesHashed: base.files + p.filesHashed,
    bytesHashed: base.bytes + p.bytesHashed,
    updatedAt: now(),
  });
  // Submissions done as stored: those whose rows (and checkpoint) a flush has committed, so a
  // scan cut short never says more were done than it holds. Until the first flush, the ones an
  // earlier run stored (skipped now).
  let doneStored: number | null = null;
  const writeProgress = (force = false) => {
    if (!progress) return;
    const at = Date.now();
    if (!force && at - lastProgressWrite < 500) return;
    lastProgressWrite = at;
    const submissionsDone = Math.min(progress.submissionsDone, doneStored ?? progress.submissionsSkipped);
    db.update(submissionScans).set({ ...progressSet(progress), submissionsDone }).where(eq(submissionScans.id, scanId)).run();
  };

  let stored = 0;
  const buffer: ScannedSubmission[] = [];
  let lastFlush = Date.now();
  const flush = () => {
    if (buffer.length === 0) return;
    const batch = buffer.splice(0);
    db.transaction((tx) => {
      const names = batch.map((s) => s.assignment).filter((a): a is string => !!a && !assignmentIds.has(a));
      if (names.length) assignmentIds = ensureAssignments(tx, t.termId, names);
      for (const sub of batch) {
        const verdict = verifySubmission(sub, { deadline: sub.assignment ? deadlines[sub.assignment] : null });
        const row = submissionRow(sub, verdict, { termId: t.termId, assignmentId: sub.assignment ? (assignmentIds.get(sub.assignment) ?? null) : null, scanId });
        const { termId: _t, key: _k, firstSeenAt: _f, ...update } = row;
        const id = tx
          .insert(submissions)
          .values(row)
          .onConflictDoUpdate({ target: [submissions.termId, submissions.key], set: { ...update, goneAt: null } })
          .returning({ id: submissions.id })
          .get().id;
        tx.delete(submissionFiles).where(eq(submissionFiles.submissionId, id)).run();
        const files = submissionFileRows(sub, id);
        for (let i = 0; i < files.length; i += FILE_BATCH) tx.insert(submissionFiles).values(files.slice(i, i + FILE_BATCH)).run();
      }
      // The checkpoint lists exactly the submissions stored so far.
      tx.update(submissionScans)
        .set({ ...(progress ? progressSet(progress) : {}), checkpoint: live })
        .where(eq(submissionScans.id, scanId))
        .run();
    });
    stored += batch.length;
    if (progress) doneStored = progress.submissionsDone;
    lastFlush = Date.now();
    opts.onBatch?.(stored, controller);
  };

  let summary!: ScanSummary;
  try {
    const gen = scanExchange({
      root: scan.exchangeRoot,
      courseId: scan.courseId,
      assignmentId: scan.assignmentName ?? undefined,
      checkpoint,
      concurrency: opts.concurrency,
      chunkSize: opts.chunkSize,
      signal: controller.signal,
      onProgress: (p) => {
        progress = p;
        writeProgress();
      },
      onCheckpoint: (c) => {
        live = c;
      },
    });
    for (;;) {
      const r = await gen.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      buffer.push(r.value);
      if (buffer.length >= (opts.batchSize ?? 50) || Date.now() - lastFlush >= (opts.flushIntervalMs ?? 500)) flush();
    }
    flush();
  } catch (e) {
    try {
      flush();
    } catch {
      /* keep the last stored checkpoint */
    }
    const message = e instanceof Error ? e.message : String(e);
    db.transaction((tx) => {
      tx.update(submissionScans).set({ status: "failed", error: message, updatedAt: now() }).where(eq(submissionScans.id, scanId)).run();
      writeAudit(tx, actor, { action: "grading.scan.fail", entityType: "scan", entityId: scanId, courseId: t.courseId, message: { key: "scanFail", params: { id: String(scanId), course: scan.courseId, error: message } } });
    });
    return;
  }

  progress = summary.progress;
  if (summary.aborted) {
    db.update(submissionScans)
      .set({ ...progressSet(summary.progress), status: "paused", error: STOPPED, checkpoint: summary.checkpoint })
      .where(eq(submissionScans.id, scanId))
      .run();
    return;
  }

  db.transaction((tx) => {
    const blocked = summary.rootProblems.some((p) => p.code === "root-missing" || p.code === "unreadable-dir");
    let gone = 0;
    if (!blocked) {
      const seen = summary.checkpoint.completed;
      const where = [eq(submissions.termId, t.termId), isNull(submissions.goneAt)];
      if (scan.assignmentName) where.push(eq(submissions.assignmentName, scan.assignmentName));
      const present = new Set(seen);
      const missing = tx.select({ id: submissions.id, key: submissions.key }).from(submissions).where(and(...where)).all().filter((r) => !present.has(r.key));
      for (let i = 0; i < missing.length; i += 500) {
        tx.update(submissions).set({ goneAt: now(), counts: false }).where(inArray(submissions.id, missing.slice(i, i + 500).map((r) => r.id))).run();
      }
      gone = missing.length;
    }
    recomputeStatuses(tx, t.termId, scan.assignmentName ? [scan.assignmentName] : undefined);
    tx.update(submissionScans)
      .set({ ...progressSet(summary.progress), status: "completed", error: null, checkpoint: null, rootProblems: summary.rootProblems, finishedAt: now() })
      .where(eq(submissionScans.id, scanId))
      .run();
    const counts = tx
      .select({ status: submissions.status, n: sql<number>`count(*)` })
      .from(submissions)
      .where(and(eq(submissions.termId, t.termId), isNull(submissions.goneAt), eq(submissions.counts, true)))
      .groupBy(submissions.status)
      .all();
    const c = Object.fromEntries(counts.map((r) => [r.status, r.n]));
    writeAudit(tx, actor, {
      action: "grading.scan.finish",
      entityType: "scan",
      entityId: scanId,
      courseId: t.courseId,
      message: {
        key: "scanFinish",
        params: { id: String(scanId), course: scan.courseId, folders: summary.progress.submissionsTotal, verified: c.verified ?? 0, mismatch: c.mismatch ?? 0, noCode: c["missing-hashcode"] ?? 0, gone },
      },
      after: { submissions: summary.progress.submissionsTotal, statuses: c, gone, rootProblems: summary.rootProblems.length },
    });
  });
}

export function scanView(row: ScanRow): ScanView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    termId: row.termId,
    status: row.status,
    exchangeRoot: row.exchangeRoot,
    courseId: row.courseId,
    assignmentName: row.assignmentName,
    submissionsTotal: row.submissionsTotal,
    submissionsDone: row.submissionsDone,
    submissionsSkipped: row.submissionsSkipped,
    filesHashed: row.filesHashed,
    bytesHashed: row.bytesHashed,
    checkpointed: row.checkpoint?.completed.length ?? 0,
    rootProblems: row.rootProblems,
    error: row.error,
    errorKey: row.error ? (NOTE_KEYS.get(row.error) ?? null) : null,
    active: isScanActive(row.id),
    resumable: row.status === "paused" || row.status === "failed",
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    updatedAt: iso(row.updatedAt),
    finishedAt: iso(row.finishedAt),
  };
}
