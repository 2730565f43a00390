"use client";
import { ActionForm, type Action } from "@/components/exams/action-form";
import { SubmitButton } from "@/components/ui/submit-button";
import { useTranslations } from "next-intl";

export function TakeReceiptsForm({ action, examId }: { action: Action; examId: number }) {
  const t = useTranslations("receipts");
  return (
    <ActionForm action={action} hidden={{ examId }} className="space-y-2">
      {() => <SubmitButton variant="secondary" pendingText={t("reading")}>{t("take")}</SubmitButton>}
    </ActionForm>
  );
}
