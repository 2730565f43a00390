"use server";
import { msg, t } from "@/lib/i18n/t";
import { z } from "zod";
import type { Principal } from "@/lib/auth/capabilities";
import { ActionError, defineAction, type ActionContext } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { commitExamEdit, previewExamPush, runExamPush } from "@/lib/deployment/exam-push";
import type { ExamPushPreviewView } from "@/lib/deployment/views";
import {
  addBackups,
  addParticipants,
  addSupervisor,
  autoSeatExam,
  clearSeating,
  createExam,
  deleteExam,
  deleteRoom,
  moveRoom,
  examScope,
  removeParticipants,
  removeSupervisor,
  saveRoom,
  setExtraTime,
  setSeat,
  transitionExam,
  unlockParticipant,
  updateExam,
} from "@/lib/exams/exams";
import { TRANSITION_NAMES, TRANSITIONS, type TransitionName } from "@/lib/exams/lifecycle";
import { stopExamServers, takeReceipts } from "@/lib/exam-day/closing";
import { addParticipantsInput, autoSeatInput, backupsInput, examInput, examUpdateInput, extraTimeInput, roomInput, seatInput, supervisorInput } from "@/lib/exams/schemas";

const id = z.coerce.number().int().positive();
/** The course and exam come from the database, never from the form. */
const scope = (i: { examId: number }) => examScope(getDb(), i.examId);
const paths = (i: { examId: number }) => ["/exams", `/exams/${i.examId}`, `/exams/${i.examId}/rooms`, `/exams/${i.examId}/participants`, `/exams/${i.examId}/seating`, `/exams/${i.examId}/sheets`];

/** An edit of what the exam hub gets (lib/deployment/exam-push.ts: commitExamEdit) as an action's work. */
function commitThenPush<I extends { examId: number }>(change: (input: I, ctx: ActionContext) => string) {
  return async (input: I, principal: Principal) => ({ message: await commitExamEdit(getDb(), principal, input.examId, (ctx) => change(input, ctx)) });
}

export const createExamAction = defineAction({
  schema: examInput,
  capability: "exam.manage",
  scope: (i) => ({ termId: i.termId }),
  run: (input, ctx) => {
    const row = createExam(input, ctx);
    return { message: t("examActions.created", { title: row.title }), data: { examId: row.id } };
  },
  revalidate: () => ["/exams"],
});

export const updateExamAction = defineAction({
  schema: examUpdateInput,
  capability: "exam.manage",
  scope,
  execute: commitThenPush(({ examId, ...input }, ctx) => {
    updateExam(examId, input, ctx);
    return t("examActions.saved");
  }),
  revalidate: paths,
});

export const deleteExamAction = defineAction({
  schema: z.object({ examId: id }),
  capability: "exam.manage",
  scope,
  run: ({ examId }, ctx) => {
    deleteExam(examId, ctx);
    return { message: t("examActions.deleted") };
  },
  revalidate: () => ["/exams"],
  // the exam's page is gone with it
  redirectTo: () => "/exams",
});

export const saveRoomAction = defineAction({
  schema: roomInput,
  capability: "exam.manage",
  scope,
  run: (input, ctx) => {
    const room = saveRoom(input, ctx);
    return { message: input.roomId ? t("examActions.roomSaved", { name: room.name }) : t("examActions.roomAdded", { name: room.name }) };
  },
  revalidate: paths,
});

export const moveRoomAction = defineAction({
  schema: z.object({ examId: id, roomId: id, direction: z.enum(["up", "down"], msg("examActions.direction")) }),
  capability: "exam.manage",
  scope,
  run: ({ examId, roomId, direction }, ctx) => {
    const r = moveRoom(examId, roomId, direction, ctx);
    return { message: t("examActions.roomMoved", r) };
  },
  revalidate: paths,
});

export const deleteRoomAction = defineAction({
  schema: z.object({ examId: id, roomId: id }),
  capability: "exam.manage",
  scope,
  run: ({ examId, roomId }, ctx) => {
    deleteRoom(examId, roomId, ctx);
    return { message: t("examActions.roomRemoved") };
  },
  revalidate: paths,
});

