"use client";
import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { Field, FormMessage, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

/** The code as it will be stored (codes are kept in lower case, the rule in lib/courses/schemas.ts). */
const storedCode = (s: string) => s.trim().toLowerCase();

export function CourseForm({ action, course, submitLabel }: { action: Action; course?: { id: number; code: string; title: string; description: string }; submitLabel: string }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const t = useTranslations("courses");
  const v = state.values ?? (course ? { code: course.code, title: course.title, description: course.description } : {});
  const e = state.fieldErrors ?? {};
  const [code, setCode] = useState(v.code ?? "");
  const ref = useFocusFirstError(state);
  const shown = storedCode(code);
  return (
    <form ref={ref} action={formAction} className="space-y-4" noValidate>
      {course && <input type="hidden" name="courseId" value={course.id} />}
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label={t("code")} name="code" error={e.code} hint={shown && shown !== code ? <span data-testid="code-stored-as">{t("codeStoredAs", { code: shown })}</span> : t("codeHint")}>
          <Input name="code" defaultValue={v.code} onChange={(ev) => setCode(ev.currentTarget.value)} error={e.code} required autoComplete="off" spellCheck={false} />
        </Field>
        <Field label={t("courseTitle")} name="title" error={e.title} className="sm:col-span-2">
          <Input name="title" defaultValue={v.title} error={e.title} required />
        </Field>
      </div>
      <Field label={t("descriptionField")} name="description" error={e.description}>
        <Textarea name="description" rows={3} defaultValue={v.description} error={e.description} />
      </Field>
      <div className="flex justify-end">
        <SubmitButton pendingText={t("saving")}>{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
