"use client";
import { useActionState, useEffect, useRef, type ReactNode } from "react";
import { FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

export type Action<T = never> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;

/**
 * A form bound to one server action; children get the last state to show field errors and the
 * submitted values (React resets the form after an action).
 */
export function ActionForm({
  action,
  hidden,
  children,
  className,
  id,
  showMessage = true,
  onState,
}: {
  action: Action;
  hidden: Record<string, string | number>;
  children: (state: ActionState<never>) => ReactNode;
  className?: string;
  id?: string;
  showMessage?: boolean;
  /** Called once with each answer of the action (e.g. to read the page's live data again). */
  onState?: (state: ActionState<never>) => void;
}) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const ref = useFocusFirstError(state);
  const latest = useRef(onState);
  latest.current = onState;
  useEffect(() => {
    if (state.status !== "idle") latest.current?.(state);
  }, [state]);
  return (
    <form ref={ref} action={formAction} className={className} id={id} noValidate>
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {showMessage && <FormMessage state={state} />}
      {children(state)}
    </form>
  );
}

/** Previously submitted value after an error, else the initial one. */
export function shown(state: ActionState<never>, name: string, initial: string | number | null | undefined): string {
  if (state.status === "error" && state.values && name in state.values) return state.values[name];
  return initial == null ? "" : String(initial);
}
