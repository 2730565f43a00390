/**
 * Exams against a real SQLite file (same code path as production): bad input changes nothing,
 * the lifecycle guards its steps, supervisors see only their exams, sheets carry passwords that
 * verify against the stored hashes (read back with pdftotext), and the hub data holds windows
 * with extra time, room networks and hashes.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { can } from "@/lib/auth/capabilities";
import { ActionError } from "@/lib/auth/guard-types";
import type { Db } from "@/lib/db/client";
import { seedIfEmpty } from "@/lib/db/seed";
import { auditLog, courses, examParticipants, examRooms, exams, students, terms, users } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { withLocale } from "@/lib/i18n/t";
import { addBackups, addParticipants, addSupervisor, autoSeatExam, createExam, deleteExam, examSnapshot, listExams, moveRoom, removeParticipants, saveRoom, setExtraTime, setSeat, transitionExam, unlockParticipant, updateExam } from "./exams";
import { issueSheets } from "./issue";
import { examHubData, readiness, transitionEffects } from "./lifecycle";
import { verifyOtp } from "./otp";
import { examInput, roomInput } from "./schemas";

let t: ReturnType<typeof createTestDb>;
let db: Db;

beforeEach(async () => {
  process.env.TZ = "Europe/Berlin";
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!" });
});
afterEach(() => t.cleanup());

function termId(code: string, term: string): number {
  const c = db.select().from(courses).where(eq(courses.code, code)).get()!;
  return db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, term))).get()!.id;
}
const user = (name: string) => db.select().from(users).where(eq(users.username, name)).get()!;
const admin = () => principalOf(db, user("admin").id);
const counts = () => ({
  exams: db.select().from(exams).all().length,
  participants: db.select().from(examParticipants).all().length,
  audit: db.select().from(auditLog).all().length,
});

function examForm(over: Record<string, string> = {}) {
  return { termId: String(termId("mathe1", "SS26")), title: "Klausur Mathe 1", period: "PZ1", date: "2026-07-20", start: "09:00", end: "11:00", graceMinutes: "5", language: "de", examiners: "Prof. Irene", headerLines: "Hochschule\nFachbereich", ...over };
}
function parse<T>(schema: { safeParse: (v: unknown) => { success: boolean; data?: T; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new Error(JSON.stringify(r.error!.issues));
  return r.data!;
}
function fieldErrorOf(fn: () => unknown): Record<string, string[] | undefined> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ActionError) return e.fieldErrors ?? { _form: [e.message] };
    throw e;
  }
  throw new Error("expected an ActionError");
}

function setupExam(over: Record<string, string> = {}) {
  const exam = inAction(db, admin(), (ctx) => createExam(parse(examInput, examForm(over)), ctx));
  const room = inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(exam.id), name: "H-0102", seats: "40", blockedSeats: "2, 4", cidrs: "10.20.1.0/24" }), ctx));
  const room2 = inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(exam.id), name: "Laptop pool", seats: "30", blockedSeats: "", cidrs: "10.20.9.0/24 2001:db8:9::/64" }), ctx));
  return { exam, room, room2 };
}

describe("bad input writes nothing", () => {
  it("an end before the start, a bad period, an unparseable CIDR are field errors", () => {
    const bad = examInput.safeParse(examForm({ start: "11:00", end: "09:00" }));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues).toContainEqual(expect.objectContaining({ path: ["end"], message: "The end (09:00) must be after the start (11:00)." }));
    expect(examInput.safeParse(examForm({ period: "Klausur" })).error!.issues[0].path).toEqual(["period"]);
    const r = roomInput.safeParse({ examId: "1", name: "H-0102", seats: "30", cidrs: "10.20.1.0/24, 10.20.2.0/33" });
    expect(r.error!.issues).toContainEqual(expect.objectContaining({ path: ["cidrs"], message: "The prefix /33 in “10.20.2.0/33” is longer than /32." }));
    // a bad network and bad blocked seats are both reported at once, not the second after the first is fixed
    const both = roomInput.safeParse({ examId: "1", name: "H-0102", seats: "30", blockedSeats: "3, 40", cidrs: "10.20.1.0/33" });
    expect(both.error!.issues.map((i) => i.path[0]).sort()).toEqual(["blockedSeats", "cidrs"]);
    // a room with seats but no network: said at the field
    expect(roomInput.safeParse({ examId: "1", name: "H-0102", seats: "30", cidrs: "" }).error!.issues).toEqual([expect.objectContaining({ path: ["cidrs"], message: expect.stringMatching(/^Without a network nobody in this room/) })]);
  });

  it("a term that is not on the exam hub, a taken period", () => {
    const before = counts();
    expect(fieldErrorOf(() => inAction(db, admin(), (ctx) => createExam(parse(examInput, examForm({ termId: String(termId("mathe1", "WS25")) })), ctx))).termId?.[0]).toMatch(/not offered on the exam hub/);
    expect(counts()).toEqual(before);
    setupExam();
    expect(fieldErrorOf(() => inAction(db, admin(), (ctx) => createExam(parse(examInput, examForm()), ctx))).period?.[0]).toMatch(/already has an exam in PZ1/);
  });

  it("overlapping windows in the same room, in another exam or by moving the time", () => {
    const { exam } = setupExam();
    const other = inAction(db, admin(), (ctx) => createExam(parse(examInput, examForm({ termId: String(termId("datasci", "WS25")), title: "Data Science", start: "10:30", end: "12:00" })), ctx));
    const before = counts();
    const err = fieldErrorOf(() => inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(other.id), name: "h-0102 ", seats: "20", cidrs: "10.20.1.0/24" }), ctx)));
    expect(err.name?.[0]).toBe("Room H-0102 is taken by “Klausur Mathe 1” (mathe1 SS26) on 20 Jul 2026, 09:00–11:05.");
    expect(counts()).toEqual(before);
    // a free room at that time is fine; moving an exam into a booked slot is not
    inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(other.id), name: "H-0112", seats: "20", cidrs: "10.20.2.0/24" }), ctx));
    const form = (start: string, end: string) => parse(examInput, examForm({ termId: String(termId("datasci", "WS25")), title: "Data Science", start, end }));
    inAction(db, admin(), (ctx) => updateExam(other.id, form("13:00", "14:00"), ctx));
    inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(exam.id), name: "H-0112", seats: "20", cidrs: "10.20.2.0/24" }), ctx));
    const moved = counts();
    expect(fieldErrorOf(() => inAction(db, admin(), (ctx) => updateExam(other.id, form("10:30", "12:00"), ctx))).date).toEqual(["Room H-0112 is taken by “Klausur Mathe 1” (mathe1 SS26) on 20 Jul 2026, 09:00–11:05."]);
    expect(counts()).toEqual(moved);
    expect(db.select().from(exams).where(eq(exams.id, other.id)).get()!.startsAt).toEqual(new Date("2026-07-20T11:00:00Z"));
  });

  it("a room with fewer free seats than who sits in it, a supervisor who is not staff", () => {
    const { exam, room } = setupExam();
    inAction(db, admin(), (ctx) => addParticipants(exam.id, { mode: "all", studentIds: [] }, ctx));
    inAction(db, admin(), (ctx) => autoSeatExam(exam.id, "alphabetical", ctx));
    const before = counts();
    const err = fieldErrorOf(() => inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(exam.id), roomId: String(room.id), name: "H-0102", seats: "10", cidrs: "10.20.1.0/24" }), ctx)));
    expect(err.seats?.[0]).toMatch(/38 participants are seated or kept in H-0102, but it would have only 10 free seats/);
    expect(fieldErrorOf(() => inAction(db, admin(), (ctx) => addSupervisor(exam.id, "nobody", ctx))).username?.[0]).toMatch(/There is no staff account “nobody”/);
    expect(counts()).toEqual(before);
  });

  it("scheduling an exam without participants is refused with the reason", () => {
    const { exam } = setupExam();
    const snap = examSnapshot(db, exam.id)!;
    expect(readiness(snap).map((p) => p.message)).toContain("The exam has no participants: add students from the roster.");
    expect(() => inAction(db, admin(), (ctx) => transitionExam(exam.id, "schedule", undefined, ctx))).toThrow(/no participants/);
    expect(db.select().from(exams).where(eq(exams.id, exam.id)).get()!.status).toBe("draft");
  });
});

describe("the order of the rooms", () => {
  it("is the order automatic seating fills them, changed one place at a time; networks and the ends refuse", () => {
    const { exam, room, room2 } = setupExam();
    const vpn = inAction(db, admin(), (ctx) => saveRoom(parse(roomInput, { examId: String(exam.id), name: "Personal-VPN", seats: "0", cidrs: "10.8.0.0/16" }), ctx));
    inAction(db, admin(), (ctx) => addParticipants(exam.id, { mode: "all", studentIds: [] }, ctx));
    const order = () => examSnapshot(db, exam.id)!.rooms.map((r) => r.name);
    expect(order()).toEqual(["H-0102", "Laptop pool", "Personal-VPN"]);
    expect(inAction(db, admin(), (ctx) => moveRoom(exam.id, room2.id, "up", ctx))).toEqual({ name: "Laptop pool", place: 1, count: 2 });
    expect(order()).toEqual(["Laptop pool", "H-0102", "Personal-VPN"]);
    // seating now fills the laptop pool first: its 30 seats, then the rest in H-0102
    inAction(db, admin(), (ctx) => autoSeatExam(exam.id, "alphabetical", ctx));
    const seatedIn = (id: number) => db.select().from(examParticipants).where(and(eq(examParticipants.examId, exam.id), eq(examParticipants.roomId, id))).all().length;
    expect([seatedIn(room2.id), seatedIn(room.id)]).toEqual([30, 30]);
    // the first cannot go higher, the staff network has no place in the order; nothing changes
    expect(() => inAction(db, admin(), (ctx) => moveRoom(exam.id, room2.id, "up", ctx))).toThrow("Laptop pool is filled first already.");
    expect(() => inAction(db, admin(), (ctx) => moveRoom(exam.id, room.id, "down", ctx))).toThrow("H-0102 is filled last already.");
    expect(() => inAction(db, admin(), (ctx) => moveRoom(exam.id, vpn.id, "up", ctx))).toThrow(/Personal-VPN has no seats/);
    expect(order()).toEqual(["Laptop pool", "H-0102", "Personal-VPN"]);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "exam.room.move")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toMatch(/^Room Laptop pool to place 1 of 2 in the room order of /);
    // the staff network was added as a network, not as a room with no free seats
    const added = db.select().from(auditLog).where(eq(auditLog.action, "exam.room.create")).all().map((a) => a.summary.split(" to ")[0]);
    expect(added).toEqual(["Added room H-0102 (38 free seats, 10.20.1.0/24)", "Added room Laptop pool (30 free seats, 10.20.9.0/24, 2001:db8:9::/64)", "Added the network without seats Personal-VPN (10.8.0.0/16)"]);
  });
});

describe("a German reader", () => {
  const de = <T>(fn: () => T): T => withLocale("de", fn);

  it("gets the form's field errors in German, worded when they are raised", () => {
    // zod words its issues when `.error` is first read: the guard reads it inside the request's language
    const issues = (schema: typeof examInput | typeof roomInput, v: unknown) => schema.safeParse(v).error!.issues;
    const backwards = examForm({ start: "11:00", end: "09:00" });
    expect(issues(examInput, backwards)).toContainEqual(expect.objectContaining({ path: ["end"], message: "The end (09:00) must be after the start (11:00)." }));
    expect(de(() => issues(examInput, backwards))).toContainEqual(expect.objectContaining({ path: ["end"], message: "Das Ende (09:00) muss nach dem Beginn (11:00) liegen." }));
    expect(de(() => issues(examInput, examForm({ period: "Klausur", graceMinutes: "-1" })))).toEqual([
      expect.objectContaining({ path: ["period"], message: "Ein Prüfungszeitraum wie PZ1 oder PZ2." }),
      expect.objectContaining({ path: ["graceMinutes"], message: "Nicht negativ." }),
    ]);
    expect(de(() => issues(roomInput, { examId: "1", name: "H-0102", seats: "30", cidrs: "10.20.1.0/24, 10.20.2.0/33" }))).toContainEqual(expect.objectContaining({ path: ["cidrs"], message: "Das Präfix /33 in „10.20.2.0/33“ ist länger als /32." }));
  });

  it("gets the actions' refusals in German, with the status and step names the pages show; nothing changes", () => {
    const { exam } = setupExam();
    const before = counts();
    expect(fieldErrorOf(() => de(() => inAction(db, admin(), (ctx) => createExam(parse(examInput, examForm()), ctx)))).period).toEqual(["mathe1 SS26 hat schon eine Prüfung im Prüfungszeitraum PZ1."]);
    expect(() => de(() => inAction(db, admin(), (ctx) => transitionExam(exam.id, "schedule", undefined, ctx)))).toThrow("„Planen“ ist noch nicht möglich: Die Prüfung hat keine Teilnehmenden: fügen Sie Studierende aus der Teilnehmerliste hinzu.");
    expect(counts()).toEqual(before);

    inAction(db, admin(), (ctx) => addParticipants(exam.id, { mode: "all", studentIds: [] }, ctx));
    inAction(db, admin(), (ctx) => autoSeatExam(exam.id, "alphabetical", ctx));
    inAction(db, admin(), (ctx) => transitionExam(exam.id, "schedule", undefined, ctx));
    const scheduled = counts();
    const someone = db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).get()!;
    expect(() => de(() => inAction(db, admin(), (ctx) => deleteExam(exam.id, ctx)))).toThrow("Nur ein Entwurf lässt sich löschen; diese Prüfung ist im Zustand „geplant“. Archivieren Sie sie stattdessen, sobald sie beendet ist.");
    expect(() => de(() => inAction(db, admin(), (ctx) => unlockParticipant(exam.id, someone.id, undefined, ctx)))).toThrow("Die Prüfung ist im Zustand „geplant“: an Anmeldesperren lässt sich jetzt nichts ändern.");
    // the same refusal for an English reader, as before
    expect(() => inAction(db, admin(), (ctx) => unlockParticipant(exam.id, someone.id, undefined, ctx))).toThrow("The exam is scheduled: sign-in locks cannot be changed now.");
    expect(counts()).toEqual(scheduled);
    expect(db.select().from(exams).where(eq(exams.id, exam.id)).get()!.status).toBe("scheduled");
  });
});

describe("supervisors", () => {
  it("see the exams they supervise, not the course or its rosters", () => {
    const { exam } = setupExam();
    const sus = principalOf(db, user("susanne").id); // supervisor on mathe1 SS26: put on new exams
    const courseId = db.select().from(courses).where(eq(courses.code, "mathe1")).get()!.id;
    expect(can(sus, "roster.view", { courseId })).toBe(false);
    expect(can(sus, "course.view", { courseId })).toBe(false);
    expect(can(sus, "exam.print", { courseId, examId: exam.id })).toBe(true);
    expect(can(sus, "exam.manage", { courseId, examId: exam.id })).toBe(false);
    expect(listExams(db, sus).map((e) => e.exam.id)).toEqual([exam.id]);
    const other = makeUser(db, "supervisor");
    const op = principalOf(db, other.id);
    expect(can(op, "exam.view", { courseId, examId: exam.id })).toBe(false);
    expect(listExams(db, op)).toEqual([]);
  });
});

describe("the lifecycle and what the hub gets", () => {
  it("seats, prints, opens; passwords on the sheet verify against the stored hashes", async () => {
    const { exam, room, room2 } = setupExam();
    const n = inAction(db, admin(), (ctx) => addParticipants(exam.id, { mode: "all", studentIds: [] }, ctx));
    expect(n).toBe(60);
    const backups = inAction(db, admin(), (ctx) => addBackups(exam.id, room2.id, 2, ctx));
    expect(backups).toEqual(["mathe1-backup-pz1-01", "mathe1-backup-pz1-02"]);
    // added backups have a seat at once: the last ones of their room, as automatic seating gives them
    const seatOf = (u: string) => db.select().from(examParticipants).where(and(eq(examParticipants.examId, exam.id), eq(examParticipants.username, u))).get()!;
    expect([seatOf(backups[0]), seatOf(backups[1])].map((p) => [p.roomId, p.seat])).toEqual([[room2.id, 30], [room2.id, 29]]);
    inAction(db, admin(), (ctx) => autoSeatExam(exam.id, "alphabetical", ctx));
    const parts = db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).all();
    expect(parts.every((p) => p.seat !== null)).toBe(true);
    expect(parts.filter((p) => p.roomId === room.id && [2, 4].includes(p.seat!))).toEqual([]);
    const first = parts.find((p) => p.kind === "student")!;
    expect(first.username).toBe(`mathe1-${db.select().from(students).where(eq(students.id, first.studentId!)).get()!.username.toLowerCase()}`);
    inAction(db, admin(), (ctx) => setExtraTime(exam.id, first.id, 30, ctx));

    // printing needs a scheduled exam
    await expect(issueSheets(db, admin(), exam.id, { kind: "all" })).rejects.toThrow(/Schedule the exam first/);
    // scheduling stages the exam without accounts: nobody has a password before the sheets
    expect(transitionEffects(examSnapshot(db, exam.id)!, "schedule").join(" ")).toMatch(/the accounts \(password hashes only\) follow when the password sheets are issued/);
    expect(transitionEffects(examSnapshot(db, exam.id)!, "schedule").join(" ")).not.toMatch(/for 0 participants/);
    inAction(db, admin(), (ctx) => transitionExam(exam.id, "schedule", undefined, ctx));
    expect(() => inAction(db, admin(), (ctx) => transitionExam(exam.id, "open", undefined, ctx))).toThrow(/62 participants have no password yet/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-sheets-"));
    const out = await issueSheets(db, admin(), exam.id, { kind: "all" });
    expect(out.count).toBe(62);
    // a German sheet saves under a German name
    expect(out.filename).toBe("mathe1-SS26-PZ1-Passwortboegen.pdf");
    fs.writeFileSync(path.join(dir, "all.pdf"), out.pdf);
    const text = execFileSync("pdftotext", ["-layout", path.join(dir, "all.pdf"), "-"], { encoding: "utf8" });
    const me = db.select().from(examParticipants).where(eq(examParticipants.id, first.id)).get()!;
    // the password printed on this participant's page
    const page = text.split("\f").find((p) => p.includes(me.username) && p.includes("ABGEBEN"))!;
    const pw = /\b([2-9a-hj-km-np-x]{4}-[2-9a-hj-km-np-x]{4}-[2-9a-hj-km-np-x]{4})\b/.exec(page)![1];
    expect(await verifyOtp(pw, me.passwordHash)).toBe(true);
    expect(me.passwordVersion).toBe(1);
    // not stored in plain anywhere, not in the audit
    const raw = fs.readFileSync(t.file).toString("latin1") + (fs.existsSync(`${t.file}-wal`) ? fs.readFileSync(`${t.file}-wal`).toString("latin1") : "");
    expect(raw).not.toContain(pw);
    expect(raw).not.toContain(pw.replace(/-/g, ""));
    const printed = db.select().from(auditLog).where(eq(auditLog.action, "exam.sheets.print")).all();
    expect(printed).toHaveLength(1);
    expect(JSON.stringify(printed)).not.toContain(pw.replace(/-/g, ""));

    // re-issue one: the old password stops verifying, the version goes up
    const again = await issueSheets(db, admin(), exam.id, { kind: "reissue", participantId: me.id });
    expect(again.count).toBe(1);
    const after = db.select().from(examParticipants).where(eq(examParticipants.id, me.id)).get()!;
    expect(await verifyOtp(pw, after.passwordHash)).toBe(false);
    expect(after.passwordIssues).toBe(2);
    expect(db.select().from(exams).where(eq(exams.id, exam.id)).get()!.passwordsVersion).toBe(2);

    // a backup added after printing: "print the missing ones" gives it a sheet and leaves every other password as it was
    const hashesBefore = new Map(db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).all().map((p) => [p.id, p.passwordHash]));
    const [late] = inAction(db, admin(), (ctx) => addBackups(exam.id, room2.id, 1, ctx));
    const missing = await issueSheets(db, admin(), exam.id, { kind: "missing" });
    expect(missing.count).toBe(1);
    expect(missing.filename).toBe("mathe1-SS26-PZ1-Passwortboegen-fehlende.pdf");
    fs.writeFileSync(path.join(dir, "missing.pdf"), missing.pdf);
    const lateText = execFileSync("pdftotext", ["-layout", path.join(dir, "missing.pdf"), "-"], { encoding: "utf8" });
    expect(lateText).toContain(late);
    expect(lateText).not.toContain(me.username);
    const nowRows = db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).all();
    expect(nowRows.filter((p) => p.username !== late).every((p) => p.passwordHash === hashesBefore.get(p.id))).toBe(true);
    expect(nowRows.find((p) => p.username === late)!.passwordHash).toMatch(/^scrypt\$/);
    await expect(issueSheets(db, admin(), exam.id, { kind: "missing" })).rejects.toThrow("Every participant has a sheet already.");
    inAction(db, admin(), (ctx) => removeParticipants(exam.id, [nowRows.find((p) => p.username === late)!.id], ctx));

    // open: the hub data has everyone, extra time in the window, room networks
    const snap = examSnapshot(db, exam.id)!;
    expect(transitionEffects(snap, "open").join(" ")).toMatch(/Lets 62 participants sign in/);
    inAction(db, admin(), (ctx) => transitionExam(exam.id, "open", snap.exam.revision, ctx));
    const hub = examHubData(examSnapshot(db, exam.id)!)!;
    expect(hub.accepting).toBe(true);
    expect(hub.accounts).toHaveLength(62);
    expect(hub.networks).toEqual(["10.20.1.0/24", "10.20.9.0/24", "2001:db8:9::/64"]);
    const acct = hub.accounts.find((a) => a.username === me.username)!;
    expect(acct.notBefore).toBe("2026-07-20T07:00:00.000Z");
    expect(acct.notAfter).toBe("2026-07-20T09:35:00.000Z"); // 11:00 + 30 min extra + 5 min grace, Berlin summer time
    expect(acct.passwordHash).toBe(after.passwordHash);
    expect(hub.accounts.find((a) => a.username !== me.username && a.kind === "student")!.notAfter).toBe("2026-07-20T09:05:00.000Z");
    // seat changes still work while open; a taken seat swaps
    const other = db.select().from(examParticipants).where(and(eq(examParticipants.examId, exam.id), eq(examParticipants.kind, "student"))).all().find((p) => p.id !== me.id)!;
    const r = inAction(db, admin(), (ctx) => setSeat(exam.id, me.id, other.roomId, other.seat, ctx));
    const roomName = (id: number | null) => db.select().from(examRooms).where(eq(examRooms.id, id!)).get()!.name;
    // what the seating page says: both people and both places, here across two rooms
    expect(r).toEqual({ username: me.username, room: roomName(other.roomId), seat: other.seat, swappedWith: { username: other.username, room: roomName(me.roomId), seat: me.seat }, unseated: null, printed: [me.username, other.username] });
    expect(roomName(other.roomId)).not.toBe(roomName(me.roomId));
    // closing before the last window ends says so first (here: 10:00 Berlin, her extra time runs to 11:35)
    const closingEffects = transitionEffects(examSnapshot(db, exam.id)!, "close", new Date("2026-07-20T08:00:00Z"));
    expect(closingEffects[0]).toBe("Early: by the plan, participants may sign in until 20 Jul 2026, 11:35 (1 person with extra time). After this step nobody can sign in.");
    expect(closingEffects[1]).toMatch(/^Stops all sign-ins: the exam hub no longer accepts the 62 passwords \(they work again if the exam is reopened\)/);
    expect(transitionEffects(examSnapshot(db, exam.id)!, "close", new Date("2026-07-20T09:35:00Z"))[0]).toMatch(/^Stops all sign-ins/);
    // closing revokes every password on the hub; the records stay
    inAction(db, admin(), (ctx) => transitionExam(exam.id, "close", undefined, ctx));
    expect(examHubData(examSnapshot(db, exam.id)!)!.accounts).toEqual([]);
    inAction(db, admin(), (ctx) => transitionExam(exam.id, "archive", undefined, ctx));
    expect(examHubData(examSnapshot(db, exam.id)!)).toBeNull();
    expect(db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).all()).toHaveLength(62);
    expect(() => inAction(db, admin(), (ctx) => updateExam(exam.id, parse(examInput, examForm()), ctx))).toThrow(/archived/);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000); // 63 passwords hashed, two PDFs drawn: slow when the machine is busy
});
