"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { FieldError } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

/** Deadline of one assignment, typed in the portal's time zone; empty clears it. */
export function DeadlineForm({ termId, assignmentId, name, value, zone, action }: { termId: number; assignmentId: number; name: string; value: string; zone: string; action: Action }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const t = useTranslations("grading.deadline");
  const id = `deadline-${assignmentId}`;
  const err = state.fieldErrors?.deadline ?? state.fieldErrors?.assignmentId;
  const shown = state.status === "error" ? (state.values?.deadline ?? value) : value;
  return (
    <form action={formAction} className="flex flex-col gap-1" noValidate>
      <input type="hidden" name="termId" value={termId} />
      <input type="hidden" name="assignmentId" value={assignmentId} />
      <div className="flex items-center gap-2">
        <label htmlFor={id} className="sr-only">
          {t("label", { name, zone })}
        </label>
        <input
          key={shown}
          id={id}
          name="deadline"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          placeholder={t("placeholder")}
          defaultValue={shown}
          aria-invalid={err?.length ? true : undefined}
          aria-describedby={err?.length ? `${id}-error` : undefined}
          className="w-40 rounded-md border-0 px-2 py-1.5 text-sm tabular-nums ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500 aria-[invalid=true]:ring-red-500"
        />
        <SubmitButton variant="secondary" className="px-2.5 py-1.5" pendingText={t("saving")}>
          {t("save")}
        </SubmitButton>
      </div>
      <FieldError id={`${id}-error`} error={err} />
      {state.status === "error" && !err && <p className="text-xs font-medium text-red-600">{state.message}</p>}
      {state.status === "ok" && <p className="text-xs text-emerald-700" role="status">{state.message}</p>}
    </form>
  );
}
