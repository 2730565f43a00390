"use client";
import { startTransition, useActionState } from "react";
import { useTranslations } from "next-intl";
import { Field, FormMessage, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { changePasswordAction } from "./actions";

export function PasswordForm({ minLength }: { minLength: number }) {
  const [state, action, pending] = useActionState(changePasswordAction, idleState as ActionState);
  const t = useTranslations("password");
  const ref = useFocusFirstError(state);
  return (
    <form
      ref={ref}
      action={action}
      // Submitted without React's reset after an action: after a rule error (too short, not
      // the same twice, wrong current password) the fields keep what was typed and the focus
      // goes to the field to correct. The passwords never travel back from the server.
      onSubmit={(ev) => {
        ev.preventDefault();
        const fd = new FormData(ev.currentTarget);
        startTransition(() => action(fd));
      }}
      className="space-y-4"
      noValidate
    >
      <FormMessage state={state} />
      <Field label={t("current")} name="current" error={state.fieldErrors?.current}>
        <Input name="current" type="password" autoComplete="current-password" autoFocus required error={state.fieldErrors?.current} />
      </Field>
      <Field label={t("new")} name="password" error={state.fieldErrors?.password}>
        <Input name="password" type="password" autoComplete="new-password" minLength={minLength} required error={state.fieldErrors?.password} />
      </Field>
      <Field label={t("again")} name="confirm" error={state.fieldErrors?.confirm}>
        <Input name="confirm" type="password" autoComplete="new-password" required error={state.fieldErrors?.confirm} />
      </Field>
      <SubmitButton className="w-full" pendingText={t("saving")} busy={pending}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
