"use client";
import { ActionForm, type Action } from "@/components/exams/action-form";
import { SubmitButton } from "@/components/ui/submit-button";

export function TakeReceiptsForm({ action, examId }: { action: Action; examId: number }) {
  return (
    <ActionForm action={action} hidden={{ examId }} className="space-y-2">
      {() => <SubmitButton variant="secondary" pendingText="Reading the exchange…">Take receipts of new submissions</SubmitButton>}
    </ActionForm>
  );
}
