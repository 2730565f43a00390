/**
 * The pending-change count (navigation badge, term notice) on a SQLite file against the export
 * target: it is 0 exactly when a push has nothing to write, counts only what reaches a hub, and
 * is cleared by a push or by a preview that finds the target holding everything already.
 */
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PushTarget } from "@/lib/cluster";
import type { Db } from "@/lib/db/client";
import { seedIfEmpty } from "@/lib/db/seed";
import { courses, exams, pushes, students, syncedParts, terms, users } from "@/lib/db/schema";
import { updateTerm } from "@/lib/courses/courses";
import { termInput } from "@/lib/courses/schemas";
import { addParticipants, autoSeatExam, createExam, saveRoom, transitionExam } from "@/lib/exams/exams";
import { examInput, roomInput } from "@/lib/exams/schemas";
import { addStudent, removeStudents } from "@/lib/rosters/roster";
import { createTestDb, seededPortal } from "@/lib/test/db";
import { inAction, principalOf } from "@/lib/test/factories";
import { runExamPush } from "./exam-push";
import { previewPush, runPush } from "./push";
import { pendingChanges, termStaleness } from "./staleness";

let db: Db;
let dir: string;
let target: PushTarget;
const actor = { id: null, username: "admin" };

let cleanup: () => void;

beforeEach(async () => {
  process.env.TZ = "Europe/Berlin";
  ({ db, dir, target, cleanup } = await seededPortal("e2x-pending-"));
});
afterEach(() => cleanup());

const admin = () => principalOf(db, db.select().from(users).where(eq(users.username, "admin")).get()!.id);

function termOf(code: string, term: string) {
  const c = db.select().from(courses).where(eq(courses.code, code)).get()!;
  return { courseId: c.id, termId: db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, term))).get()!.id };
}

const pending = () => pendingChanges(db).pending;
const pendingIn = (code: string, term: string) => {
  const { courseId, termId } = termOf(code, term);
  return termStaleness(db, courseId, termId);
};

/** A push of everything to the export directory; returns what it wrote. */
async function pushAll(): Promise<number> {
  const { pushId, executed } = await runPush(db, actor, { forceConflicts: false, prune: true }, { target });
  expect(executed.error).toBeNull();
  return db.select().from(pushes).where(eq(pushes.id, pushId!)).get()!.appliedCount;
}

/** What a push would write now (create and change; cleaning up is left out, as the push page does by default). */
async function toWrite(): Promise<number> {
  const p = await previewPush(db, { target });
  if (!p.ok) throw new Error(p.error);
  return p.plan.summary.create + p.plan.summary.change;
}

