"use server";
import { z } from "zod";
import { msg, t } from "@/lib/i18n/t";
import { defineAction } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { forgetBoard } from "@/lib/exam-day/board";
import { takeReceipts } from "@/lib/exam-day/closing";
import { hubApiInput, saveHubApiSettings } from "@/lib/exam-day/hub-api";
import { moveToBackup } from "@/lib/exam-day/moves";
import { runProbe } from "@/lib/exam-day/probe";
import { commitExamEdit } from "@/lib/deployment/exam-push";
import { examScope, setExtraTime } from "@/lib/exams/exams";

const id = z.coerce.number().int().positive();
const scope = (i: { examId: number }) => examScope(getDb(), i.examId);
const paths = (i: { examId: number }) => [`/exams/${i.examId}`, `/exams/${i.examId}/preflight`, `/exams/${i.examId}/board`, `/exams/${i.examId}/receipts`];

/** Where the exam hub's REST API is and the portal's token there (the token is sealed, never shown again). */
export const saveHubApiAction = defineAction({
  schema: hubApiInput.extend({ examId: id }),
  capability: "cluster.push",
  run: (input, ctx) => {
    saveHubApiSettings(input, ctx);
    return { message: input.tokenSecret ? t("examActions.hubSaved") : t("examActions.hubSavedKept") };
  },
  revalidate: paths,
});

/** The test sign-in: a fresh password for the probe account, pushed, signed in, server started and stopped. */
export const runProbeAction = defineAction({
  schema: z.object({ examId: id }),
  capability: "exam.run",
  scope,
  execute: async ({ examId }, principal) => {
    const r = await runProbe(getDb(), principal, examId);
    return { message: r.ok ? t("examActions.probeOk", { username: r.username }) : t("examActions.probeFailed", { username: r.username, detail: r.steps.find((s) => !s.ok)?.detail ?? t("examActions.seeBelow") }) };
  },
  revalidate: paths,
});

/** A student moves to a backup account: the portal records whose work it holds (and the hub gets the student's extra time for it). */
export const moveToBackupAction = defineAction({
  schema: z.object({ examId: id, participantId: id, backupId: z.coerce.number(msg("examActions.chooseBackup")).int().positive(msg("examActions.chooseBackup")), reason: z.string().trim().max(200, msg("examActions.max200")).default("") }),
  capability: "exam.run",
  scope,
  execute: async ({ examId, participantId, backupId, reason }, principal) => {
    const message = await commitExamEdit(getDb(), principal, examId, (ctx) => {
      const r = moveToBackup(examId, participantId, backupId, reason, ctx);
      const moved = t("examActions.moved", { student: r.student, backup: r.backup });
      // with extra time, the backup account's new end goes to the hub at once
      return r.carriedMinutes ? { message: `${moved} ${t("examActions.extraCarried", { backup: r.backup, minutes: r.carriedMinutes })}`, reachesHub: true } : { message: moved, reachesHub: false };
    });
    forgetBoard(examId);
    return { message };
  },
  revalidate: paths,
});

/** Extra time for one student, from the board: the supervisors in the room may give it (pushed at once while open). */
export const boardExtraTimeAction = defineAction({
  schema: z.object({ examId: id, participantId: id, extraMinutes: z.coerce.number(msg("examActions.minutes")).int(msg("examActions.wholeMinutes")).min(0, msg("examActions.minMinutes")).max(600, msg("examActions.maxMinutes")) }),
  capability: "exam.run",
  scope,
  execute: async ({ examId, participantId, extraMinutes }, principal) => {
    const message = await commitExamEdit(getDb(), principal, examId, (ctx) => {
      const p = setExtraTime(examId, participantId, extraMinutes, ctx);
      return extraMinutes ? t("examActions.extra", { username: p.username, minutes: extraMinutes }) : t("examActions.noExtra", { username: p.username });
    });
    forgetBoard(examId);
    return { message };
  },
  revalidate: paths,
});

/** Receipts again (after a reopen and close, or when the exchange was not mounted at closing). */
export const takeReceiptsAction = defineAction({
  schema: z.object({ examId: id }),
  capability: "exam.run",
  scope,
  execute: async ({ examId }, principal) => {
    const r = await takeReceipts(getDb(), principal, examId);
    return { message: r.found ? t("examActions.receiptsNew", { count: r.taken, found: r.found }) : t("examActions.noSubmission") };
  },
  revalidate: paths,
});
