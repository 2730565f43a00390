/**
 * Form inputs of the exam pages (zod). Times are wall-clock times of the portal's time zone.
 * Messages are catalogue keys (`msg`), worded when an issue is raised: in the request's language.
 */
import { z } from "zod";
import { SHEET_LANGUAGES } from "@/lib/db/schema/exams";
import { portalTimeZone, zonedInputToUtc } from "@/lib/grading/time";
import { msg, t } from "@/lib/i18n/t";
import { parseCidr, parseSeatList } from "./rules";

const id = z.coerce.number().int().positive();
const lines = (max: number, each: number) =>
  z
    .string()
    .default("")
    .transform((v) => v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(each, msg("examErrors.eachLineAtMost", { max: each }))).max(max, msg("examErrors.atMostLines", { max })));

export const PERIOD = /^PZ\d{1,2}$/;

const examFields = z.object({
    termId: id,
    title: z.string().trim().min(2, msg("examErrors.giveTitle")).max(120, msg("examErrors.atMostChars", { max: 120 })),
    period: z.string().trim().toUpperCase().regex(PERIOD, msg("examErrors.periodFormat")),
    date: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, msg("examErrors.chooseDate")),
    start: z.string().trim().regex(/^\d{2}:\d{2}$/, msg("examErrors.startFormat")),
    end: z.string().trim().regex(/^\d{2}:\d{2}$/, msg("examErrors.endFormat")),
    graceMinutes: z.coerce.number(msg("examErrors.minutesSuchAs", { example: 5 })).int(msg("examErrors.wholeMinutes")).min(0, msg("examErrors.notNegative")).max(120, msg("examErrors.atMostMinutes", { max: 120 })),
    language: z.enum(SHEET_LANGUAGES, msg("examErrors.germanOrEnglish")),
    examiners: lines(6, 120),
    headerLines: lines(4, 160),
  });

function withWindow<T extends z.infer<typeof examFields>>(v: T, ctx: z.RefinementCtx) {
    const zone = portalTimeZone();
    const startsAt = zonedInputToUtc(`${v.date}T${v.start}`, zone);
    const endsAt = zonedInputToUtc(`${v.date}T${v.end}`, zone);
    if (!startsAt) ctx.addIssue({ code: "custom", path: ["start"], message: t("examErrors.notADateTime") });
    if (!endsAt) ctx.addIssue({ code: "custom", path: ["end"], message: t("examErrors.notADateTime") });
    if (!startsAt || !endsAt) return z.NEVER;
    if (startsAt.getUTCFullYear() < 2000 || startsAt.getUTCFullYear() > 2100) {
      ctx.addIssue({ code: "custom", path: ["date"], message: t("examErrors.dateOutOfRange") });
      return z.NEVER;
    }
    if (endsAt.getTime() <= startsAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["end"], message: t("examErrors.endAfterStart", { end: v.end, start: v.start }) });
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
    name: z.string().trim().min(1, msg("examErrors.nameRoom")).max(60, msg("examErrors.atMostChars", { max: 60 })),
    seats: z.coerce.number(msg("examErrors.numberOfSeats")).int(msg("examErrors.wholeSeats")).min(0, msg("examErrors.notNegative")).max(2000, msg("examErrors.atMostSeats", { max: 2000 })),
    blockedSeats: z.string().trim().max(2000).default(""),
    cidrs: z.string().trim().max(4000).default(""),
  })
  // every field's problem at once (networks and blocked seats), not one after the other
  .transform((v, ctx) => {
    let bad = false;
    const cidrs: string[] = [];
    for (const part of v.cidrs.split(/[\s,;]+/).filter(Boolean)) {
      const r = parseCidr(part);
      if (!r.ok) {
        ctx.addIssue({ code: "custom", path: ["cidrs"], message: r.error });
        bad = true;
      } else if (!cidrs.includes(r.cidr.text)) cidrs.push(r.cidr.text);
    }
    if (!bad && cidrs.length === 0) {
      ctx.addIssue({ code: "custom", path: ["cidrs"], message: v.seats > 0 ? t("examErrors.withoutANetworkNobodyInThis") : t("examErrors.enterTheNetworkSuchAsThe") });
      bad = true;
    }
    const blocked = parseSeatList(v.blockedSeats, v.seats);
    if (!blocked.ok) {
      ctx.addIssue({ code: "custom", path: ["blockedSeats"], message: blocked.error });
      bad = true;
    }
    if (bad || !blocked.ok) return z.NEVER;
    return { ...v, cidrList: cidrs, blockedList: blocked.seats };
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
  count: z.coerce.number(msg("examErrors.howManyBackups")).int(msg("examErrors.wholeNumber")).min(1, msg("examErrors.atLeastOne")).max(50, msg("examErrors.atMostAtATime", { max: 50 })),
});

export const extraTimeInput = z.object({
  examId: id,
  participantId: id,
  extraMinutes: z.coerce.number(msg("examErrors.minutesSuchAs", { example: 30 })).int(msg("examErrors.wholeMinutes")).min(0, msg("examErrors.notNegative")).max(600, msg("examErrors.atMostMinutes", { max: 600 })),
});

export const seatInput = z.object({
  examId: id,
  participantId: id,
  roomId: z.union([id, z.literal("").transform(() => null)]),
  seat: z.union([z.coerce.number(msg("examErrors.seatNumber")).int(msg("examErrors.wholeSeatNumber")).min(1, msg("examErrors.seatsFromOne")), z.literal("").transform(() => null)]),
});

export const autoSeatInput = z.object({ examId: id, order: z.enum(["alphabetical", "random"]) });

export const supervisorInput = z.object({ examId: id, username: z.string().trim().min(1, msg("examErrors.chooseStaffAccount")).max(64) });
