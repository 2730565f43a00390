"use client";
import { UserMinus } from "lucide-react";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm";
import { Field, FormMessage, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

/** Staff of a term (any term role) or of a whole course (instructors). */
export function StaffPanel({
  termId,
  courseId,
  staff,
  accounts,
  canEdit,
  assign,
  unassign,
}: {
  termId?: number;
  courseId?: number;
  staff: { id: number; username: string; displayName: string; role: string }[];
  accounts: { username: string; displayName: string }[];
  canEdit: boolean;
  assign: Action;
  unassign: Action;
}) {
  const where = termId !== undefined ? "term" : "course";
  const listId = `accounts-${where}-${termId ?? courseId}`;
  const [state, assignAction] = useActionState(assign, idleState as ActionState<never>);
  const [uState, unassignAction] = useActionState(unassign, idleState as ActionState<never>);
  const t = useTranslations("staffPanel");
  const tr = useTranslations("roles");
  const role = (r: string) => (tr.has(r as "grader") ? tr(r as "grader") : r);
  return (
    <div className="space-y-4">
      <FormMessage state={uState} />
      {staff.length === 0 ? (
        <p className="text-sm text-slate-600">{where === "term" ? t("none") : t("noneCourse")}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {staff.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <span>
                <span className="font-medium text-slate-900">{s.displayName}</span> <span className="text-slate-600">({s.username})</span>
              </span>
              <span className="flex items-center gap-3">
                <Badge tone={s.role === "instructor" ? "blue" : s.role === "grader" ? "green" : "violet"}>{role(s.role)}</Badge>
                {canEdit && (
                  <form id={`unassign-${s.id}`} action={unassignAction}>
                    <input type="hidden" name="assignmentId" value={s.id} />
                    <ConfirmButton title={t("removeTitle", { username: s.username })} body={t(where === "term" ? "removeBody" : "removeBodyCourse", { name: s.displayName, role: role(s.role) })} confirmLabel={t("remove")} form={`unassign-${s.id}`}>
                      <UserMinus className="size-4" aria-hidden /> <span className="sr-only">{t("removeLabel", { username: s.username })}</span>
                    </ConfirmButton>
                  </form>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form action={assignAction} className="rounded-md border border-slate-200 bg-slate-50 p-3">
          {termId !== undefined ? <input type="hidden" name="termId" value={termId} /> : <input type="hidden" name="courseId" value={courseId} />}
          <FormMessage state={state} />
          <div className="mt-2 grid items-end gap-3 sm:grid-cols-[1fr_12rem_auto]">
            <Field label={t("account")} name="username" error={state.fieldErrors?.username}>
              <Input name="username" list={listId} placeholder={t("placeholder")} defaultValue={state.status === "error" ? state.values?.username : ""} error={state.fieldErrors?.username} autoComplete="off" />
              <datalist id={listId}>
                {accounts.map((a) => (
                  <option key={a.username} value={a.username}>{a.displayName}</option>
                ))}
              </datalist>
            </Field>
            {where === "term" ? (
              <Field label={t("role")} name="role">
                <Select name="role" defaultValue={state.values?.role ?? "grader"}>
                  <option value="instructor">{role("instructor")}</option>
                  <option value="grader">{role("grader")}</option>
                  <option value="supervisor">{role("supervisor")}</option>
                </Select>
              </Field>
            ) : (
              <span />
            )}
            <SubmitButton pendingText={t("adding")}>{where === "term" ? t("add") : t("addCourse")}</SubmitButton>
          </div>
        </form>
      )}
    </div>
  );
}
