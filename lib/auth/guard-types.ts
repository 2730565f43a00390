import type { AuditEntry } from "@/lib/audit/audit";
import type { Tx } from "@/lib/db/client";
import type { Principal } from "./capabilities";

export type FieldErrors = Record<string, string[] | undefined>;

export interface ActionState<T = unknown> {
  status: "idle" | "ok" | "error";
  message?: string;
  fieldErrors?: FieldErrors;
  /** What the user submitted, so the form can show it again (React resets forms after an action). */
  values?: Record<string, string>;
  data?: T;
}

/** A domain failure that belongs next to a field or at the top of the form. */
export class ActionError extends Error {
  constructor(
    message: string,
    public fieldErrors?: FieldErrors,
  ) {
    super(message);
  }
}

/** What a domain function gets inside an action's transaction. */
export interface ActionContext {
  tx: Tx;
  principal: Principal;
  audit: (entry: AuditEntry) => void;
}

export const idleState: ActionState = { status: "idle" };
