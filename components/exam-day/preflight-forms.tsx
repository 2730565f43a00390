"use client";
import { LogIn } from "lucide-react";
import { useTranslations } from "next-intl";
import { ActionForm, shown, type Action } from "@/components/exams/action-form";
import { Field, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";

/** Where the exam hub's REST API is, and the portal's service token there (write-only). */
export function HubApiForm({ action, examId, initial }: { action: Action; examId: number; initial: { apiUrl: string; loginUrl: string; probeSource: string; hasToken: boolean; tokenReadable: boolean } }) {
  const t = useTranslations("preflight.form");
  return (
    <ActionForm action={action} hidden={{ examId }} className="space-y-4">
      {(state) => (
        <div className="grid gap-4 md:grid-cols-2">
          <Field label={t("apiUrl")} name="apiUrl" error={state.fieldErrors?.apiUrl} hint={t("apiUrlHint")}>
            <Input name="apiUrl" defaultValue={shown(state, "apiUrl", initial.apiUrl)} error={state.fieldErrors?.apiUrl} required />
          </Field>
          <Field label={t("loginUrl")} name="loginUrl" error={state.fieldErrors?.loginUrl} hint={t("loginUrlHint")}>
            <Input name="loginUrl" defaultValue={shown(state, "loginUrl", initial.loginUrl)} error={state.fieldErrors?.loginUrl} />
          </Field>
          <Field label={t("probeSource")} name="probeSource" error={state.fieldErrors?.probeSource} hint={t("probeSourceHint")}>
            <Input name="probeSource" defaultValue={shown(state, "probeSource", initial.probeSource)} error={state.fieldErrors?.probeSource} />
          </Field>
          <Field
            label={t("token")}
            name="tokenSecret"
            error={state.fieldErrors?.tokenSecret}
            hint={initial.hasToken ? (initial.tokenReadable ? t("tokenKept") : t("tokenLost")) : t("tokenWhere")}
          >
            <Input name="tokenSecret" type="password" autoComplete="off" error={state.fieldErrors?.tokenSecret} />
          </Field>
          <div className="md:col-span-2">
            <SubmitButton variant="secondary" pendingText={t("saving")}>{t("save")}</SubmitButton>
          </div>
        </div>
      )}
    </ActionForm>
  );
}

/** Runs the test sign-in (takes up to a minute: a push, the hub's cache time, a server start and stop). */
export function ProbeForm({ action, examId, disabled }: { action: Action; examId: number; disabled?: boolean }) {
  const t = useTranslations("preflight.form");
  return (
    <ActionForm action={action} hidden={{ examId }} className="space-y-3">
      {() => (
        <SubmitButton disabled={disabled} pendingText={t("probing")}>
          <LogIn className="size-4" aria-hidden /> {t("probe")}
        </SubmitButton>
      )}
    </ActionForm>
  );
}
