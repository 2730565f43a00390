"use client";
import { useActionState } from "react";
import { Field, FormMessage, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/auth/guard-types";
import { signInAction } from "./actions";

export function SignInForm({ next }: { next?: string }) {
  const [state, action] = useActionState(signInAction, idleState);
  return (
    <form action={action} className="space-y-4" noValidate>
      {next && <input type="hidden" name="next" value={next} />}
      <FormMessage state={state} />
      <Field label="Username" name="username" error={state.fieldErrors?.username}>
        <Input name="username" autoComplete="username" autoFocus required defaultValue={state.values?.username} error={state.fieldErrors?.username} />
      </Field>
      <Field label="Password" name="password" error={state.fieldErrors?.password}>
        <Input name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} />
      </Field>
      <SubmitButton className="w-full" pendingText="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
