/**
 * Plain shapes the cluster pages hand to components (type-only imports here,
 * so components may import these types).
 */

import type { PushSummary } from "@/lib/cluster/types";

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
