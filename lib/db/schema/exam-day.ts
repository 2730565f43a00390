/**
 * Exam day: how the portal reaches the exam hub's REST API, the probe account of each exam, who
 * moved to a backup account, and the receipts taken at closing.
 *
 * Tables
 *   exam_hub_api   one row (id 1): the exam hub's REST API address, its sign-in page as the rooms
 *                  reach it (for the probe sign-in), the address the probe connects from, and the
 *                  API token sealed with the portal's secret (never stored in plain text)
 *   exam_probes    one per exam: the room the probe account signs in from, its password hash
 *                  (a fresh one-time password for every probe; the plain one lives only while the
 *                  probe runs), and the last probe's outcome
 *   exam_moves     a student moved to a backup account: whose work the backup account holds
 *   exam_receipts  append-only: one receipt per submission taken at closing (digest of SHA1SUM.txt
 *                  and of every file, the time), each carrying the hash of the one before
 *
 * Times are epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./core";
import { examParticipants, examRooms, exams } from "./exams";

const now = sql`(unixepoch() * 1000)`;

export const examHubApi = sqliteTable("exam_hub_api", {
  id: integer("id").primaryKey(),
  /** e.g. http://proxy-public.e2x-exam.svc.cluster.local (the REST API is at /hub/api). */
  apiUrl: text("api_url").notNull(),
  /** The exam hub as the rooms reach it (through the load balancer); empty: the API address. */
  loginUrl: text("login_url").notNull().default(""),
  /** Local address the probe sign-in connects from (inside a room network); empty: any. */
  probeSource: text("probe_source").notNull().default(""),
  /** `v1.<iv>.<tag>.<ciphertext>` (AES-256-GCM, key from the portal's AUTH_SECRET); null: no token. */
  tokenSealed: text("token_sealed"),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  updatedBy: integer("updated_by").references(() => users.id, { onDelete: "set null" }),
});

export const examProbes = sqliteTable("exam_probes", {
  examId: integer("exam_id")
    .primaryKey()
    .references(() => exams.id, { onDelete: "cascade" }),
  roomId: integer("room_id").references(() => examRooms.id, { onDelete: "set null" }),
  passwordHash: text("password_hash"),
  issues: integer("issues").notNull().default(0),
  lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }),
  lastOk: integer("last_ok", { mode: "boolean" }),
  /** Steps of the last probe: [{step, ok, detail}] (never a password). */
  lastSteps: text("last_steps", { mode: "json" }).$type<{ step: string; ok: boolean; detail: string }[]>(),
});

export const examMoves = sqliteTable(
  "exam_moves",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    examId: integer("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "cascade" }),
    /** The student whose work the backup account holds from now on. */
    participantId: integer("participant_id")
      .notNull()
      .references(() => examParticipants.id, { onDelete: "cascade" }),
    backupId: integer("backup_id")
      .notNull()
      .references(() => examParticipants.id, { onDelete: "cascade" }),
    reason: text("reason").notNull().default(""),
    movedAt: integer("moved_at", { mode: "timestamp_ms" }).notNull().default(now),
    movedBy: integer("moved_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("exam_moves_backup_unique").on(t.backupId), index("exam_moves_exam").on(t.examId)],
);

export const examReceipts = sqliteTable(
  "exam_receipts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    examId: integer("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "restrict" }),
    /** The exam login whose folder it is, and the student whose work it is (a backup account's mover). */
    username: text("username").notNull(),
    participantId: integer("participant_id"),
    /** Folder relative to the course's exchange folder: personalized-inbound/<user>/<user>+<assignment>+<time>. */
    key: text("key").notNull(),
    assignment: text("assignment"),
    /** Hashcode the student saw (of SHA1SUM.txt), and SHA-256 of SHA1SUM.txt; null when there is none. */
    hashcode: text("hashcode"),
    sha1sumDigest: text("sha1sum_digest"),
    /** [[path, sha256, size], ...] of every file, sorted by path. */
    files: text("files", { mode: "json" }).$type<[string, string, number][]>().notNull(),
    filesDigest: text("files_digest").notNull(),
    takenAt: integer("taken_at", { mode: "timestamp_ms" }).notNull(),
    /** Hash of the entry before (over every exam), "" for the first; hash of this entry with it. */
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [uniqueIndex("exam_receipts_exam_key_unique").on(t.examId, t.key), index("exam_receipts_exam").on(t.examId)],
);
