import type { PlanItem, PushSummary } from "./types";

export function summarize(items: readonly PlanItem[]): PushSummary {
  const s: PushSummary = { create: 0, change: 0, unchanged: 0, prune: 0, conflict: 0, error: 0 };
  for (const it of items) s[it.action] += 1;
  return s;
}
