/**
 * The demo exam a fresh portal starts with (scripts/migrate.ts): a draft in the demo exam term,
 * every student seated, ready to be scheduled, made only once.
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { seedIfEmpty } from "@/lib/db/seed";
import { auditLog, examParticipants, examRooms, exams, examSupervisors, students, users } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { inAction, principalOf } from "@/lib/test/factories";
import { DEMO_EXAM, seedDemoExam } from "./demo";
import { examSnapshot, transitionExam } from "./exams";
import { readiness, transitionProblems } from "./lifecycle";

let t: ReturnType<typeof createTestDb>;
let db: Db;
beforeEach(() => {
  process.env.TZ = "Europe/Berlin";
  t = createTestDb();
  db = t.db;
});
afterEach(() => t.cleanup());

describe("demo exam", () => {
  it("is a draft two weeks on with every student of its term seated, and can be scheduled as it is", async () => {
    await seedIfEmpty(db, { password: "test-Passw0rd!" });
    const made = seedDemoExam(db, new Date("2026-12-04T12:00:00Z"))!;
    expect(made).toMatchObject({ participants: 70, rooms: 2 });
    const exam = db.select().from(exams).where(eq(exams.id, made.examId)).get()!;
    expect(exam).toMatchObject({ title: DEMO_EXAM.title, period: "PZ1", status: "draft", graceMinutes: 5 });
    // 10:00 to 12:00 in Berlin on 18 December (winter time: UTC+1)
    expect([exam.startsAt.toISOString(), exam.endsAt.toISOString()]).toEqual(["2026-12-18T09:00:00.000Z", "2026-12-18T11:00:00.000Z"]);
    const parts = db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).all();
    expect(parts.filter((p) => p.kind === "student")).toHaveLength(70);
    expect(parts.filter((p) => p.kind === "backup")).toHaveLength(4);
    expect(parts.every((p) => p.roomId !== null && p.seat !== null)).toBe(true);
    // nobody on a blocked seat
    const rooms = db.select().from(examRooms).where(eq(examRooms.examId, exam.id)).all();
    const first = rooms.find((r) => r.name === "Pool C-116")!;
    expect(first.blockedSeats).toEqual([1, 2]);
    expect(parts.filter((p) => p.roomId === first.id && [1, 2].includes(p.seat!))).toEqual([]);
    // two backups in each room, on its last seats: 36 students in the first room, 34 in the second
    const second = rooms.find((r) => r.name === "Pool C-118")!;
    const backups = (roomId: number) => parts.filter((p) => p.kind === "backup" && p.roomId === roomId).map((p) => p.seat).sort();
    expect([backups(first.id), backups(second.id)]).toEqual([[39, 40], [35, 36]]);
    expect(parts.filter((p) => p.kind === "student" && p.roomId === first.id)).toHaveLength(36);
    // the term's supervisor supervises it; no password exists before the sheets
    const susanne = db.select().from(users).where(eq(users.username, "susanne")).get()!;
    expect(db.select().from(examSupervisors).where(and(eq(examSupervisors.examId, exam.id), eq(examSupervisors.userId, susanne.id))).all()).toHaveLength(1);
    expect(parts.every((p) => p.passwordHash === null)).toBe(true);
    // the steps the exam pages write, in the audit log
    const actions = db.select({ a: auditLog.action }).from(auditLog).all().map((r) => r.a);
    expect(actions).toEqual(expect.arrayContaining(["exam.create", "exam.room.create", "exam.participants.add", "exam.seat.auto"]));

    const snap = examSnapshot(db, exam.id)!;
    const now = new Date("2026-12-04T12:00:00Z");
    expect(readiness(snap, now)).toEqual([]);
    expect(transitionProblems(snap, "schedule", now)).toEqual([]);
    const admin = principalOf(db, db.select().from(users).where(eq(users.username, "admin")).get()!.id);
    expect(inAction(db, admin, (ctx) => transitionExam(exam.id, "schedule", undefined, ctx))).toBe("scheduled");
  });

  it("is made once, and not without the demo courses", async () => {
    await seedIfEmpty(db, { password: "test-Passw0rd!" });
    expect(seedDemoExam(db)).not.toBeNull();
    const before = { exams: db.select().from(exams).all().length, audit: db.select().from(auditLog).all().length };
    expect(seedDemoExam(db)).toBeNull();
    expect({ exams: db.select().from(exams).all().length, audit: db.select().from(auditLog).all().length }).toEqual(before);

    const bare = createTestDb();
    try {
      await seedIfEmpty(bare.db, { password: "test-Passw0rd!", demo: false });
      expect(seedDemoExam(bare.db)).toBeNull();
      expect(bare.db.select().from(exams).all()).toEqual([]);
      expect(bare.db.select().from(students).all()).toEqual([]);
    } finally {
      bare.cleanup();
    }
  });
});
