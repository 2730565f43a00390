import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

import { ROLES, TERM_ROLES, type HubName } from "@/lib/constants";
import type { TermMount } from "@/lib/courses/term-mount";

export { HUBS, ROLES, TERM_ROLES, type Role, type TermRole } from "@/lib/constants";
/** A hub a course term is offered on. */
export type Hub = HubName;

const now = sql`(unixepoch() * 1000)`;

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    email: text("email"),
    role: text("role", { enum: ROLES }).notNull(),
    source: text("source", { enum: ["local", "ldap"] }).notNull().default("local"),
    /** scrypt$N$r$p$salt$hash: never the password itself. Null for LDAP accounts. */
    passwordHash: text("password_hash"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /**
     * Raised at sign-out, password change, role change and deactivation: every session
     * carries the version it was issued under and ends when it no longer matches.
     */
    sessionVersion: integer("session_version").notNull().default(0),
    /** Set for generated passwords: the next sign-in leads to the password change first. */
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    passwordChangedAt: integer("password_changed_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    lastLoginAt: integer("last_login_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("users_username_unique").on(t.username)],
);

export const courses = sqliteTable(
  "courses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    /** Who created the course (a record only: rights come from `courseStaff` and `termStaff`). */
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("courses_code_unique").on(t.code)],
);

export type { TermMount, VolumeMountKind } from "@/lib/courses/term-mount";

export const terms = sqliteTable(
  "terms",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "restrict" }),
    /** WS25, SS26 ... */
    term: text("term").notNull(),
    hubs: text("hubs", { mode: "json" }).$type<Hub[]>().notNull(),
    image: text("image").notNull(),
    cpuGuarantee: text("cpu_guarantee").notNull(),
    cpuLimit: text("cpu_limit").notNull(),
    memGuarantee: text("mem_guarantee").notNull(),
    memLimit: text("mem_limit").notNull(),
    mounts: text("mounts", { mode: "json" }).$type<TermMount[]>().notNull(),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("terms_course_term_unique").on(t.courseId, t.term)],
);

export const termStaff = sqliteTable(
  "term_staff",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: TERM_ROLES }).notNull(),
  },
  (t) => [uniqueIndex("term_staff_unique").on(t.termId, t.userId), index("term_staff_user").on(t.userId)],
);

/**
 * Staff of a whole course, independent of its terms: whoever creates a course is its first
 * instructor here, and like any assignment it can be removed.
 */
export const courseStaff = sqliteTable(
  "course_staff",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["instructor"] }).notNull().default("instructor"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("course_staff_unique").on(t.courseId, t.userId), index("course_staff_user").on(t.userId)],
);

/**
 * Failed sign-ins, one row per throttle key (a keyed hash of the typed username, or the
 * client address) and window: the delay grows with the failures, a success clears the
 * account's row, and rows older than the window are dropped, so the table stays small.
 */
export const signInThrottle = sqliteTable("sign_in_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  firstAt: integer("first_at", { mode: "timestamp_ms" }).notNull(),
  lastAt: integer("last_at", { mode: "timestamp_ms" }).notNull(),
  lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
  /** The audit entry that counts this key's failures in the current window. */
  auditId: integer("audit_id"),
});

export const students = sqliteTable(
  "students",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "cascade" }),
    /** Normalized by lib/identity/username.ts: the hub login on the teaching hubs. */
    username: text("username").notNull(),
    /** The FB02UID the import file named (the username then); exam logins derive from it. */
    universityId: text("university_id"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    displayName: text("display_name"),
    /** Text: leading zeros stay. */
    matrikel: text("matrikel"),
    room: text("room"),
    seat: text("seat"),
    /** The exam date as the file wrote it (not reinterpreted). */
    examDate: text("exam_date"),
    /** A spare seat (exam sheet lists' `is_backup`); null when the file did not say. */
    isBackup: integer("is_backup", { mode: "boolean" }),
    /** lib/text/fold.ts searchKey of username, names, matriculation no. and FB02UID. */
    searchKey: text("search_key").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  // the roster search reads the search keys of one term from this index, not from the rows
  (t) => [uniqueIndex("students_term_username_unique").on(t.termId, t.username), index("students_term_search").on(t.termId, t.searchKey)],
);

/** What the columns of a roster file mean, remembered per course and file shape (lib/rosters). */
export const rosterColumnMappings = sqliteTable(
  "roster_column_mappings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    /** lib/rosters/csv.ts sheetSignature: the folded header, or the column count of a headerless file. */
    signature: text("signature").notNull(),
    /** lib/rosters/csv.ts ColumnMapping. */
    mapping: text("mapping", { mode: "json" }).$type<{ hasHeader: boolean; columns: (string | null)[] }>().notNull(),
    updatedById: integer("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("roster_column_mappings_course_signature_unique").on(t.courseId, t.signature)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at", { mode: "timestamp_ms" }).notNull().default(now),
    actorId: integer("actor_id"),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    courseId: integer("course_id"),
    summary: text("summary").notNull(),
    /** The summary as a catalogue key (`auditMessages.*`) and its values, shown in the reader's language; null on older rows. */
    message: text("message", { mode: "json" }).$type<{ key: string; params?: Record<string, string | number> }>(),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
  },
  (t) => [index("audit_at").on(t.at), index("audit_action").on(t.action), index("audit_course").on(t.courseId)],
);
