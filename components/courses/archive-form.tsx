"use client";
import { useActionState } from "react";
import { ConfirmButton } from "@/components/ui/confirm";
import { FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

export function ArchiveForm({ action, idName, id, archived, what }: { action: Action; idName: string; id: number; archived: boolean; what: string }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const formId = `archive-${idName}-${id}`;
  return (
    <form id={formId} action={formAction} className="flex items-center justify-between gap-4">
      <input type="hidden" name={idName} value={id} />
      <input type="hidden" name="archived" value={archived ? "false" : "true"} />
      <FormMessage state={state} />
      {archived ? (
        <ConfirmButton variant="secondary" title={`Restore ${what}?`} body="It will be offered on its hubs again after the next push." confirmLabel="Restore" form={formId}>
          Restore
        </ConfirmButton>
      ) : (
        <ConfirmButton title={`Archive ${what}?`} body="Students lose the profile on the next push. Rosters, staff and the audit trail are kept, and you can restore it later." confirmLabel="Archive" form={formId}>
          Archive…
        </ConfirmButton>
      )}
    </form>
  );
}
