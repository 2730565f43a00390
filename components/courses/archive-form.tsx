"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ConfirmButton } from "@/components/ui/confirm";
import { FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

export function ArchiveForm({ action, idName, id, archived, what }: { action: Action; idName: string; id: number; archived: boolean; what: string }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const t = useTranslations("courses");
  const formId = `archive-${idName}-${id}`;
  return (
    <form id={formId} action={formAction} className="flex items-center justify-between gap-4">
      <input type="hidden" name={idName} value={id} />
      <input type="hidden" name="archived" value={archived ? "false" : "true"} />
      <FormMessage state={state} />
      {archived ? (
        <ConfirmButton variant="secondary" title={t("restoreTitle", { what })} body={t("restoreBody")} confirmLabel={t("restore")} form={formId}>
          {t("restore")}
        </ConfirmButton>
      ) : (
        <ConfirmButton title={t("archiveTitle", { what })} body={t("archiveBody")} confirmLabel={t("archive")} form={formId}>
          {t("archiveButton")}
        </ConfirmButton>
      )}
    </form>
  );
}
