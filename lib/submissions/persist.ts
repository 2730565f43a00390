/**
 * Pure mapping between scanner/verifier results and the rows of lib/db/schema/submissions.ts.
 * No database access here: callers insert/upsert the rows inside their transaction.
 *
 * Exports:
 *   submissionRow(sub, verdict, ctx): SubmissionInsert        row for `submissions`
 *   submissionFileRows(sub, submissionId): SubmissionFileInsert[]   rows for `submission_files`
 *   fromRows(row, files): VerifiableSubmission                 back to what verify.ts reads
 *   firstSeenFromRows(rows): Record<key, fingerprint>         ScanCheckpoint.firstSeen for a rescan
 */
import type { submissionFiles, submissions, SubmissionFileStatus } from "../db/schema/submissions";
import { compareCodePoints, normalizeHashcode } from "./hash";
import type { ScannedFile, ScannedSubmission } from "./scan";
import { diffAgainstSha1sum, type SubmissionVerdict, type VerifiableSubmission } from "./verify";

export type SubmissionInsert = typeof submissions.$inferInsert;
export type SubmissionRow = typeof submissions.$inferSelect;
export type SubmissionFileInsert = typeof submissionFiles.$inferInsert;
export type SubmissionFileRow = typeof submissionFiles.$inferSelect;

export function submissionRow(
  sub: ScannedSubmission,
  verdict: SubmissionVerdict,
  ctx: { termId: number; assignmentId?: number | null; scanId?: number | null; firstSeenAt?: Date },
): SubmissionInsert {
  return {
    termId: ctx.termId,
    assignmentId: ctx.assignmentId ?? null,
    key: sub.key,
    layout: sub.layout,
    folderName: sub.folderName,
    personalizedUser: sub.personalizedUser,
    student: sub.student,
    assignmentName: sub.assignment,
    timestamp: sub.timestamp,
    submittedAt: sub.submittedAt ? new Date(Math.floor(sub.submittedAt.epochMicros / 1000)) : null,
    submittedAtUtc: sub.submittedAt?.utc ?? null,
    info: sub.info,
    recordedHashcode: sub.recordedHashcode,
    recordedHashcodeNorm: sub.recordedHashcode ? normalizeHashcode(sub.recordedHashcode) : null,
    mode: sub.mode,
    storedHashcode: sub.sha1sum.storedHashcode,
    storedHashcodeNorm: sub.sha1sum.storedHashcode ? normalizeHashcode(sub.sha1sum.storedHashcode) : null,
    rebuiltHashcode: sub.sha1sum.rebuiltHashcode,
    notebookSha1: sub.notebook?.sha1 ?? null,
    notebookHashcode: sub.notebook?.short ?? null,
    notebookLegacyHashcode: sub.notebook?.legacy ?? null,
    totalBytes: sub.totalBytes,
    fingerprint: sub.fingerprint,
    firstSeenFingerprint: sub.firstSeenFingerprint,
    ...(ctx.firstSeenAt ? { firstSeenAt: ctx.firstSeenAt } : {}),
    lastScanId: ctx.scanId ?? null,
    lastScannedAt: new Date(sub.scannedAt),
    status: verdict.status,
    flagKinds: [...new Set(verdict.flags.map((f) => f.kind))],
    flags: verdict.flags,
    problems: sub.problems,
    counts: verdict.counts,
  };
}

/** One row per file now present, plus one per path listed in SHA1SUM.txt but gone. */
export function submissionFileRows(sub: ScannedSubmission, submissionId: number): SubmissionFileInsert[] {
  const listed = new Map(sub.sha1sum.listed.map((e) => [e.path, e.sha1]));
  const diffs = new Map(diffAgainstSha1sum(sub).map((d) => [d.path, d]));
  const rows: SubmissionFileInsert[] = [];
  const statusOf = (f: ScannedFile): SubmissionFileStatus => {
    const d = diffs.get(f.path);
    if (d) return d.status;
    if (f.excluded) return "excluded";
    if (f.kind !== "file") return "not-verifiable";
    if (f.sha1 === null) return "unreadable";
    return sub.sha1sum.present ? "ok" : "unlisted";
  };
  for (const f of sub.files) {
    rows.push({
      submissionId,
      path: f.path,
      kind: f.kind,
      size: f.size,
      sha1: f.sha1,
      expectedSha1: listed.get(f.path) ?? null,
      status: statusOf(f),
      linkTarget: f.linkTarget ?? null,
    });
  }
  const present = new Set(sub.files.map((f) => f.path));
  for (const d of diffs.values()) {
    if (d.status !== "missing" || present.has(d.path)) continue;
    rows.push({
      submissionId,
      path: d.path,
      kind: "absent",
      size: null,
      sha1: null,
      expectedSha1: d.expectedSha1,
      status: d.ignoredOnCopy ? "ignored-on-copy" : "missing",
      linkTarget: null,
    });
  }
  return rows;
}

/** Rebuilds what verify.ts needs from stored rows (e.g. to re-evaluate after a deadline change). */
export function fromRows(row: SubmissionRow, files: readonly SubmissionFileRow[]): VerifiableSubmission {
  // SHA1SUM.txt order (e2xgrader writes it sorted by code point).
  const listed = files
    .filter((f) => f.expectedSha1 !== null)
    .map((f) => ({ path: f.path, sha1: f.expectedSha1! }))
    .sort((a, b) => compareCodePoints(a.path, b.path));
  const epochMicros = row.submittedAtUtc ? microsOfUtc(row.submittedAtUtc) : null;
  return {
    key: row.key,
    student: row.student,
    personalizedUser: row.personalizedUser,
    info: row.info,
    assignment: row.assignmentName,
    submittedAt: row.submittedAtUtc && epochMicros !== null ? { text: row.timestamp ?? row.submittedAtUtc, utc: row.submittedAtUtc, epochMicros } : null,
    recordedHashcode: row.recordedHashcode,
    mode: row.mode,
    sha1sum: {
      present: row.storedHashcode !== null || files.some((f) => f.path === "SHA1SUM.txt"),
      storedHashcode: row.storedHashcode,
      rebuiltHashcode: row.rebuiltHashcode,
      listed,
      invalidLines: row.problems.some((p) => p.code === "sha1sum-invalid-lines") ? 1 : 0,
    },
    notebook:
      row.notebookSha1 && row.notebookHashcode && row.notebookLegacyHashcode
        ? { path: `${row.assignmentName}.ipynb`, sha1: row.notebookSha1, short: row.notebookHashcode, legacy: row.notebookLegacyHashcode }
        : null,
    files: files
      .filter((f) => f.kind !== "absent")
      .map((f) => ({
        path: f.path,
        kind: f.kind as ScannedFile["kind"],
        size: f.size,
        sha1: f.sha1,
        excluded: f.status === "excluded",
        ...(f.linkTarget ? { linkTarget: f.linkTarget } : {}),
      })),
    fingerprint: row.fingerprint,
    firstSeenFingerprint: row.firstSeenFingerprint,
    problems: row.problems,
  };
}

function microsOfUtc(utc: string): number | null {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(utc);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(ms)) return null;
  return ms * 1000 + (m[2] ? Number(m[2].padEnd(6, "0")) : 0);
}

export function firstSeenFromRows(rows: readonly Pick<SubmissionRow, "key" | "firstSeenFingerprint">[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.key, r.firstSeenFingerprint]));
}
