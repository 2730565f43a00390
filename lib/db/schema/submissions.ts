/**
 * Grading: assignments with deadlines, exchange scans, scanned submissions and their files.
 *
 * Tables
 *   assignments        one nbgrader assignment of a course term, with its (nullable) deadline
 *   submission_scans   one scan of a course's exchange: status, progress, checkpoint for resuming
 *   submissions        one folder in inbound/ or personalized-inbound/<user>/, keyed by its path
 *                      relative to the course folder; hashcodes, fingerprints, verdict flags
 *   submission_files   every file of a submission: size, SHA-1 now, SHA-1 in SHA1SUM.txt, status
 *
 * Shapes stored as JSON come from lib/submissions (ScanCheckpoint, ScanProblem, SubmissionFlag ...).
 * Times are epoch milliseconds; submission times also keep microseconds (`submittedAtUtc`).
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { InfoFile, ScanCheckpoint, ScanProblem } from "../../submissions/scan";
import type { SubmissionFlag, SubmissionFlagKind } from "../../submissions/verify";
import { terms, users } from "./core";

const now = sql`(unixepoch() * 1000)`;

export const SCAN_STATUSES = ["queued", "running", "paused", "completed", "failed"] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** verify.ts SubmissionStatus. */
export const SUBMISSION_STATUSES = ["verified", "mismatch", "missing-hashcode", "wrong-student", "misfiled"] as const;
export const HASH_MODES = ["sha1sum", "notebook", "none"] as const;
export const SUBMISSION_LAYOUTS = ["inbound", "personalized-inbound"] as const;
export const SUBMISSION_FILE_STATUSES = [
  /** Matches SHA1SUM.txt. */
  "ok",
  /** Not part of SHA1SUM.txt by e2xgrader's rules (info, timestamp, html, checkpoints). */
  "excluded",
  "changed",
  /** Listed in SHA1SUM.txt, not there now. */
  "missing",
  /** Listed but nbgrader never copies such paths (`*.pyc`, `__pycache__`, `feedback`). */
  "ignored-on-copy",
  /** There now, not listed in SHA1SUM.txt. */
  "extra",
  "unreadable",
  /** Symlink or special file: never read. */
  "not-verifiable",
  /** No SHA1SUM.txt to compare with. */
  "unlisted",
] as const;
export type SubmissionFileStatus = (typeof SUBMISSION_FILE_STATUSES)[number];

export const assignments = sqliteTable(
  "assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "cascade" }),
    /** nbgrader assignment id, as in the exchange folder names. */
    name: text("name").notNull(),
    title: text("title"),
    /** Submissions after this instant are late; null = no deadline. */
    deadline: integer("deadline", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("assignments_term_name_unique").on(t.termId, t.name)],
);

