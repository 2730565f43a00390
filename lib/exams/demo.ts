/**
 * Demo exam for a fresh portal: the final exam of datasci-WS25 (the demo term on the exam hub),
 * two weeks after the first start, 10:00 to 12:00, in two pool rooms with their networks, every
 * student of the term taking part and seated in name order, two backup accounts in the second
 * room. A draft: nothing reaches the hubs and no password exists until someone schedules it and
 * prints the sheets, so every step of the exam pages can be tried on it.
 *
 * Made through the same functions the exam pages call (inputs through their zod schemas), with
 * the audit entries those write, in one transaction.
 */
import { and, asc, eq } from "drizzle-orm";
import { loadPrincipal } from "@/lib/auth/principal";
import { writeAudit, type AuditEntry } from "@/lib/audit/audit";
import type { Db } from "@/lib/db/client";
import { courses, exams, terms, users } from "@/lib/db/schema";
import { portalTimeZone, utcToZonedInput } from "@/lib/grading/time";
import { addBackups, addParticipants, autoSeatExam, createExam, saveRoom } from "./exams";
import { examInput, roomInput } from "./schemas";

export const DEMO_EXAM = { course: "datasci", term: "WS25", period: "PZ1", title: "Abschlussklausur Data Science" } as const;

const ROOMS = [
  { name: "Pool C-116", seats: 40, blockedSeats: "1, 2", cidrs: "10.20.116.0/24" },
  { name: "Pool C-118", seats: 36, blockedSeats: "", cidrs: "10.20.118.0/24" },
];

/** Creates the demo exam; null when its term is missing (no demo data) or has an exam already. */
export function seedDemoExam(db: Db, now = new Date()): { examId: number; participants: number; rooms: number } | null {
  const term = db
    .select({ id: terms.id })
    .from(terms)
    .innerJoin(courses, eq(courses.id, terms.courseId))
    .where(and(eq(courses.code, DEMO_EXAM.course), eq(terms.term, DEMO_EXAM.term)))
    .get();
  if (!term || db.select({ id: exams.id }).from(exams).where(eq(exams.termId, term.id)).get()) return null;
  const admin = db.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true))).orderBy(asc(users.id)).get();
  const principal = admin && loadPrincipal(db, admin.id);
  if (!principal) return null;
  // two weeks on, as the portal's time zone counts days
  const day = utcToZonedInput(new Date(now.getTime() + 14 * 24 * 60 * 60 * 1000), portalTimeZone()).slice(0, 10);
  const input = examInput.parse({
    termId: term.id,
    title: DEMO_EXAM.title,
    period: DEMO_EXAM.period,
    date: day,
    start: "10:00",
    end: "12:00",
    graceMinutes: 5,
    language: "de",
    examiners: "Irene Instruktorin",
    headerLines: "Fachbereich Informatik",
  });
  return db.transaction((tx) => {
    const ctx = { tx, principal, audit: (e: AuditEntry) => writeAudit(tx, principal, e) };
    const exam = createExam(input, ctx);
    const rooms = ROOMS.map((r) => saveRoom(roomInput.parse({ examId: exam.id, ...r }), ctx));
    const students = addParticipants(exam.id, { mode: "all", studentIds: [] }, ctx);
    // two backup accounts in each room, on its last seats (the pre-flight check asks for them)
    for (const room of rooms) addBackups(exam.id, room.id, 2, ctx);
    autoSeatExam(exam.id, "alphabetical", ctx);
    return { examId: exam.id, participants: students, rooms: rooms.length };
  });
}
