"use client";
import { useActionState, useEffect, useRef } from "react";
import { useTranslations } from "next-intl";
import { Field, FormMessage, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

export function AddStudentForm({ termId, action }: { termId: number; action: Action }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const keep = state.status === "error" ? state.values : undefined;
  const t = useTranslations("roster.add");
  const ref = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === "ok") ref.current?.focus();
    else if (state.status === "error") form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  return (
    <form ref={form} action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="termId" value={termId} />
      <FormMessage state={state} />
      <Field label={t("username")} name="username" error={state.fieldErrors?.username}>
        <Input ref={ref} name="username" required defaultValue={keep?.username} error={state.fieldErrors?.username} autoComplete="off" spellCheck={false} />
      </Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t("firstName")} name="firstName" error={state.fieldErrors?.firstName}>
          <Input name="firstName" defaultValue={keep?.firstName} />
        </Field>
        <Field label={t("lastName")} name="lastName" error={state.fieldErrors?.lastName}>
          <Input name="lastName" defaultValue={keep?.lastName} />
        </Field>
      </div>
      <Field label={t("matrikel")} name="matrikel" error={state.fieldErrors?.matrikel}>
        <Input name="matrikel" inputMode="numeric" defaultValue={keep?.matrikel} error={state.fieldErrors?.matrikel} />
      </Field>
      <SubmitButton className="w-full" pendingText={t("adding")}>{t("submit")}</SubmitButton>
    </form>
  );
}
