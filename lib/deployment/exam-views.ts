/** Plain shapes the exam pages hand to components (type-only imports, so components may import them). */
import type { PlanView } from "./views";

export type ExamPushPreviewView =
  | {
      ok: true;
      /** The exam hub's objects (its namespace) as the push would change them. */
      plan: PlanView;
      /** Plan and password Secret content: the push is refused when either differs. */
      fingerprint: string;
      /** What changes on the hub, in words (from the password Secret before and after). */
      hubChanges: string[];
      namespace: string;
    }
  | { ok: false; error: string };

export interface ExamPushOutcomeView {
  pushId: number;
  status: "ok" | "failed";
  appliedCount: number;
  message: string;
}

/** Whether the exam hub has this exam's current data. */
export interface ExamHubStatusView {
  /** The exam's data is on the hub: the revision it got equals the current one. */
  current: boolean;
  /** The revision the hub last got, when, and with which push; null: never. */
  revision: number | null;
  pushedAt: Date | null;
  pushId: number | null;
}
