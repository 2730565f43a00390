/**
 * Receipts taken when an exam closes: the portal walks the exam's exchange folder
 * (personalized-inbound/<login>/<login>+<assignment>+<time>/ of every participant) and stores
 * per submission the SHA-256 of its SHA1SUM.txt and of every file, and the time, in an
 * append-only table (triggers refuse UPDATE and DELETE) where each entry carries the hash of the
 * one before. Graders then see whether a submission still matches the receipt taken at closing;
 * the chain shows when a receipt row itself was edited.
 *
 * Exports: scanForReceipts, storeReceipts, verifyChain, checkReceipt, receiptsOf, examReceiptsChecked,
 *          submissionReceipt, entryHash
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { and, asc, desc, eq } from "drizzle-orm";
import { ActionError } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { examMoves, examParticipants, examReceipts, exams, terms, courses } from "@/lib/db/schema";
import { exchangeRoot } from "@/lib/grading/exchange";
import { t } from "@/lib/i18n/t";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { hashcodeOfSha1sumText, SHA1SUM_FILE } from "@/lib/submissions/hash";
import { parseSubmissionFolderName } from "@/lib/submissions/scan";

export type ReceiptRow = typeof examReceipts.$inferSelect;

export interface FolderDigest {
  files: [string, string, number][];
  filesDigest: string;
  sha1sumDigest: string | null;
  hashcode: string | null;
}

const sha256 = (b: string | Uint8Array) => createHash("sha256").update(b).digest("hex");

async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Every regular file under `dir` (POSIX paths, sorted), with its SHA-256 and size; symlinks are listed by their target text. */
export async function digestFolder(dir: string): Promise<FolderDigest> {
  const files: [string, string, number][] = [];
  const walk = async (rel: string) => {
    const entries = await fsp.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, r);
      if (e.isDirectory()) await walk(r);
      else if (e.isSymbolicLink()) files.push([r, `symlink:${sha256(await fsp.readlink(abs))}`, 0]);
      else if (e.isFile()) files.push([r, await sha256File(abs), (await fsp.stat(abs)).size]);
    }
  };
  await walk("");
  files.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let sha1sumDigest: string | null = null;
  let hashcode: string | null = null;
  try {
    const text = await fsp.readFile(path.join(dir, SHA1SUM_FILE));
    sha1sumDigest = sha256(text);
    hashcode = hashcodeOfSha1sumText(text);
  } catch {
    // none
  }
  return { files, filesDigest: sha256(files.map((f) => `${f[1]}  ${f[2]}  ${f[0]}`).join("\n")), sha1sumDigest, hashcode };
}

/** The hash of one entry, over the one before: every field a grader relies on. */
export function entryHash(prevHash: string, r: Pick<ReceiptRow, "examId" | "username" | "participantId" | "key" | "assignment" | "hashcode" | "sha1sumDigest" | "filesDigest" | "takenAt"> & { files: [string, string, number][] }): string {
  const body = JSON.stringify([r.examId, r.username, r.participantId ?? null, r.key, r.assignment ?? null, r.hashcode ?? null, r.sha1sumDigest ?? null, r.filesDigest, sha256(JSON.stringify(r.files)), r.takenAt instanceof Date ? r.takenAt.getTime() : r.takenAt]);
  return sha256(`${prevHash}\n${body}`);
}

function examCourse(db: DbOrTx, examId: number): { courseId: string; status: string } | null {
  const row = db.select({ code: courses.code, term: terms.term, status: exams.status }).from(exams).innerJoin(terms, eq(terms.id, exams.termId)).innerJoin(courses, eq(courses.id, terms.courseId)).where(eq(exams.id, examId)).get();
  return row ? { courseId: nbgraderCourseId(row.code, row.term), status: row.status } : null;
}

export interface Found {
  username: string;
  participantId: number | null;
  key: string;
  assignment: string | null;
  digest: FolderDigest;
}

/**
 * Reads the exam's submissions off the exchange (no database writes): before the transaction that
 * stores them. Only of a closed exam (the hub has revoked the passwords: nobody submits any more).
 */
