"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { useTranslations } from "next-intl";
import { Field, FormMessage, Input, Select, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

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
  const ref = useFocusFirstError(state);
  const router = useRouter();
  const t = useTranslations("examForm");
  useEffect(() => {
    if (state.status === "ok" && !examId && state.data?.examId) router.push(`/exams/${state.data.examId}`);
  }, [state, examId, router]);
  const v = (state.status === "error" ? state.values : undefined) ?? (initial as unknown as Record<string, string>);
  const e = state.fieldErrors ?? {};
  return (
    <form ref={ref} action={formAction} className="space-y-4" noValidate>
      {examId && <input type="hidden" name="examId" value={examId} />}
      {examId && <input type="hidden" name="termId" value={initial.termId} />}
      <FormMessage state={state} />
      {terms && (
        <Field label={t("term")} name="termId" error={e.termId} hint={t("termHint")}>
          <Select name="termId" defaultValue={v.termId} error={e.termId} key={v.termId}>
            <option value="">{t("chooseTerm")}</option>
            {terms.map((term) => (
              <option key={term.id} value={term.id}>
                {term.label}
                {term.examHub ? "" : t("notOnHub")}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <div className="grid gap-4 sm:grid-cols-4">
        <Field label={t("title")} name="title" error={e.title} className="sm:col-span-3">
          <Input name="title" defaultValue={v.title} error={e.title} placeholder="Klausur Mathematik 1" required />
        </Field>
        <Field label={t("period")} name="period" error={e.period} hint={t("periodHint")}>
          <Input name="period" defaultValue={v.period} error={e.period} required autoComplete="off" spellCheck={false} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field label={t("date")} name="date" error={e.date}>
          <Input name="date" type="date" defaultValue={v.date} error={e.date} required readOnly={lockStart} />
        </Field>
        <Field label={t("start", { zone })} name="start" error={e.start}>
          <Input name="start" type="time" defaultValue={v.start} error={e.start} required readOnly={lockStart} />
        </Field>
        <Field label={t("end")} name="end" error={e.end}>
          <Input name="end" type="time" defaultValue={v.end} error={e.end} required />
        </Field>
        <Field label={t("grace")} name="graceMinutes" error={e.graceMinutes} hint={t("graceHint")}>
          <Input name="graceMinutes" type="number" min={0} max={120} defaultValue={v.graceMinutes} error={e.graceMinutes} required />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label={t("language")} name="language" error={e.language}>
          <Select name="language" defaultValue={v.language} error={e.language}>
            <option value="de">{t("german")}</option>
            <option value="en">{t("english")}</option>
          </Select>
        </Field>
        <Field label={t("examiners")} name="examiners" error={e.examiners} hint={t("examinersHint")}>
          <Textarea name="examiners" rows={2} defaultValue={v.examiners} error={e.examiners} />
        </Field>
        <Field label={t("headerLines")} name="headerLines" error={e.headerLines} hint={t("headerLinesHint")}>
          <Textarea name="headerLines" rows={2} defaultValue={v.headerLines} error={e.headerLines} />
        </Field>
      </div>
      <div className="flex justify-end">
        <SubmitButton pendingText={t("saving")}>{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
