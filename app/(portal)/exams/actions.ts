"use server";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { courseIdOfTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import {
  addBackups,
  addParticipants,
  addSupervisor,
  autoSeatExam,
  clearSeating,
  createExam,
  deleteExam,
  deleteRoom,
  examScope,
  removeParticipants,
  removeSupervisor,
  saveRoom,
  setExtraTime,
  setSeat,
  transitionExam,
  updateExam,
} from "@/lib/exams/exams";
import { TRANSITIONS } from "@/lib/exams/lifecycle";
import { addParticipantsInput, autoSeatInput, backupsInput, examInput, examUpdateInput, extraTimeInput, roomInput, seatInput, supervisorInput } from "@/lib/exams/schemas";

const id = z.coerce.number().int().positive();
/** The course and exam come from the database, never from the form. */
const scope = (i: { examId: number }) => examScope(getDb(), i.examId);
const paths = (i: { examId: number }) => ["/exams", `/exams/${i.examId}`, `/exams/${i.examId}/rooms`, `/exams/${i.examId}/participants`, `/exams/${i.examId}/seating`, `/exams/${i.examId}/sheets`];
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const createExamAction = defineAction({
  schema: examInput,
  capability: "exam.manage",
  scope: (i) => ({ courseId: courseIdOfTerm(getDb(), i.termId) ?? -1 }),
  run: (input, ctx) => {
    const row = createExam(input, ctx);
    return { message: `Created ${row.title}.`, data: { examId: row.id } };
  },
  revalidate: () => ["/exams"],
});

export const updateExamAction = defineAction({
  schema: examUpdateInput,
  capability: "exam.manage",
  scope,
  run: ({ examId, ...input }, ctx) => {
    updateExam(examId, input, ctx);
    return { message: "Saved." };
  },
  revalidate: paths,
});

export const deleteExamAction = defineAction({
  schema: z.object({ examId: id }),
  capability: "exam.manage",
  scope,
  run: ({ examId }, ctx) => {
    deleteExam(examId, ctx);
    return { message: "Deleted the draft." };
  },
  revalidate: () => ["/exams"],
});

export const saveRoomAction = defineAction({
  schema: roomInput,
  capability: "exam.manage",
  scope,
  run: (input, ctx) => {
    const room = saveRoom(input, ctx);
    return { message: input.roomId ? `Saved ${room.name}.` : `Added ${room.name}.` };
  },
  revalidate: paths,
});

export const deleteRoomAction = defineAction({
  schema: z.object({ examId: id, roomId: id }),
  capability: "exam.manage",
  scope,
  run: ({ examId, roomId }, ctx) => {
    deleteRoom(examId, roomId, ctx);
    return { message: "Removed the room." };
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
    return { message: `Added ${plural(n, "participant")}.` };
  },
  revalidate: paths,
});

export const removeParticipantsAction = defineAction({
  schema: z.object({ examId: id, ids: z.array(id).min(1, "Select at least one participant.").max(20_000) }),
  capability: "exam.manage",
  scope,
  arrays: ["ids"],
  run: ({ examId, ids }, ctx) => {
    const n = removeParticipants(examId, ids, ctx);
    return { message: `Removed ${plural(n, "participant")}.` };
  },
  revalidate: paths,
});

export const addBackupsAction = defineAction({
  schema: backupsInput,
  capability: "exam.manage",
  scope,
  run: ({ examId, roomId, count }, ctx) => {
    const made = addBackups(examId, roomId, count, ctx);
    return { message: `Added ${plural(made.length, "backup account")}: ${made.join(", ")}.` };
  },
  revalidate: paths,
});

export const setExtraTimeAction = defineAction({
  schema: extraTimeInput,
  capability: "exam.manage",
  scope,
  run: ({ examId, participantId, extraMinutes }, ctx) => {
    const p = setExtraTime(examId, participantId, extraMinutes, ctx);
    return { message: extraMinutes ? `${p.username}: ${extraMinutes} minutes extra.` : `${p.username}: no extra time.` };
  },
  revalidate: paths,
});

export const setSeatAction = defineAction({
  schema: seatInput,
  capability: "exam.seat",
  scope,
  run: ({ examId, participantId, roomId, seat }, ctx) => {
    const r = setSeat(examId, participantId, roomId, seat, ctx);
    return { message: r.swappedWith ? `Seated; swapped with ${r.swappedWith}.` : r.unseated ? `Seated; ${r.unseated} has no seat now.` : seat === null ? "Removed from the seat." : "Seated." };
  },
  revalidate: paths,
});

export const autoSeatAction = defineAction({
  schema: autoSeatInput,
  capability: "exam.seat",
  scope,
  run: ({ examId, order }, ctx) => {
    const r = autoSeatExam(examId, order, ctx);
    return { message: `Seated ${plural(r.seated, "participant")} ${order === "random" ? "in random order" : "alphabetically"} in ${plural(r.rooms, "room")}.` };
  },
  revalidate: paths,
});

export const clearSeatingAction = defineAction({
  schema: z.object({ examId: id }),
  capability: "exam.seat",
  scope,
  run: ({ examId }, ctx) => {
    clearSeating(examId, ctx);
    return { message: "Cleared the seating." };
  },
  revalidate: paths,
});

export const addSupervisorAction = defineAction({
  schema: supervisorInput,
  capability: "exam.manage",
  scope,
  run: ({ examId, username }, ctx) => {
    addSupervisor(examId, username, ctx);
    return { message: `${username} supervises this exam now.` };
  },
  revalidate: paths,
});

export const removeSupervisorAction = defineAction({
  schema: z.object({ examId: id, supervisorId: id }),
  capability: "exam.manage",
  scope,
  run: ({ examId, supervisorId }, ctx) => {
    removeSupervisor(examId, supervisorId, ctx);
    return { message: "Removed the supervisor." };
  },
  revalidate: paths,
});

const revision = z.coerce.number().int().nonnegative();

/** Schedule, back to draft, archive: the exam's organisers. */
export const planExamAction = defineAction({
  schema: z.object({ examId: id, transition: z.enum(["schedule", "unschedule", "archive"]), revision }),
  capability: "exam.manage",
  scope,
  run: ({ examId, transition, revision }, ctx) => {
    const to = transitionExam(examId, transition, revision, ctx);
    return { message: `The exam is ${to} now.` };
  },
  revalidate: paths,
});

/** Open, close, reopen: the supervisors in the room, too. */
export const runExamAction = defineAction({
  schema: z.object({ examId: id, transition: z.enum(["open", "close", "reopen"]), revision }),
  capability: "exam.run",
  scope,
  run: ({ examId, transition, revision }, ctx) => {
    if (!TRANSITIONS[transition]) throw new ActionError("Unknown step.");
    const to = transitionExam(examId, transition, revision, ctx);
    return { message: `The exam is ${to} now.` };
  },
  revalidate: paths,
});
