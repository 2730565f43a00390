"use client";
import { useActionState, useEffect, useRef } from "react";
import { Field, FormMessage, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

export function AddStudentForm({ termId, action }: { termId: number; action: Action }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const keep = state.status === "error" ? state.values : undefined;
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (state.status === "ok") ref.current?.focus();
  }, [state]);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="termId" value={termId} />
      <FormMessage state={state} />
      <Field label="Username" name="username" error={state.fieldErrors?.username}>
        <Input ref={ref} name="username" required defaultValue={keep?.username} error={state.fieldErrors?.username} autoComplete="off" spellCheck={false} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="First name" name="firstName" error={state.fieldErrors?.firstName}>
          <Input name="firstName" defaultValue={keep?.firstName} />
        </Field>
        <Field label="Last name" name="lastName" error={state.fieldErrors?.lastName}>
          <Input name="lastName" defaultValue={keep?.lastName} />
        </Field>
      </div>
      <Field label="Matriculation no." name="matrikel" error={state.fieldErrors?.matrikel}>
        <Input name="matrikel" inputMode="numeric" defaultValue={keep?.matrikel} error={state.fieldErrors?.matrikel} />
      </Field>
      <SubmitButton className="w-full" pendingText="Adding…">Add student</SubmitButton>
    </form>
  );
}
