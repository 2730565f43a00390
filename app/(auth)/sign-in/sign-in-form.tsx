"use client";
import { useActionState, useEffect, useState } from "react";
import { useTranslations } from "next-intl";
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
    const timer = setInterval(() => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(s);
      if (s === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [state, throttle.throttled, throttle.retryAfterSeconds]);
  const t = useTranslations("signIn");
  return (
    <form action={action} className="space-y-4" noValidate>
      {next && <input type="hidden" name="next" value={next} />}
      <FormMessage state={state} />
      <Field label={t("username")} name="username" error={state.fieldErrors?.username}>
        <Input name="username" autoComplete="username" autoFocus required defaultValue={state.values?.username} error={state.fieldErrors?.username} />
      </Field>
      <Field label={t("password")} name="password" error={state.fieldErrors?.password}>
        <Input name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} />
      </Field>
      <SubmitButton className="w-full" pendingText={t("pending")} disabled={left > 0}>
        {left > 0 ? t("wait", { s: left }) : t("submit")}
      </SubmitButton>
    </form>
  );
}
