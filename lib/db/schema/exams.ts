/**
 * Exams: windows on a course term, rooms, participants with seats and one-time passwords,
 * supervisors. Lib/exams holds the rules; this file only the tables.
 *
 * Tables
 *   exams              one exam window of a term: title, period (PZ1 ...), start/end instants,
 *                      grace, sheet language, lifecycle status, passwords version, what the exam
 *                      hub last got (revision, time, push)
 *   exam_rooms         rooms (and networks) of an exam: seats, blocked seats, source CIDRs
 *   exam_participants  who sits the exam: roster students (snapshot of the names, the roster row
 *                      may go) and backup accounts; room, seat, extra time, password hash,
 *                      unlock count
 *   exam_supervisors   staff accounts who supervise one exam (and see only their exams)
 *
 * Times are epoch milliseconds. Password hashes are `scrypt$N$r$p$salt$hash` (lib/exams/OTP.md);
 * the plain password is never stored. Archived exams keep every row.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { students, terms, users } from "./core";

const now = sql`(unixepoch() * 1000)`;

export const EXAM_STATUSES = ["draft", "scheduled", "open", "closed", "archived"] as const;
export type ExamStatus = (typeof EXAM_STATUSES)[number];

export const SHEET_LANGUAGES = ["de", "en"] as const;
export type SheetLanguage = (typeof SHEET_LANGUAGES)[number];

export const exams = sqliteTable(
  "exams",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "restrict" }),
    title: text("title").notNull(),
    /** Exam period: PZ1, PZ2 ... (part of exam home paths). */
    period: text("period").notNull(),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
    /** Minutes after the end (plus a participant's extra time) during which sign-in still works. */
    graceMinutes: integer("grace_minutes").notNull().default(0),
    language: text("language", { enum: SHEET_LANGUAGES }).notNull().default("de"),
    /** Printed on the attendance list: examiners, and header lines (university, department, programme). */
    examiners: text("examiners", { mode: "json" }).$type<string[]>().notNull(),
    headerLines: text("header_lines", { mode: "json" }).$type<string[]>().notNull(),
    status: text("status", { enum: EXAM_STATUSES }).notNull().default("draft"),
    /** Raised whenever a password is issued or re-issued: the hub sees that its data changed. */
    passwordsVersion: integer("passwords_version").notNull().default(0),
    /** Raised on every change of what the exam hub gets (participants, windows, rooms, passwords, status). */
    revision: integer("revision").notNull().default(1),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** The revision the exam hub last got (its data pushed), when, and by which push; null: never. */
    hubRevision: integer("hub_revision"),
    hubPushedAt: integer("hub_pushed_at", { mode: "timestamp_ms" }),
    hubPushId: integer("hub_push_id"),
    /** When the exam entered each lifecycle state (last time). */
    scheduledAt: integer("scheduled_at", { mode: "timestamp_ms" }),
    openedAt: integer("opened_at", { mode: "timestamp_ms" }),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("exams_term_period_unique").on(t.termId, t.period), index("exams_starts").on(t.startsAt)],
);

export const examRooms = sqliteTable(
  "exam_rooms",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    examId: integer("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Seats are numbered 1..seats; 0 for a network without seats (staff VPN). */
    seats: integer("seats").notNull(),
    blockedSeats: text("blocked_seats", { mode: "json" }).$type<number[]>().notNull(),
    /** Source networks allowed to reach the exam hub from this room. */
    cidrs: text("cidrs", { mode: "json" }).$type<string[]>().notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("exam_rooms_name_unique").on(t.examId, t.name)],
);

export const PARTICIPANT_KINDS = ["student", "backup"] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const examParticipants = sqliteTable(
  "exam_participants",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    examId: integer("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: PARTICIPANT_KINDS }).notNull(),
    /** The roster row; null for backups and after the student left the roster (the snapshot stays). */
    studentId: integer("student_id").references(() => students.id, { onDelete: "set null" }),
    /** The roster username (FB02UID, the university account); null for backups. */
    rosterUsername: text("roster_username"),
    /** The exam hub login: `<course>-<FB02UID>`, or `<course>-backup-<period>-<nn>`. */
    username: text("username").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    matrikel: text("matrikel"),
    roomId: integer("room_id").references(() => examRooms.id, { onDelete: "set null" }),
    seat: integer("seat"),
    /** Compensation for disadvantage, in minutes after the exam's end. */
    extraMinutes: integer("extra_minutes").notNull().default(0),
    passwordHash: text("password_hash"),
    passwordIssuedAt: integer("password_issued_at", { mode: "timestamp_ms" }),
    /** The exam's passwordsVersion at this participant's last issue. */
    passwordVersion: integer("password_version"),
    /** How often a password was issued to this participant (1 = first sheet). */
    passwordIssues: integer("password_issues").notNull().default(0),
    /** How often a supervisor lifted a sign-in lock (the hub sees the count and lifts its lock). */
    unlocks: integer("unlocks").notNull().default(0),
    unlockedAt: integer("unlocked_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    uniqueIndex("exam_participants_username_unique").on(t.examId, t.username),
    uniqueIndex("exam_participants_seat_unique").on(t.roomId, t.seat),
    index("exam_participants_student").on(t.studentId),
  ],
);

export const examSupervisors = sqliteTable(
  "exam_supervisors",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    examId: integer("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [uniqueIndex("exam_supervisors_unique").on(t.examId, t.userId), index("exam_supervisors_user").on(t.userId)],
);
