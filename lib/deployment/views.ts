/**
 * Plain shapes the cluster pages hand to components, and the functions that make them from
 * plans and stored pushes. Components import the shapes as types only (ESLint keeps it so).
 */
import { createHash } from "node:crypto";
import { redactPlan, refKey, type PlanItem, type PushPlan, type PushSummary } from "@/lib/cluster";
import { stableJson } from "@/lib/render";
import { explainClusterError } from "./errors";

export type PlanActionView = "create" | "change" | "unchanged" | "prune" | "conflict" | "error";

export interface FieldChangeView {
  path: string;
  /** Display text; absent when the field is added / removed. */
  before?: string;
  after?: string;
  truncated?: boolean;
}

export interface PlanItemView {
  key: string;
  action: PlanActionView;
  kind: string;
  namespace?: string;
  name: string;
  changes?: FieldChangeView[];
  conflicts?: { manager: string; field: string }[];
  error?: string;
  note?: string;
}

export type PlanCountsView = PushSummary;

export interface PlanView {
  target: "cluster" | "export";
  location: string;
  items: PlanItemView[];
  summary: PlanCountsView;
  /** Identifies exactly this plan: Apply refuses when the plan has changed since. */
  fingerprint: string;
  createdAt: string;
  warnings: string[];
  /** What the push changes in the pods' NFS mounts (lib/deployment/mount-changes.ts). */
  mountChanges?: MountChangesView;
}

export interface MountChangesView {
  changes: { hub: string; profile: string; change: "added" | "removed" | "changed"; mountPath: string; before?: string; after?: string }[];
  truncated: number;
  error?: string;
}

export interface PushResultItemView {
  key: string;
  kind: string;
  namespace?: string;
  name: string;
  planAction: string | null;
  action: string;
  outcome: "ok" | "failed" | "skipped";
  applied: boolean;
  error?: string | null;
}

export interface PushOutcomeView {
  pushId: number;
  status: "ok" | "failed";
  error?: string | null;
  appliedCount: number;
  resultCounts: Record<string, number>;
  items: PushResultItemView[];
}

// ---- from plans ---------------------------------------------------------------------------

const MAX_SHOWN = 600;

function show(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} chars)` : text;
}

/** Display shape of a (redacted) plan item. */
export function planItemView(it: PlanItem): PlanItemView {
  const v: PlanItemView = { key: refKey(it.ref), action: it.action, kind: it.ref.kind, name: it.ref.name };
  if (it.ref.namespace) v.namespace = it.ref.namespace;
  if (it.changes) {
    v.changes = it.changes.map((c) => {
      const out: FieldChangeView = { path: c.path };
      if ("before" in c) out.before = show(c.before);
      if ("after" in c) out.after = show(c.after);
      if (c.truncated) out.truncated = true;
      return out;
    });
  }
  if (it.conflicts?.length) v.conflicts = it.conflicts;
  if (it.error && it.action !== "conflict") v.error = explainClusterError(it.error);
  if (it.note) v.note = it.note;
  return v;
}

/** Identifies a plan: same objects, same actions, same changes. */
export function planFingerprint(plan: PushPlan): string {
  const redacted = redactPlan(plan);
  const items = redacted.items.map((i) => ({ a: i.action, k: refKey(i.ref), c: i.changes ?? null, f: i.conflicts ?? null, d: i.desired ?? null }));
  return createHash("sha256").update(stableJson({ t: plan.target, l: plan.location, items })).digest("hex").slice(0, 32);
}

export function planView(plan: PushPlan, warnings: string[] = []): PlanView {
  const safe = redactPlan(plan);
  return {
    target: plan.target,
    location: plan.location,
    items: safe.items.map(planItemView),
    summary: { ...plan.summary },
    fingerprint: planFingerprint(plan),
    createdAt: plan.createdAt,
    warnings,
  };
}
