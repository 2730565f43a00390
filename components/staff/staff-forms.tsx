"use client";
import { KeyRound, Pencil } from "lucide-react";
import { useActionState, useEffect, useRef } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm";
import { Field, FormMessage, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Td } from "@/components/ui/table";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { ROLES } from "@/lib/constants";

type Action<T = never> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;
type Secret = { username: string; password: string };

function RoleSelect({ id, defaultValue }: { id?: string; defaultValue: string }) {
  const t = useTranslations("shell.roles");
  return (
    <Select name="role" id={id} defaultValue={defaultValue}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(r)}
        </option>
      ))}
    </Select>
  );
}

function OneTimeSecret({ secret }: { secret?: Secret }) {
  const t = useTranslations("staff");
  if (!secret) return null;
  return (
    <div role="status" className="rounded-md bg-amber-50 p-3 text-sm ring-1 ring-amber-200">
      <p className="font-medium text-amber-900">{t("shownOnce", { username: secret.username })}</p>
      <p className="mt-1 flex flex-wrap items-center gap-2">
        <code className="rounded bg-white px-2 py-1 font-mono text-base ring-1 ring-amber-200" data-testid="one-time-password">{secret.password}</code>
        <Button type="button" variant="secondary" onClick={() => navigator.clipboard?.writeText(secret.password)}>{t("copy")}</Button>
      </p>
    </div>
  );
}

export function CreateStaffForm({ action }: { action: Action<Secret> }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<Secret>);
  const keep = state.status === "error" ? state.values : undefined;
  const e = state.fieldErrors ?? {};
  const t = useTranslations("staff");
  return (
    <form action={formAction} className="space-y-3" noValidate aria-label={t("newTitle")}>
      {state.status === "ok" ? <OneTimeSecret secret={state.data} /> : <FormMessage state={state} />}
      <div className="grid items-start gap-3 sm:grid-cols-5">
        <Field label={t("username")} name="username" error={e.username}>
          <Input name="username" defaultValue={keep?.username} error={e.username} autoComplete="off" />
        </Field>
        <Field label={t("displayName")} name="displayName" error={e.displayName}>
          <Input name="displayName" defaultValue={keep?.displayName} error={e.displayName} />
        </Field>
        <Field label={t("email")} name="email" error={e.email}>
          <Input name="email" type="email" defaultValue={keep?.email} error={e.email} />
        </Field>
        <Field label={t("role")} name="role">
          <RoleSelect defaultValue={keep?.role ?? "grader"} />
        </Field>
        <div className="sm:pt-6">
          <SubmitButton className="w-full" pendingText={t("creating")}>{t("create")}</SubmitButton>
        </div>
      </div>
    </form>
  );
}

interface UserRow {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  role: string;
  source: string;
  active: boolean;
  assignments: number;
  lastLogin: string;
  self: boolean;
}

export function StaffRow({ user, update, reset }: { user: UserRow; update: Action; reset: Action<Secret> }) {
  const [uState, updateAction] = useActionState(update, idleState as ActionState<never>);
  const [rState, resetAction] = useActionState(reset, idleState as ActionState<Secret>);
  const dialog = useRef<HTMLDialogElement>(null);
  const t = useTranslations("staff");
  const tr = useTranslations("shell.roles");
  useEffect(() => {
    if (uState.status === "ok") dialog.current?.close();
  }, [uState]);
  return (
    <>
      <tr className="hover:bg-slate-50">
        <Td>
          <div className="font-medium text-slate-900">{user.displayName}</div>
          <div className="font-mono text-xs text-slate-600">{user.username}</div>
        </Td>
        <Td><Badge tone={user.role === "admin" ? "red" : user.role === "instructor" ? "blue" : user.role === "grader" ? "green" : "violet"}>{tr(user.role as "admin")}</Badge></Td>
        <Td className="text-xs uppercase text-slate-600">{t.has(`sources.${user.source}` as "sources.local") ? t(`sources.${user.source}` as "sources.local") : user.source}</Td>
        <Td className="tabular-nums">{user.assignments}</Td>
        <Td className="text-xs text-slate-600">{user.lastLogin}</Td>
        <Td>{user.active ? <Badge tone="green">{t("active")}</Badge> : <Badge>{t("deactivated")}</Badge>}</Td>
        <Td className="text-right">
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialog.current?.showModal()} aria-label={t("edit", { username: user.username })}>
              <Pencil className="size-4" aria-hidden />
            </Button>
            <dialog ref={dialog} className="m-auto w-full max-w-lg rounded-lg p-0 text-left shadow-xl" aria-label={t("edit", { username: user.username })}>
              <form action={updateAction} className="space-y-3 p-5" noValidate>
                <h2 className="text-base font-semibold">{t("edit", { username: user.username })}</h2>
                <input type="hidden" name="userId" value={user.id} />
                {uState.status === "error" && <FormMessage state={uState} />}
                <Field label={t("displayName")} name="displayName" id={`displayName-${user.id}`} error={uState.fieldErrors?.displayName}>
                  <Input name="displayName" id={`displayName-${user.id}`} defaultValue={user.displayName} />
                </Field>
                <Field label={t("email")} name="email" id={`email-${user.id}`} error={uState.fieldErrors?.email}>
                  <Input name="email" id={`email-${user.id}`} defaultValue={user.email ?? ""} />
                </Field>
                <Field label={t("role")} name="role" id={`role-${user.id}`} error={uState.fieldErrors?.role}>
                  <RoleSelect id={`role-${user.id}`} defaultValue={user.role} />
                </Field>
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="active" defaultChecked={user.active} disabled={user.self} /> {t("activeLabel")}
                </label>
                {user.self && <input type="hidden" name="active" value="on" />}
                <div className="flex justify-end gap-2 pt-2">
                  <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>{t("cancel")}</Button>
                  <SubmitButton pendingText={t("saving")}>{t("save")}</SubmitButton>
                </div>
              </form>
            </dialog>
            {user.source === "local" && (
              <form id={`reset-${user.id}`} action={resetAction}>
                <input type="hidden" name="userId" value={user.id} />
                <ConfirmButton variant="secondary" title={t("resetTitle", { username: user.username })} body={t("resetBody")} confirmLabel={t("resetConfirm")} form={`reset-${user.id}`}>
                  <KeyRound className="size-4" aria-hidden /> <span className="sr-only">{t("resetLabel", { username: user.username })}</span>
                </ConfirmButton>
              </form>
            )}
          </div>
        </Td>
      </tr>
      {(rState.status !== "idle" || uState.status === "ok") && (
        <tr>
          <td colSpan={7} className="px-4 pb-3">
            {rState.status === "ok" ? <OneTimeSecret secret={rState.data} /> : <FormMessage state={rState} />}
            {uState.status === "ok" && <FormMessage state={uState} />}
          </td>
        </tr>
      )}
    </>
  );
}