export const addParticipantsAction = defineAction({
  schema: addParticipantsInput,
  capability: "exam.manage",
  scope,
  arrays: ["studentIds"],
  run: ({ examId, mode, studentIds }, ctx) => {
    const n = addParticipants(examId, { mode, studentIds }, ctx);
    return { message: t("examActions.added", { count: n }) };
  },
  revalidate: paths,
});

export const removeParticipantsAction = defineAction({
  schema: z.object({ examId: id, ids: z.array(id).min(1, msg("examActions.selectOne")).max(20_000) }),
  capability: "exam.manage",
  scope,
  arrays: ["ids"],
  run: ({ examId, ids }, ctx) => {
    const n = removeParticipants(examId, ids, ctx);
    return { message: t("examActions.removed", { count: n }) };
  },
  revalidate: paths,
});

export const addBackupsAction = defineAction({
  schema: backupsInput,
  capability: "exam.manage",
  scope,
  run: ({ examId, roomId, count }, ctx) => {
    const made = addBackups(examId, roomId, count, ctx);
    return { message: t("examActions.backups", { count: made.length, list: made.join(", ") }) };
  },
  revalidate: paths,
});

export const setExtraTimeAction = defineAction({
  schema: extraTimeInput,
  capability: "exam.manage",
  scope,
  execute: commitThenPush(({ examId, participantId, extraMinutes }, ctx) => {
    const p = setExtraTime(examId, participantId, extraMinutes, ctx);
    return extraMinutes ? t("examActions.extra", { username: p.username, minutes: extraMinutes }) : t("examActions.noExtra", { username: p.username });
  }),
  revalidate: paths,
});

export const setSeatAction = defineAction({
  schema: seatInput,
  capability: "exam.seat",
  scope,
  execute: commitThenPush(({ examId, participantId, roomId, seat }, ctx) => {
    const r = setSeat(examId, participantId, roomId, seat, ctx);
    if (r.room === null) return t("examActions.seatRemoved", { username: r.username });
    const place = { username: r.username, room: r.room, seat: r.seat };
    const said = r.swappedWith
      ? t("examActions.swapped", { ...place, other: r.swappedWith.username, otherRoom: r.swappedWith.room, otherSeat: r.swappedWith.seat })
      : r.unseated
        ? t("examActions.unseated", { ...place, other: r.unseated })
        : t("examActions.seated", place);
    // sheets printed before name the old seat: the passwords stay, the seat line must be corrected by hand
    return r.printed.length ? `${said} ${t("examActions.oldSeatOnSheet", { count: r.printed.length, names: r.printed.join(", ") })}` : said;
  }),
  revalidate: paths,
});

export const autoSeatAction = defineAction({
  schema: autoSeatInput,
  capability: "exam.seat",
  scope,
  execute: commitThenPush(({ examId, order }, ctx) => {
    const r = autoSeatExam(examId, order, ctx);
    return t("examActions.autoSeated", { count: r.seated, order, rooms: r.rooms });
  }),
  revalidate: paths,
});

export const clearSeatingAction = defineAction({
  schema: z.object({ examId: id }),
  capability: "exam.seat",
  scope,
  execute: commitThenPush(({ examId }, ctx) => {
    clearSeating(examId, ctx);
    return t("examActions.cleared");
  }),
  revalidate: paths,
});

export const addSupervisorAction = defineAction({
  schema: supervisorInput,
  capability: "exam.manage",
  scope,
  run: ({ examId, username }, ctx) => {
    addSupervisor(examId, username, ctx);
    return { message: t("examActions.supervises", { username }) };
  },
  revalidate: paths,
});

export const removeSupervisorAction = defineAction({
  schema: z.object({ examId: id, supervisorId: id }),
  capability: "exam.manage",
  scope,
  run: ({ examId, supervisorId }, ctx) => {
    removeSupervisor(examId, supervisorId, ctx);
    return { message: t("examActions.supervisorRemoved") };
  },
  revalidate: paths,
});

const revision = z.coerce.number().int().nonnegative();
const fingerprint = z.string().regex(/^[0-9a-f]{32}$/, msg("examActions.fingerprint"));