export const submissionScans = sqliteTable(
  "submission_scans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "cascade" }),
    /** Exchange root scanned (local path or NFS mount) and the nbgrader course_id under it. */
    exchangeRoot: text("exchange_root").notNull(),
    courseId: text("course_id").notNull(),
    /** Only this assignment, or null for all. */
    assignmentName: text("assignment_name"),
    status: text("status", { enum: SCAN_STATUSES }).notNull().default("queued"),
    submissionsTotal: integer("submissions_total").notNull().default(0),
    submissionsDone: integer("submissions_done").notNull().default(0),
    submissionsSkipped: integer("submissions_skipped").notNull().default(0),
    filesHashed: integer("files_hashed").notNull().default(0),
    bytesHashed: integer("bytes_hashed").notNull().default(0),
    /** lib/submissions/scan ScanCheckpoint: pass back to resume a paused or failed scan. */
    checkpoint: text("checkpoint", { mode: "json" }).$type<ScanCheckpoint>(),
    /** Problems outside any submission (missing course folder, stray entries). */
    rootProblems: text("root_problems", { mode: "json" }).$type<ScanProblem[]>().notNull().default(sql`'[]'`),
    error: text("error"),
    startedById: integer("started_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("submission_scans_term").on(t.termId, t.createdAt)],
);

export const submissions = sqliteTable(
  "submissions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "cascade" }),
    /** Set when the folder's assignment name matches a row of `assignments`. */
    assignmentId: integer("assignment_id").references(() => assignments.id, { onDelete: "set null" }),
    /** Folder path relative to the course folder, e.g. `personalized-inbound/alice/alice+hw1+...`. */
    key: text("key").notNull(),
    layout: text("layout", { enum: SUBMISSION_LAYOUTS }).notNull(),
    folderName: text("folder_name").notNull(),
    personalizedUser: text("personalized_user"),
    /** Null when the folder name is malformed. */
    student: text("student"),
    assignmentName: text("assignment_name"),
    /** Raw timestamp text (timestamp.txt, else the folder name). */
    timestamp: text("timestamp"),
    submittedAt: integer("submitted_at", { mode: "timestamp_ms" }),
    /** UTC with microseconds, orders submissions within one millisecond. */
    submittedAtUtc: text("submitted_at_utc"),
    info: text("info", { mode: "json" }).$type<InfoFile>(),
    recordedHashcode: text("recorded_hashcode"),
    /** normalizeHashcode(recordedHashcode): the "type the code from the sheet" lookup. */
    recordedHashcodeNorm: text("recorded_hashcode_norm"),
    mode: text("mode", { enum: HASH_MODES }).notNull(),
    /** SHA1SUM.txt mode: hashcode of SHA1SUM.txt as stored, and rebuilt from the files. */
    storedHashcode: text("stored_hashcode"),
    storedHashcodeNorm: text("stored_hashcode_norm"),
    rebuiltHashcode: text("rebuilt_hashcode"),
    /** Notebook mode: SHA-1 of <assignment>.ipynb and its two formats. */
    notebookSha1: text("notebook_sha1"),
    notebookHashcode: text("notebook_hashcode"),
    notebookLegacyHashcode: text("notebook_legacy_hashcode"),
    totalBytes: integer("total_bytes").notNull().default(0),
    fingerprint: text("fingerprint").notNull(),
    firstSeenFingerprint: text("first_seen_fingerprint").notNull(),
    firstSeenAt: integer("first_seen_at", { mode: "timestamp_ms" }).notNull().default(now),
    lastScanId: integer("last_scan_id").references(() => submissionScans.id, { onDelete: "set null" }),
    lastScannedAt: integer("last_scanned_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** Gone from the exchange at the last full scan (kept for the record). */
    goneAt: integer("gone_at", { mode: "timestamp_ms" }),
    status: text("status", { enum: SUBMISSION_STATUSES }).notNull(),
    /** Flag kinds only, for filtering in SQL (`flags` holds the details). */
    flagKinds: text("flag_kinds", { mode: "json" }).$type<SubmissionFlagKind[]>().notNull().default(sql`'[]'`),
    flags: text("flags", { mode: "json" }).$type<SubmissionFlag[]>().notNull().default(sql`'[]'`),
    problems: text("problems", { mode: "json" }).$type<ScanProblem[]>().notNull().default(sql`'[]'`),
    /** The submission that counts for its (student, assignment). */
    counts: integer("counts", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [
    uniqueIndex("submissions_term_key_unique").on(t.termId, t.key),
    index("submissions_term_student_assignment").on(t.termId, t.student, t.assignmentName),
    index("submissions_term_recorded_norm").on(t.termId, t.recordedHashcodeNorm),
    index("submissions_term_stored_norm").on(t.termId, t.storedHashcodeNorm),
    index("submissions_term_status").on(t.termId, t.status),
  ],
);

export const submissionFiles = sqliteTable(
  "submission_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    /** POSIX path relative to the submission folder. */
    path: text("path").notNull(),
    kind: text("kind", { enum: ["file", "symlink", "other", "absent"] }).notNull(),
    size: integer("size"),
    /** SHA-1 now (null if absent, unreadable or not a regular file). */
    sha1: text("sha1"),
    /** SHA-1 listed in SHA1SUM.txt (null if not listed). */
    expectedSha1: text("expected_sha1"),
    status: text("status", { enum: SUBMISSION_FILE_STATUSES }).notNull(),
    linkTarget: text("link_target"),
  },
  (t) => [uniqueIndex("submission_files_submission_path_unique").on(t.submissionId, t.path)],
);
