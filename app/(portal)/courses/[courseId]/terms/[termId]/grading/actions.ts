"use server";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { getTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { setDeadline } from "@/lib/grading/assignments";
import { exchangeRoot, exchangeStatus } from "@/lib/grading/exchange";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { resumeScan, scheduleScan, startScan, stopScan } from "@/lib/grading/scans";
import { parseWallClock, portalTimeZone, zonedInputToUtc } from "@/lib/grading/time";
import { t } from "@/lib/i18n/t";

const id = z.coerce.number().int().positive();
/** The guard looks the course up from the term, on the server: never from the form. */
const termScope = (i: { termId: number }) => ({ termId: i.termId });
const gradingPaths = (i: { termId: number }) => {
  const t = getTerm(getDb(), i.termId);
  return t ? [`/courses/${t.course.id}/terms/${t.term.id}/grading`] : [];
};

export const startScanAction = defineAction({
  schema: z.object({ termId: id, assignment: z.string().trim().max(200).optional().transform((v) => v || undefined) }),
  capability: "grading.verify",
  scope: termScope,
  prepare: async ({ termId }) => {
    const term = getTerm(getDb(), termId);
    if (!term) throw new ActionError(t("domain.termGone"));
    const ex = exchangeStatus(exchangeRoot(), nbgraderCourseId(term.course.code, term.term.term));
    if (!ex.courseDirExists) {
      const where = { id: ex.courseId, dir: ex.courseDir, root: ex.root };
      throw new ActionError(ex.rootExists ? t("grading.scanMsg.noExchange", where) : t("grading.scanMsg.noExchangeRoot", where));
    }
    return undefined;
  },
  run: ({ termId, assignment }, ctx) => {
    const row = startScan({ termId, assignmentName: assignment }, ctx);
    return { message: t("grading.scanMsg.started", { path: `${row.exchangeRoot}/${row.courseId}` }), data: { scanId: row.id } };
  },
  revalidate: gradingPaths,
  // The job reads the queued row: start it once the transaction has committed.
  after: (_input, data) => void scheduleScan(getDb(), data!.scanId),
});

export const resumeScanAction = defineAction({
  schema: z.object({ termId: id, scanId: id }),
  capability: "grading.verify",
  scope: termScope,
  run: (input, ctx) => {
    const row = resumeScan(input, ctx);
    return { message: t("grading.scanMsg.resumed"), data: { scanId: row.id } };
  },
  revalidate: gradingPaths,
  after: (_input, data) => void scheduleScan(getDb(), data!.scanId),
});

export const stopScanAction = defineAction({
  schema: z.object({ termId: id, scanId: id }),
  capability: "grading.verify",
  scope: termScope,
  run: (input, ctx) => {
    stopScan(input, ctx);
    return { message: t("grading.scanMsg.stopping"), data: { scanId: input.scanId } };
  },
  revalidate: gradingPaths,
});

const deadline = z
  .string()
  .trim()
  .transform((v, c) => {
    if (v === "") return null;
    const wall = parseWallClock(v);
    const d = wall ? zonedInputToUtc(wall, portalTimeZone()) : null;
    if (!d) {
      c.addIssue({ code: "custom", message: t("grading.deadline.invalid") });
      return z.NEVER;
    }
    if (d.getUTCFullYear() < 2000 || d.getUTCFullYear() > 2100) {
      c.addIssue({ code: "custom", message: t("grading.deadline.range") });
      return z.NEVER;
    }
    return d;
  });

export const setDeadlineAction = defineAction({
  schema: z.object({ termId: id, assignmentId: id, deadline }),
  // the deadline decides who counts as late: the course's instructors set it, not graders
  capability: "grading.deadline",
  scope: termScope,
  run: ({ termId, assignmentId, deadline }, ctx) => {
    const r = setDeadline(termId, assignmentId, deadline, ctx);
    const what = deadline ? t("grading.deadline.saved") : t("grading.deadline.removed");
    return { message: r.changed ? t("grading.deadline.reevaluated", { what, count: r.changed }) : t("grading.deadline.plain", { what }) };
  },
  revalidate: gradingPaths,
});
