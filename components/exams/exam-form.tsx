"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Field, FormMessage, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<{ examId?: number }>, form: FormData) => Promise<ActionState<{ examId?: number }>>;

export interface ExamFormValues {
  termId?: string;
  title: string;
  period: string;
  date: string;
  start: string;
  end: string;
  graceMinutes: string;
  language: string;
  examiners: string;
  headerLines: string;
}

/** Create or edit an exam window. Times are the portal's time zone. */
export function ExamForm({
  action,
  examId,
  terms,
  initial,
  submitLabel,
  zone,
  lockStart,
}: {
  action: Action;
  examId?: number;
  terms?: { id: number; label: string; examHub: boolean }[];
  initial: ExamFormValues;
  submitLabel: string;
  zone: string;
  lockStart?: boolean;
}) {
  const [state, formAction] = useActionState(action, idleState as ActionState<{ examId?: number }>);
  const router = useRouter();
  useEffect(() => {
    if (state.status === "ok" && !examId && state.data?.examId) router.push(`/exams/${state.data.examId}`);
  }, [state, examId, router]);
  const v = (state.status === "error" ? state.values : undefined) ?? (initial as unknown as Record<string, string>);
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {examId && <input type="hidden" name="examId" value={examId} />}
      {examId && <input type="hidden" name="termId" value={initial.termId} />}
      <FormMessage state={state} />
      {terms && (
        <Field label="Course term" name="termId" error={e.termId} hint="Only terms offered on the exam hub can hold exams.">
          <Select name="termId" defaultValue={v.termId} error={e.termId} key={v.termId}>
            <option value="">Choose a term…</option>
            {terms.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
                {t.examHub ? "" : " (not on the exam hub)"}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <div className="grid gap-4 sm:grid-cols-4">
        <Field label="Title" name="title" error={e.title} className="sm:col-span-3">
          <Input name="title" defaultValue={v.title} error={e.title} placeholder="Klausur Mathematik 1" required />
        </Field>
        <Field label="Period" name="period" error={e.period} hint="PZ1, PZ2 …">
          <Input name="period" defaultValue={v.period} error={e.period} required autoComplete="off" spellCheck={false} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-4">
        <Field label="Date" name="date" error={e.date}>
          <Input name="date" type="date" defaultValue={v.date} error={e.date} required readOnly={lockStart} />
        </Field>
        <Field label={`Start (${zone})`} name="start" error={e.start}>
          <Input name="start" type="time" defaultValue={v.start} error={e.start} required readOnly={lockStart} />
        </Field>
        <Field label="End" name="end" error={e.end}>
          <Input name="end" type="time" defaultValue={v.end} error={e.end} required />
        </Field>
        <Field label="Grace (minutes)" name="graceMinutes" error={e.graceMinutes} hint="Sign-in after the end, e.g. to submit.">
          <Input name="graceMinutes" type="number" min={0} max={120} defaultValue={v.graceMinutes} error={e.graceMinutes} required />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Sheet language" name="language" error={e.language}>
          <Select name="language" defaultValue={v.language} error={e.language}>
            <option value="de">German</option>
            <option value="en">English</option>
          </Select>
        </Field>
        <Field label="Examiners" name="examiners" error={e.examiners} hint="One per line; printed on the attendance list.">
          <Textarea name="examiners" rows={2} defaultValue={v.examiners} error={e.examiners} />
        </Field>
        <Field label="Header lines" name="headerLines" error={e.headerLines} hint="University, department, programme: one per line.">
          <Textarea name="headerLines" rows={2} defaultValue={v.headerLines} error={e.headerLines} />
        </Field>
      </div>
      <div className="flex justify-end">
        <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
