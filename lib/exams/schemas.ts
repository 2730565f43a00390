/**
 * Form inputs of the exam pages (zod). Times are wall-clock times of the portal's time zone.
 */
import { z } from "zod";
import { SHEET_LANGUAGES } from "@/lib/db/schema/exams";
import { portalTimeZone, zonedInputToUtc } from "@/lib/grading/time";
import { parseCidr } from "./rules";

const id = z.coerce.number().int().positive();
const lines = (max: number, each: number) =>
  z
    .string()
    .default("")
    .transform((v) => v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(each, `Each line at most ${each} characters.`)).max(max, `At most ${max} lines.`));

export const PERIOD = /^PZ\d{1,2}$/;

const examFields = z.object({
    termId: id,
    title: z.string().trim().min(2, "Give the exam a title.").max(120, "At most 120 characters."),
    period: z.string().trim().toUpperCase().regex(PERIOD, "An exam period such as PZ1 or PZ2."),
    date: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "Choose a date."),
    start: z.string().trim().regex(/^\d{2}:\d{2}$/, "Enter a start time such as 09:00."),
    end: z.string().trim().regex(/^\d{2}:\d{2}$/, "Enter an end time such as 11:00."),
    graceMinutes: z.coerce.number({ message: "Minutes, such as 5." }).int("Whole minutes.").min(0, "Not negative.").max(120, "At most 120 minutes."),
    language: z.enum(SHEET_LANGUAGES, { message: "German or English." }),
    examiners: lines(6, 120),
    headerLines: lines(4, 160),
  });

function withWindow<T extends z.infer<typeof examFields>>(v: T, ctx: z.RefinementCtx) {
    const zone = portalTimeZone();
    const startsAt = zonedInputToUtc(`${v.date}T${v.start}`, zone);
    const endsAt = zonedInputToUtc(`${v.date}T${v.end}`, zone);
    if (!startsAt) ctx.addIssue({ code: "custom", path: ["start"], message: "That is not a valid date and time." });
    if (!endsAt) ctx.addIssue({ code: "custom", path: ["end"], message: "That is not a valid date and time." });
    if (!startsAt || !endsAt) return z.NEVER;
    if (startsAt.getUTCFullYear() < 2000 || startsAt.getUTCFullYear() > 2100) {
      ctx.addIssue({ code: "custom", path: ["date"], message: "That date is out of range." });
      return z.NEVER;
    }
    if (endsAt.getTime() <= startsAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["end"], message: `The end (${v.end}) must be after the start (${v.start}).` });
      return z.NEVER;
    }
    return { ...v, startsAt, endsAt };
}

export const examInput = examFields.transform(withWindow);
export const examUpdateInput = examFields.extend({ examId: id }).transform(withWindow);
export type ExamInput = z.output<typeof examInput>;

export const roomInput = z
  .object({
    examId: id,
    roomId: z.coerce.number().int().positive().optional().or(z.literal("").transform(() => undefined)),
    name: z.string().trim().min(1, "Name the room, such as H-0102 or Laptop pool.").max(60, "At most 60 characters."),
    seats: z.coerce.number({ message: "A number of seats." }).int("Whole seats.").min(0, "Not negative.").max(2000, "At most 2000 seats."),
    blockedSeats: z.string().trim().max(2000).default(""),
    cidrs: z.string().trim().max(4000).default(""),
  })
  .transform((v, ctx) => {
    const cidrs: string[] = [];
    for (const part of v.cidrs.split(/[\s,;]+/).filter(Boolean)) {
      const r = parseCidr(part);
      if (!r.ok) {
        ctx.addIssue({ code: "custom", path: ["cidrs"], message: r.error });
        return z.NEVER;
      }
      if (!cidrs.includes(r.cidr.text)) cidrs.push(r.cidr.text);
    }
    return { ...v, cidrList: cidrs };
  });
export type RoomInput = z.output<typeof roomInput>;

export const addParticipantsInput = z.object({
  examId: id,
  mode: z.enum(["all", "selected"]),
  studentIds: z.array(id).max(20_000).default([]),
});

export const backupsInput = z.object({
  examId: id,
  roomId: id,
  count: z.coerce.number({ message: "How many backup accounts?" }).int("A whole number.").min(1, "At least 1.").max(50, "At most 50 at a time."),
});

export const extraTimeInput = z.object({
  examId: id,
  participantId: id,
  extraMinutes: z.coerce.number({ message: "Minutes, such as 30." }).int("Whole minutes.").min(0, "Not negative.").max(600, "At most 600 minutes."),
});

export const seatInput = z.object({
  examId: id,
  participantId: id,
  roomId: z.union([id, z.literal("").transform(() => null)]),
  seat: z.union([z.coerce.number({ message: "A seat number." }).int("A whole seat number.").min(1, "Seats count from 1."), z.literal("").transform(() => null)]),
});

export const autoSeatInput = z.object({ examId: id, order: z.enum(["alphabetical", "random"]) });

export const supervisorInput = z.object({ examId: id, username: z.string().trim().min(1, "Choose a staff account.").max(64) });