export async function scanForReceipts(db: DbOrTx, examId: number, root = exchangeRoot()): Promise<Found[]> {
  const c = examCourse(db, examId);
  if (!c) throw new Error(t("routes.noExam"));
  if (c.status !== "closed") throw new ActionError(t("examActions.receiptsWhenClosed"));
  const people = db.select({ id: examParticipants.id, username: examParticipants.username }).from(examParticipants).where(eq(examParticipants.examId, examId)).all();
  const moves = new Map(db.select({ backupId: examMoves.backupId, participantId: examMoves.participantId }).from(examMoves).where(eq(examMoves.examId, examId)).all().map((m) => [m.backupId, m.participantId]));
  const base = path.join(root, c.courseId, "personalized-inbound");
  const out: Found[] = [];
  for (const p of people.sort((a, b) => a.username.localeCompare(b.username))) {
    let names: string[];
    try {
      names = (await fsp.readdir(path.join(base, p.username), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const parsed = parseSubmissionFolderName(n);
      if (!parsed || parsed.student !== p.username) continue;
      out.push({ username: p.username, participantId: moves.get(p.id) ?? p.id, key: `personalized-inbound/${p.username}/${n}`, assignment: parsed.assignment, digest: await digestFolder(path.join(base, p.username, n)) });
    }
  }
  return out;
}

/** Appends one receipt per found submission not yet receipted (in the caller's transaction); the count written. */
export function storeReceipts(tx: DbOrTx, examId: number, found: readonly Found[], takenAt = new Date()): number {
  const have = new Set(tx.select({ key: examReceipts.key }).from(examReceipts).where(eq(examReceipts.examId, examId)).all().map((r) => r.key));
  let prev = tx.select({ hash: examReceipts.hash }).from(examReceipts).orderBy(desc(examReceipts.id)).limit(1).get()?.hash ?? "";
  let n = 0;
  for (const f of found) {
    if (have.has(f.key)) continue;
    const row = { examId, username: f.username, participantId: f.participantId, key: f.key, assignment: f.assignment, hashcode: f.digest.hashcode, sha1sumDigest: f.digest.sha1sumDigest, files: f.digest.files, filesDigest: f.digest.filesDigest, takenAt };
    const hash = entryHash(prev, row);
    tx.insert(examReceipts).values({ ...row, prevHash: prev, hash }).run();
    prev = hash;
    n++;
  }
  return n;
}

export interface ChainCheck {
  ok: boolean;
  entries: number;
  /** The first entry (id) whose hash or link does not hold, and why. */
  brokenAt?: { id: number; key: string; why: string };
}

/** Walks the whole chain (every exam, in order). */
export function verifyChain(db: DbOrTx): ChainCheck {
  const rows = db.select().from(examReceipts).orderBy(asc(examReceipts.id)).all();
  let prev = "";
  for (const r of rows) {
    if (r.prevHash !== prev) return { ok: false, entries: rows.length, brokenAt: { id: r.id, key: r.key, why: t("receipts.why.unlinked") } };
    if (entryHash(prev, r) !== r.hash) return { ok: false, entries: rows.length, brokenAt: { id: r.id, key: r.key, why: t("receipts.why.edited") } };
    prev = r.hash;
  }
  return { ok: true, entries: rows.length };
}

export function receiptsOf(db: DbOrTx, examId: number): ReceiptRow[] {
  return db.select().from(examReceipts).where(eq(examReceipts.examId, examId)).orderBy(asc(examReceipts.id)).all();
}

/** The receipt of a submission folder of a term's exchange (by its key), if an exam closing took one. */
function receiptFor(db: DbOrTx, termId: number, key: string): ReceiptRow | null {
  return (
    db
      .select({ r: examReceipts })
      .from(examReceipts)
      .innerJoin(exams, eq(exams.id, examReceipts.examId))
      .where(and(eq(exams.termId, termId), eq(examReceipts.key, key)))
      .orderBy(desc(examReceipts.id))
      .get()?.r ?? null
  );
}

export interface ReceiptCheck {
  matches: boolean;
  /** Files changed, added or gone since the receipt. */
  changed: string[];
  sha1sumChanged: boolean;
}

/** The folder now against its receipt. */
export async function checkReceipt(r: ReceiptRow, root = exchangeRoot(), courseId?: string): Promise<ReceiptCheck> {
  const dir = path.join(root, courseId ?? "", r.key);
  let now: FolderDigest;
  try {
    now = await digestFolder(dir);
  } catch {
    return { matches: false, changed: [t("receipts.diff.folderGone")], sha1sumChanged: true };
  }
  const was = new Map(r.files.map((f) => [f[0], f[1]]));
  const is = new Map(now.files.map((f) => [f[0], f[1]]));
  const changed: string[] = [];
  for (const [p, h] of was) if (is.get(p) !== h) changed.push(t(is.has(p) ? "receipts.diff.changed" : "receipts.diff.gone", { path: p }));
  for (const p of is.keys()) if (!was.has(p)) changed.push(t("receipts.diff.added", { path: p }));
  const sha1sumChanged = now.sha1sumDigest !== r.sha1sumDigest;
  return { matches: changed.length === 0 && !sha1sumChanged && now.filesDigest === r.filesDigest, changed, sha1sumChanged };
}

export interface CheckedReceipt {
  receipt: ReceiptRow;
  check: ReceiptCheck;
}

/** The receipts page: an exam's receipts, each checked against its folder now, and the chain. */
export async function examReceiptsChecked(db: DbOrTx, examId: number, root = exchangeRoot()): Promise<{ receipts: CheckedReceipt[]; chain: ChainCheck }> {
  const courseId = examCourse(db, examId)?.courseId;
  const rows = receiptsOf(db, examId);
  const checks = await Promise.all(rows.map((r) => checkReceipt(r, root, courseId)));
  return { receipts: rows.map((receipt, i) => ({ receipt, check: checks[i] })), chain: verifyChain(db) };
}

/** The grading page's card: the receipt a closing took of a term's submission folder (by its key), checked now, and the chain. */
export async function submissionReceipt(db: DbOrTx, termId: number, key: string, root = exchangeRoot()): Promise<(CheckedReceipt & { chain: ChainCheck }) | null> {
  const receipt = receiptFor(db, termId, key);
  if (!receipt) return null;
  return { receipt, check: await checkReceipt(receipt, root, examCourse(db, receipt.examId)?.courseId), chain: verifyChain(db) };
}
