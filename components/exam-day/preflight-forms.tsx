"use client";
import { LogIn } from "lucide-react";
import { ActionForm, shown, type Action } from "@/components/exams/action-form";
import { Field, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";

/** Where the exam hub's REST API is, and the portal's service token there (write-only). */
export function HubApiForm({ action, examId, initial }: { action: Action; examId: number; initial: { apiUrl: string; loginUrl: string; probeSource: string; hasToken: boolean; tokenReadable: boolean } }) {
  return (
    <ActionForm action={action} hidden={{ examId }} className="space-y-4">
      {(state) => (
        <div className="grid gap-4 md:grid-cols-2">
          <Field label="Exam hub API address" name="apiUrl" error={state.fieldErrors?.apiUrl} hint="Where the portal reaches the hub, e.g. http://proxy-public.e2x-exam.svc.cluster.local (the API is at /hub/api).">
            <Input name="apiUrl" defaultValue={shown(state, "apiUrl", initial.apiUrl)} error={state.fieldErrors?.apiUrl} required />
          </Field>
          <Field label="Exam hub sign-in address (through the load balancer)" name="loginUrl" error={state.fieldErrors?.loginUrl} hint="As the rooms reach it; empty: the API address. The hub's host name is sent as on the cluster page.">
            <Input name="loginUrl" defaultValue={shown(state, "loginUrl", initial.loginUrl)} error={state.fieldErrors?.loginUrl} />
          </Field>
          <Field label="Test sign-in from address" name="probeSource" error={state.fieldErrors?.probeSource} hint="An address of the portal inside a room's network (e.g. the staff VPN room); empty: the system picks.">
            <Input name="probeSource" defaultValue={shown(state, "probeSource", initial.probeSource)} error={state.fieldErrors?.probeSource} />
          </Field>
          <Field
            label="Token of the portal's service on the exam hub"
            name="tokenSecret"
            error={state.fieldErrors?.tokenSecret}
            hint={initial.hasToken ? (initial.tokenReadable ? "A token is saved (sealed). Leave empty to keep it." : "The saved token cannot be opened any more: enter it again.") : "hub.services.e2x-portal.apiToken in the exam hub's values (README: exam day)."}
          >
            <Input name="tokenSecret" type="password" autoComplete="off" error={state.fieldErrors?.tokenSecret} />
          </Field>
          <div className="md:col-span-2">
            <SubmitButton variant="secondary" pendingText="Saving…">Save exam hub API</SubmitButton>
          </div>
        </div>
      )}
    </ActionForm>
  );
}

/** Runs the test sign-in (takes up to a minute: a push, the hub's cache time, a server start and stop). */
export function ProbeForm({ action, examId, disabled }: { action: Action; examId: number; disabled?: boolean }) {
  return (
    <ActionForm action={action} hidden={{ examId }} className="space-y-3">
      {() => (
        <SubmitButton disabled={disabled} pendingText="Signing in, starting and stopping… (up to a minute)">
          <LogIn className="size-4" aria-hidden /> Run the test sign-in
        </SubmitButton>
      )}
    </ActionForm>
  );
}
