/**
 * Cluster: deployment settings and the history of pushes.
 *
 * Tables
 *   deployment_settings  one row (id 1): hub namespaces/releases/hosts, NFS, LDAP, exam network;
 *                        JSON validated by lib/deployment/settings.ts (defaults when the row is missing)
 *   pushes               one push: who, when, target (cluster|export), plan counts, outcome
 *   push_objects         one object of a push: ref, planned action, what happened, error message
 *   applied_objects      per cluster and object, what the portal last applied: the digest it sent
 *                        and the resourceVersion it got back (a repeated push skips what is
 *                        unchanged on both sides; lib/cluster's `lastApplied`)
 *   hub_values_versions  the chart values rendered per hub, a row per change (drift: what is installed, since when)
 *   synced_parts         per part of the render (the teaching and exam objects, the hub-wide settings, each
 *                        course term, each exam), the digest of what the target holds as far as the portal
 *                        knows: left there by a successful push, or found there by a check of the target
 *                        (lib/deployment/sync.ts); the pending-change count compares the render with it
 *
 * Secret values are never stored: plans are redacted before their changes are written.
 * Times are epoch milliseconds.
 */
import type { PushSummary } from "@/lib/cluster/types";
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { HUBS } from "@/lib/constants";
import { users } from "./core";

const now = sql`(unixepoch() * 1000)`;

export const deploymentSettings = sqliteTable("deployment_settings", {
  id: integer("id").primaryKey(),
  value: text("value", { mode: "json" }).$type<unknown>().notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  updatedBy: integer("updated_by").references(() => users.id, { onDelete: "set null" }),
});

export const PUSH_TARGETS = ["cluster", "export"] as const;
/** "running": written when a push starts writing, so that a push cut short by a crash is seen (lib/deployment/history.ts). */
export const PUSH_STATUSES = ["ok", "failed", "running"] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];

/** Counts per planned action (create, change, unchanged, prune, conflict, error). */
export type PushPlanCounts = PushSummary;

/** Counts per result (created, configured, unchanged, pruned, conflict, error, skipped). */
export type PushResultCounts = Record<string, number>;

export const pushes = sqliteTable(
  "pushes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }).notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorName: text("actor_name").notNull(),
    target: text("target", { enum: PUSH_TARGETS }).notNull(),
    /** API server URL or export directory. */
    location: text("location").notNull(),
    status: text("status", { enum: PUSH_STATUSES }).notNull(),
    /** Why the push stopped (API server gone, credentials rejected), or why it could not start. */
    error: text("error"),
    planCounts: text("plan_counts", { mode: "json" }).$type<PushPlanCounts>().notNull(),
    resultCounts: text("result_counts", { mode: "json" }).$type<PushResultCounts>().notNull(),
    /** Objects written or deleted by this push. */
    appliedCount: integer("applied_count").notNull().default(0),
    forceConflicts: integer("force_conflicts", { mode: "boolean" }).notNull().default(false),
    prune: integer("prune", { mode: "boolean" }).notNull().default(true),
    /** The push this one repeats (with the data of its own time). */
    retryOf: integer("retry_of"),
    /** Render stats of the pushed data: users and profiles per hub, objects. */
    renderSummary: text("render_summary", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("pushes_started").on(t.startedAt)],
);

export const pushObjects = sqliteTable(
  "push_objects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    pushId: integer("push_id")
      .notNull()
      .references(() => pushes.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    apiVersion: text("api_version").notNull(),
    kind: text("kind").notNull(),
    namespace: text("namespace"),
    name: text("name").notNull(),
    /** What the plan said: create, change, unchanged, prune, conflict, error (null if not planned). */
    planAction: text("plan_action"),
    /** What happened: created, configured, unchanged, pruned, conflict, error, skipped. */
    action: text("action").notNull(),
    outcome: text("outcome", { enum: ["ok", "failed", "skipped"] }).notNull(),
    /** Written or deleted by this push. */
    applied: integer("applied", { mode: "boolean" }).notNull().default(false),
    error: text("error"),
    /** Field changes of the plan (redacted, long values shortened). */
    changes: text("changes", { mode: "json" }).$type<unknown[]>(),
    /** Other field managers holding the fields (conflicts). */
    conflicts: text("conflicts", { mode: "json" }).$type<{ manager: string; field: string }[]>(),
  },
  (t) => [index("push_objects_push").on(t.pushId, t.seq)],
);

export const appliedObjects = sqliteTable(
  "applied_objects",
  {
    /** API server URL. */
    location: text("location").notNull(),
    /** group/kind/namespace/name (lib/cluster refKey). */
    key: text("key").notNull(),
    /** sha256 of the object as sent. */
    digest: text("digest").notNull(),
    resourceVersion: text("resource_version").notNull(),
    uid: text("uid"),
    /** The push that applied (or found unchanged) this version. */
    pushId: integer("push_id").references(() => pushes.id, { onDelete: "set null" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.location, t.key] })],
);

/**
 * The chart values the portal rendered for each hub, one row each time they changed (the digest
 * is the one the values carry as the hub pod annotation `e2x-portal/values-digest`). The cluster
 * page finds the installed values by the live digest: since when they are out of date, and what
 * changed. Values hold Secret references only, never secret values.
 */
export const hubValuesVersions = sqliteTable(
  "hub_values_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    hub: text("hub", { enum: HUBS }).notNull(),
    digest: text("digest").notNull(),
    values: text("values", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** When the portal first rendered these values (after other ones). */
    renderedAt: integer("rendered_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("hub_values_versions_hub").on(t.hub, t.id)],
);

/**
 * What the target holds, part by part, as far as the portal knows (lib/deployment/sync.ts): the
 * digest of the part as a successful push left it there, or as a preview found it there with
 * nothing to write. A part without a row was never there (or its state is unknown: a push that
 * failed half-way forgets the parts it may have written).
 */
export const syncedParts = sqliteTable("synced_parts", {
  /** `render:teaching`, `render:exam`, `hub`, `term:<course>/<term>`, `exam:<id>`. */
  part: text("part").primaryKey(),
  /** sha256 of the part as the target holds it. */
  digest: text("digest").notNull(),
  /** When the target was known to hold it: the start of the push, or the render the check compared. */
  syncedAt: integer("synced_at", { mode: "timestamp_ms" }).notNull(),
  /** The newest audit entry the render included: later entries are changes the target may not have. */
  auditId: integer("audit_id").notNull(),
  /** The push that left it there (null: found there by a check). */
  pushId: integer("push_id").references(() => pushes.id, { onDelete: "set null" }),
});
