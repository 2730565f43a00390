"use client";
import { useActionState, useEffect, useState } from "react";
import { Field, FormMessage, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { signInAction } from "./actions";

type Throttle = { throttled?: boolean; retryAfterSeconds?: number };

export function SignInForm({ next }: { next?: string }) {
  const [state, action] = useActionState(signInAction, idleState as ActionState);
  const throttle = (state.data ?? {}) as Throttle;
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!throttle.throttled || !throttle.retryAfterSeconds) return;
    const until = Date.now() + throttle.retryAfterSeconds * 1000;
    setLeft(throttle.retryAfterSeconds);
    const t = setInterval(() => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(s);
      if (s === 0) clearInterval(t);
    }, 1000);
    return () => clearInterval(t);
  }, [state, throttle.throttled, throttle.retryAfterSeconds]);
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
      <SubmitButton className="w-full" pendingText="Signing in…" disabled={left > 0}>
        {left > 0 ? `Sign in (wait ${left} s)` : "Sign in"}
      </SubmitButton>
    </form>
  );
}
