"use client";
import { useActionState } from "react";
import { Field, FormMessage, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

export function CourseForm({ action, course, submitLabel }: { action: Action; course?: { id: number; code: string; title: string; description: string }; submitLabel: string }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const v = state.values ?? (course ? { code: course.code, title: course.title, description: course.description } : {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {course && <input type="hidden" name="courseId" value={course.id} />}
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Code" name="code" error={e.code} hint="Used in profile slugs and NFS paths, e.g. mathe1.">
          <Input name="code" defaultValue={v.code} error={e.code} required autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="Title" name="title" error={e.title} className="sm:col-span-2">
          <Input name="title" defaultValue={v.title} error={e.title} required />
        </Field>
      </div>
      <Field label="Description" name="description" error={e.description}>
        <Textarea name="description" rows={3} defaultValue={v.description} error={e.description} />
      </Field>
      <div className="flex justify-end">
        <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
