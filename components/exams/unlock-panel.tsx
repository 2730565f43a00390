"use client";
import { Unlock } from "lucide-react";
import { useState } from "react";
import { useTranslations } from "next-intl";
import type { ExamPushPreviewView } from "@/lib/deployment/views";
import type { Action } from "./action-form";
import { HubStep } from "./hub-step";

/**
 * Lifts the exam hub's sign-in lock of one participant (after five wrong passwords the hub locks
 * an account for five minutes). The hub sees the unlock with the push, within its cache time.
 */
export function UnlockPanel({
  examId,
  revision,
  participants,
  preview,
  apply,
}: {
  examId: number;
  revision: number;
  participants: { id: number; label: string }[];
  preview: Action<ExamPushPreviewView>;
  apply: Action;
}) {
  const [pick, setPick] = useState("");
  const t = useTranslations("unlock");
  const chosen = participants.find((p) => String(p.id) === pick);
  return (
    <div className="space-y-3">
      <div>
        <label htmlFor="unlock-who" className="mb-1 block text-sm font-medium text-slate-700">
          {t("participant")}
        </label>
        <select id="unlock-who" value={pick} onChange={(e) => setPick(e.target.value)} className="w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500">
          <option value="">{t("choose")}</option>
          {participants.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <HubStep
        variant="secondary"
        disabled={!chosen}
        title={chosen ? t("titleWho", { who: chosen.label }) : t("title")}
        confirmLabel={t("confirm")}
        effects={[t("effect")]}
        fields={{ examId, step: "unlock", revision, participantId: chosen?.id ?? 0 }}
        preview={preview}
        apply={apply}
        testId="unlock"
      >
        <Unlock className="size-4" aria-hidden /> {t("confirm")}
      </HubStep>
    </div>
  );
}