/** A lifecycle step: the exam hub gets its data first, then the step is recorded. */
async function runStep(examId: number, transition: TransitionName, revision: number, fp: string, principal: Principal) {
  if (!TRANSITIONS[transition]) throw new ActionError(t("examActions.unknownStep"));
  const db = getDb();
  const r = await runExamPush(db, principal, examId, (ctx) => transitionExam(examId, transition, revision, ctx), { expectedFingerprint: fp });
  // closing: the passwords are revoked (the push above), then a receipt per submission; archiving: no server stays
  let after = "";
  if (transition === "close") {
    const taken = await takeReceipts(db, principal, examId).catch((e: Error) => ({ error: e.message }));
    after = "error" in taken ? t("examActions.receiptsFailed", { error: taken.error }) : t("examActions.receiptsTaken", { count: taken.taken });
  }
  if (transition === "archive") after = ` ${(await stopExamServers(db, examId)).message}`;
  return { message: t("examActions.stepDone", { status: r.value ? t(`examStatus.${r.value}`) : "", hub: r.message, after }) };
}

/** Schedule, back to draft, archive: the exam's organisers. */
export const planExamAction = defineAction({
  schema: z.object({ examId: id, transition: z.enum(["schedule", "unschedule", "archive"]), revision, fingerprint }),
  capability: "exam.manage",
  scope,
  execute: ({ examId, transition, revision, fingerprint }, principal) => runStep(examId, transition, revision, fingerprint, principal),
  revalidate: paths,
});

/** Open, close, reopen: the supervisors in the room, too. */
export const runExamAction = defineAction({
  schema: z.object({ examId: id, transition: z.enum(["open", "close", "reopen"]), revision, fingerprint }),
  capability: "exam.run",
  scope,
  execute: ({ examId, transition, revision, fingerprint }, principal) => runStep(examId, transition, revision, fingerprint, principal),
  revalidate: paths,
});

const hubStep = z.discriminatedUnion("step", [
  z.object({ step: z.enum(TRANSITION_NAMES as [TransitionName, ...TransitionName[]]), examId: id, revision }),
  z.object({ step: z.literal("sync"), examId: id, revision: revision.optional() }),
  z.object({ step: z.literal("unlock"), examId: id, revision, participantId: id }),
]);

/**
 * What a step would change on the exam hub: the dry run of its push (the step itself is made in
 * a transaction that is rolled back). Writes nothing, so seeing the exam is enough.
 */
export const previewExamStepAction = defineAction({
  schema: hubStep,
  capability: "exam.view",
  scope,
  prepare: async (input, principal): Promise<ExamPushPreviewView> => {
    const db = getDb();
    const change: ((ctx: ActionContext) => unknown) | undefined =
      input.step === "sync"
        ? undefined
        : input.step === "unlock"
          ? (ctx: ActionContext) => unlockParticipant(input.examId, input.participantId, input.revision, ctx)
          : (ctx: ActionContext) => transitionExam(input.examId, input.step as TransitionName, input.revision, ctx);
    return previewExamPush(db, principal, input.examId, change);
  },
  run: (_input, _ctx, preview): { message: string; data: ExamPushPreviewView } => ({ message: preview.ok ? t("examActions.previewReady") : preview.error, data: preview }),
});

/** Pushes the exam hub's current data (changes made since its last push). */
export const pushExamAction = defineAction({
  schema: z.object({ examId: id, fingerprint }),
  capability: "exam.run",
  scope,
  execute: async ({ examId, fingerprint }, principal) => ({ message: (await runExamPush(getDb(), principal, examId, undefined, { expectedFingerprint: fingerprint })).message }),
  revalidate: paths,
});

/** Lifts a participant's sign-in lock on the exam hub (after five wrong passwords). */
export const unlockParticipantAction = defineAction({
  schema: z.object({ examId: id, participantId: id, revision, fingerprint }),
  capability: "exam.run",
  scope,
  execute: async ({ examId, participantId, revision, fingerprint }, principal) => {
    const r = await runExamPush(getDb(), principal, examId, (ctx) => unlockParticipant(examId, participantId, revision, ctx), { expectedFingerprint: fingerprint });
    return { message: t("examActions.unlocked", { username: r.value!.username, hub: r.message }) };
  },
  revalidate: paths,
});
