import type { ApplyAction, PlanItem, PushSummary } from "./types";

/** The apply actions that leave an object as the portal rendered it. */
export const OK_ACTIONS: ReadonlySet<ApplyAction> = new Set(["created", "configured", "unchanged", "pruned"]);

/** Whether an object's apply went well, failed, or was not tried. */
export function outcomeOf(a: ApplyAction): "ok" | "failed" | "skipped" {
  if (OK_ACTIONS.has(a)) return "ok";
  return a === "skipped" ? "skipped" : "failed";
}

export function summarize(items: readonly PlanItem[]): PushSummary {
  const s: PushSummary = { create: 0, change: 0, unchanged: 0, prune: 0, conflict: 0, error: 0 };
  for (const it of items) s[it.action] += 1;
  return s;
}
