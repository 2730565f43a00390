"use server";
import { msg, t } from "@/lib/i18n/t";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction, type ActionState } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import {
  assignCourseStaff,
  assignStaff,
  courseIdOfCourseStaff,
  courseIdOfStaffAssignment,
  createCourse,
  createTerm,
  setCourseArchived,
  setTermArchived,
  unassignCourseStaff,
  unassignStaff,
  updateCourse,
  updateTerm,
} from "@/lib/courses/courses";
import { courseInput, staffAssignmentInput, termInput } from "@/lib/courses/schemas";

const id = z.coerce.number().int().positive();
const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

const create = defineAction({
  schema: courseInput,
  capability: "course.create",
  run: (input, ctx) => {
    const row = createCourse(input, ctx);
    return { message: t("actions.created", { code: row.code }), data: { id: row.id } };
  },
  revalidate: () => ["/courses", "/"],
});

export async function createCourseAction(prev: ActionState<{ id: number }>, form: FormData) {
  const res = await create(prev, form);
  if (res.status === "ok" && res.data) redirect(`/courses/${res.data.id}?created=1`);
  return res;
}

export const updateCourseAction = defineAction({
  schema: courseInput.extend({ courseId: id }),
  capability: "course.edit",
  scope: (i) => ({ courseId: i.courseId }),
  run: ({ courseId, ...input }, ctx) => {
    updateCourse(courseId, input, ctx);
    return { message: t("actions.saved") };
  },
  revalidate: (i) => [`/courses/${i.courseId}`, "/courses"],
});

export const setCourseArchivedAction = defineAction({
  schema: z.object({ courseId: id, archived: checkbox }),
  capability: "course.archive",
  scope: (i) => ({ courseId: i.courseId }),
  run: ({ courseId, archived }, ctx) => {
    setCourseArchived(courseId, archived, ctx);
    return { message: archived ? t("actions.courseArchived") : t("actions.courseRestored") };
  },
  revalidate: (i) => [`/courses/${i.courseId}`, "/courses", "/"],
});

const createTermInner = defineAction({
  schema: termInput,
  capability: "course.edit",
  scope: (i) => ({ courseId: i.courseId }),
  arrays: ["hubs"],
  run: (input, ctx) => {
    const row = createTerm(input, ctx);
    return { message: t("actions.termAdded", { term: row.term }), data: { id: row.id, courseId: input.courseId } };
  },
  revalidate: (i) => [`/courses/${i.courseId}`, "/"],
});

export async function createTermAction(prev: ActionState<{ id: number; courseId: number }>, form: FormData) {
  const res = await createTermInner(prev, form);
  if (res.status === "ok" && res.data) redirect(`/courses/${res.data.courseId}/terms/${res.data.id}?created=1`);
  return res;
}

export const updateTermAction = defineAction({
  schema: termInput.and(z.object({ termId: id })),
  capability: "course.edit",
  scope: (i) => ({ courseId: i.courseId }),
  arrays: ["hubs"],
  run: ({ termId, ...input }, ctx) => {
    updateTerm(termId, input, ctx);
    return { message: t("actions.savedPending") };
  },
  revalidate: (i) => [`/courses/${i.courseId}`, `/courses/${i.courseId}/terms/${i.termId}`],
});

export const setTermArchivedAction = defineAction({
  schema: z.object({ termId: id, archived: checkbox }),
  capability: "course.edit",
  scope: (i) => ({ termId: i.termId }),
  run: ({ termId, archived }, ctx) => {
    setTermArchived(termId, archived, ctx);
    return { message: archived ? t("actions.termArchived") : t("actions.termRestored") };
  },
  revalidate: () => ["/courses", "/"],
});

export const assignStaffAction = defineAction({
  schema: staffAssignmentInput,
  capability: "course.edit",
  scope: (i) => ({ termId: i.termId }),
  run: ({ termId, username, role }, ctx) => {
    assignStaff(termId, username, role, ctx);
    return { message: t("actions.staffAssigned", { username, role: t(`roles.${role}`) }) };
  },
  revalidate: () => ["/courses", "/"],
});

export const unassignStaffAction = defineAction({
  schema: z.object({ assignmentId: id }),
  capability: "course.edit",
  scope: (i) => ({ courseId: courseIdOfStaffAssignment(getDb(), i.assignmentId) }),
  run: ({ assignmentId }, ctx) => {
    unassignStaff(assignmentId, ctx);
    return { message: t("actions.staffRemoved") };
  },
  revalidate: () => ["/courses", "/"],
});

export const assignCourseStaffAction = defineAction({
  schema: z.object({ courseId: id, username: z.string().trim().min(1, msg("term.errors.chooseStaff")).max(128) }),
  capability: "course.edit",
  scope: (i) => ({ courseId: i.courseId }),
  run: ({ courseId, username }, ctx) => {
    assignCourseStaff(courseId, username, ctx);
    return { message: t("actions.courseStaffAssigned", { username }) };
  },
  revalidate: () => ["/courses", "/"],
});

export const unassignCourseStaffAction = defineAction({
  schema: z.object({ assignmentId: id }),
  capability: "course.edit",
  scope: (i) => ({ courseId: courseIdOfCourseStaff(getDb(), i.assignmentId) ?? -1 }),
  run: ({ assignmentId }, ctx) => {
    unassignCourseStaff(assignmentId, ctx);
    return { message: t("actions.courseStaffRemoved") };
  },
  revalidate: () => ["/courses", "/"],
});