/** Audit entries carry whole seconds: edits made a moment after the push, not in its second. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));

function draftExam(code: string, term: string): number {
  const { termId } = termOf(code, term);
  return inAction(db, admin(), (ctx) =>
    createExam(examInput.parse({ termId: String(termId), title: "Klausur", period: "PZ1", date: "2030-07-22", start: "09:00", end: "11:00", graceMinutes: "5", language: "de", examiners: "", headerLines: "" }), ctx),
  ).id;
}

function addRoom(examId: number, name: string, cidr: string, seats = 40) {
  inAction(db, admin(), (ctx) => saveRoom(roomInput.parse({ examId: String(examId), name, seats: String(seats), blockedSeats: "", cidrs: cidr }), ctx));
}

function setImage(code: string, term: string, image: string) {
  const { termId } = termOf(code, term);
  const row = db.select().from(terms).where(eq(terms.id, termId)).get()!;
  const input = termInput.parse({ courseId: row.courseId, term: row.term, hubs: row.hubs, image, cpuGuarantee: row.cpuGuarantee, cpuLimit: row.cpuLimit, memGuarantee: row.memGuarantee, memLimit: row.memLimit, mounts: row.mounts });
  inAction(db, admin(), (ctx) => updateTerm(termId, input, ctx));
}

describe("pending changes: what the next push carries to the hubs", { timeout: 60_000 }, () => {
  it("before the first push everything is pending; after it nothing is, on every term", async () => {
    expect(pending()).toBeGreaterThan(0);
    expect(pendingIn("mathe1", "WS25")).toMatchObject({ pushedAt: null });
    expect(await pushAll()).toBeGreaterThan(10);
    expect(await toWrite()).toBe(0);
    expect(pendingChanges(db)).toMatchObject({ pending: 0 });
    for (const [code, term] of [["mathe1", "WS25"], ["mathe1", "SS26"], ["datasci", "WS25"], ["progbio", "WS25"]]) {
      const s = pendingIn(code, term);
      expect(s.pending, `${code} ${term}`).toBe(0);
      expect(s.pushedAt).toBeInstanceOf(Date);
    }
  });

  it("edits of a draft exam reach no hub: they do not count, and the push page has nothing to write", async () => {
    await pushAll();
    await nextSecond();
    const id = draftExam("mathe1", "SS26");
    addRoom(id, "H-0102", "10.20.1.0/24");
    addRoom(id, "H-0103", "10.20.2.0/24");
    inAction(db, admin(), (ctx) => addParticipants(id, { mode: "all", studentIds: [] }, ctx));
    expect(db.select().from(exams).where(eq(exams.id, id)).get()!.status).toBe("draft");
    expect(await toWrite()).toBe(0);
    expect(pending()).toBe(0);
    expect(pendingIn("mathe1", "SS26").pending).toBe(0);
  });

  it("a real change counts on its own term and is cleared by a push to the export target", async () => {
    await pushAll();
    const { termId } = termOf("progbio", "WS25");
    inAction(db, admin(), (ctx) => addStudent(termId, { username: "newcomer1s" }, ctx));
    expect(pending()).toBe(1);
    setImage("progbio", "WS25", "ghcr.io/digiklausur/e2xgrader-notebook:2026.1");
    expect(pending()).toBe(2);
    const notice = pendingIn("progbio", "WS25");
    expect(notice.pending).toBe(2);
    expect(notice.changedAt).toBeInstanceOf(Date);
    expect(pendingIn("mathe1", "WS25").pending).toBe(0);
    expect(await toWrite()).toBeGreaterThan(0);

    expect(await pushAll()).toBeGreaterThan(0);
    expect(pending()).toBe(0);
    expect(pendingIn("progbio", "WS25").pending).toBe(0);
    expect(fs.readFileSync(path.join(dir, "e2x-assignment", "configmap-e2x-profiles-assignment.yaml"), "utf8")).toContain("2026.1");
  });

  it("a change undone before the push leaves nothing pending", async () => {
    await pushAll();
    const { termId } = termOf("progbio", "WS25");
    const row = inAction(db, admin(), (ctx) => addStudent(termId, { username: "briefly1s" }, ctx));
    expect(pending()).toBe(1);
    inAction(db, admin(), (ctx) => removeStudents(termId, [row.id], ctx));
    expect(await toWrite()).toBe(0);
    expect(pending()).toBe(0);
    expect(pendingIn("progbio", "WS25").pending).toBe(0);
  });

  it("an exam step's push carries the exam, not the teaching hubs' changes", async () => {
    await pushAll();
    const wsTerm = termOf("mathe1", "WS25").termId;
    inAction(db, admin(), (ctx) => addStudent(wsTerm, { username: "late1s" }, ctx));
    const id = draftExam("mathe1", "SS26");
    addRoom(id, "H-0102", "10.20.1.0/24", 80);
    inAction(db, admin(), (ctx) => addParticipants(id, { mode: "all", studentIds: [] }, ctx));
    inAction(db, admin(), (ctx) => autoSeatExam(id, "alphabetical", ctx));
    expect(pending()).toBe(1);

    const revision = db.select().from(exams).where(eq(exams.id, id)).get()!.revision;
    await runExamPush(db, admin(), id, (ctx) => transitionExam(id, "schedule", revision, ctx), { target });
    // the exam is on the exam hub now; the roster change still waits for a cluster push
    expect(pendingIn("mathe1", "SS26").pending).toBe(0);
    expect(pendingIn("mathe1", "WS25").pending).toBe(1);
    expect(pending()).toBe(1);

    // a scheduled exam is on the hub: its rooms reach it with the next push
    addRoom(id, "H-0103", "10.20.2.0/24");
    expect(pendingIn("mathe1", "SS26").pending).toBe(1);
    expect(pending()).toBe(2);

    await pushAll();
    expect(pending()).toBe(0);
  });

  it("a target changed by someone else counts once a preview finds it, until the next push", async () => {
    await pushAll();
    const file = path.join(dir, "e2x-assignment", "configmap-e2x-profiles-assignment.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("meta.json", "meta-edited.json"));
    expect(await toWrite()).toBe(1);
    expect(pending()).toBe(1);
    // the terms' own data is as the portal left it
    expect(pendingIn("progbio", "WS25").pending).toBe(0);
    expect(await pushAll()).toBe(1);
    expect(pending()).toBe(0);
  });

  it("is counted again only after the database changed", async () => {
    await pushAll();
    const first = pendingChanges(db);
    expect(pendingChanges(db)).toBe(first);
    const { termId } = termOf("progbio", "WS25");
    inAction(db, admin(), (ctx) => addStudent(termId, { username: "cached1s" }, ctx));
    expect(pendingChanges(db)).not.toBe(first);
    expect(pending()).toBe(1);
  });

  it("a database from before the portal kept track: the audited hub changes since the last push, without draft exams", async () => {
    await pushAll();
    db.delete(syncedParts).run();
    await nextSecond();
    const id = draftExam("mathe1", "SS26");
    addRoom(id, "H-0102", "10.20.1.0/24");
    expect(pending()).toBe(0);
    expect(pendingIn("mathe1", "SS26")).toMatchObject({ pending: 0, pushedAt: expect.any(Date) });
    inAction(db, admin(), (ctx) => addStudent(termOf("mathe1", "SS26").termId, { username: "legacy1s" }, ctx));
    expect(pending()).toBe(1);
    expect(pendingIn("mathe1", "SS26").pending).toBe(1);
    // the next push keeps track again
    await pushAll();
    expect(pending()).toBe(0);
    addRoom(id, "H-0103", "10.20.2.0/24");
    expect(pending()).toBe(0);
  });

  it("a target that already holds everything clears the count once a preview finds nothing to write", async () => {
    await pushAll();
    // a second portal with the same data, never pushed, against the same export directory
    const other = createTestDb();
    try {
      await seedIfEmpty(other.db, { password: "test-Passw0rd!" });
      expect(pendingChanges(other.db).pending).toBeGreaterThan(0);
      const p = await previewPush(other.db, { target });
      if (!p.ok) throw new Error(p.error);
      expect(p.plan.summary.create + p.plan.summary.change).toBe(0);
      expect(pendingChanges(other.db).pending).toBe(0);
      const c = other.db.select().from(courses).where(eq(courses.code, "mathe1")).get()!;
      const term = other.db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, "WS25"))).get()!;
      expect(termStaleness(other.db, c.id, term.id).pending).toBe(0);
      // and a change made after it counts again
      other.db.insert(students).values({ termId: term.id, username: "quiet1s" }).run();
      expect(pendingChanges(other.db).pending).toBe(1);
    } finally {
      other.cleanup();
    }
  });
});
