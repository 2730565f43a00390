"use client";
import { UserMinus } from "lucide-react";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm";
import { Field, FormMessage, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import type { ExamPushPreviewView } from "@/lib/deployment/views";
import { ActionForm, shown, type Action } from "./action-form";
import { HubStepButton } from "./hub-step";

export interface StepView {
  name: string;
  label: string;
  kind: "plan" | "run";
  tone: "primary" | "secondary" | "danger";
  problems: string[];
  effects: string[];
  /** Open points of the pre-flight check (shown before opening; they do not block). */
  attention?: { text: string; items: string[]; href: string; linkLabel: string };
}

/**
 * Lifecycle buttons: each shows what it changes on the exam hub (the dry run of its push) and
 * asks before it happens; the hub gets the data first, then the step is recorded.
 */
export function LifecyclePanel({ examId, revision, steps, plan, run, preview }: { examId: number; revision: number; steps: StepView[]; plan: Action; run: Action; preview: Action<ExamPushPreviewView> }) {
  // one state per action, kept here: the step's own button goes away once the step is done
  const [planState, planAction, planPending] = useActionState(plan, idleState as ActionState<never>);
  const [runState, runAction, runPending] = useActionState(run, idleState as ActionState<never>);
  const t = useTranslations("examPage");
  return (
    <div className="space-y-3">
      <FormMessage state={planState} />
      <FormMessage state={runState} />
      {steps.length === 0 && <p className="text-sm text-slate-600">{t("noStep")}</p>}
      {steps.map((s) => (
        <div key={s.name} id={`step-${s.name}`} className="flex flex-wrap items-start gap-3">
          <HubStepButton
            variant={s.tone}
            disabled={s.problems.length > 0}
            title={`${s.label}?`}
            confirmLabel={s.label}
            effects={s.effects}
            attention={s.attention}
            fields={{ examId, step: s.name, transition: s.name, revision }}
            preview={preview}
            formAction={s.kind === "plan" ? planAction : runAction}
            pending={s.kind === "plan" ? planPending : runPending}
            testId={`hub-step-${s.name}`}
          >
            {s.label}
          </HubStepButton>
          {s.problems.length > 0 && (
            <ul className="text-sm text-amber-800" data-testid={`problems-${s.name}`}>
              {s.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

export function SupervisorsPanel({
  examId,
  supervisors,
  accounts,
  canEdit,
  add,
  remove,
}: {
  examId: number;
  supervisors: { id: number; username: string; displayName: string; active: boolean }[];
  accounts: { username: string; displayName: string }[];
  canEdit: boolean;
  add: Action;
  remove: Action;
}) {
  const t = useTranslations("examPage");
  return (
    <div className="space-y-3">
      {supervisors.length === 0 ? (
        <p className="text-sm text-slate-600">{t("noSupervisor")}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {supervisors.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                <span className="font-medium text-slate-900">{s.displayName}</span> <span className="text-slate-600">({s.username})</span> {!s.active && <Badge tone="amber">{t("deactivated")}</Badge>}
              </span>
              {canEdit && (
                <ActionForm action={remove} hidden={{ examId, supervisorId: s.id }} id={`remove-sup-${s.id}`}>
                  {() => (
                    <ConfirmButton title={t("removeTitle", { username: s.username })} body={t("removeBody", { name: s.displayName })} confirmLabel={t("remove")} form={`remove-sup-${s.id}`}>
                      <UserMinus className="size-4" aria-hidden /> <span className="sr-only">{t("removeLabel", { username: s.username })}</span>
                    </ConfirmButton>
                  )}
                </ActionForm>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <ActionForm action={add} hidden={{ examId }} className="space-y-2">
          {(state) => (
            <div className="grid items-end gap-3 sm:grid-cols-[1fr_auto]">
              <Field label={t("staffAccount")} name="username" id="supervisor-username" error={state.fieldErrors?.username}>
                <Input name="username" id="supervisor-username" list="supervisor-accounts" placeholder={t("usernamePlaceholder")} defaultValue={shown(state, "username", "")} error={state.fieldErrors?.username} autoComplete="off" />
                <datalist id="supervisor-accounts">
                  {accounts.map((a) => (
                    <option key={a.username} value={a.username}>{a.displayName}</option>
                  ))}
                </datalist>
              </Field>
              <SubmitButton variant="secondary" pendingText={t("adding")}>{t("addSupervisor")}</SubmitButton>
            </div>
          )}
        </ActionForm>
      )}
    </div>
  );
}

export function DeleteExamForm({ examId, action }: { examId: number; action: Action }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const t = useTranslations("examPage");
  return (
    <form action={formAction} id="delete-exam" className="space-y-2">
      <input type="hidden" name="examId" value={examId} />
      <FormMessage state={state} />
      <ConfirmButton title={t("deleteTitle")} body={t("deleteBody")} confirmLabel={t("deleteConfirm")} form="delete-exam">
        {t("deleteDraft")}
      </ConfirmButton>
    </form>
  );
}
