/**
 * A student page's profile list is what the push gives the hub: the lists studentProfiles builds
 * for one person equal, entry by entry and in order, what the hub-side lookup reads for that user
 * from the profile ConfigMaps a push wrote (export target: the same objects a cluster gets).
 */
import fs from "node:fs";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PushTarget } from "@/lib/cluster";
import type { Db } from "@/lib/db/client";
import { courses, examParticipants, exams, students, terms, users } from "@/lib/db/schema";
import { addParticipants, autoSeatExam, createExam, saveRoom, transitionExam } from "@/lib/exams/exams";
import { issueSheets } from "@/lib/exams/issue";
import { examInput, roomInput } from "@/lib/exams/schemas";
import { shardOf, type HubName, type ProfileEntry, type ShardMeta } from "@/lib/render";
import { seededPortal } from "@/lib/test/db";
import { inAction, principalOf } from "@/lib/test/factories";
import { runExamPush } from "./exam-push";
import { runPush } from "./push";
import { studentProfiles } from "./student-profiles";

let db: Db;
let dir: string;
let target: PushTarget;

let cleanup: () => void;

beforeEach(async () => {
  ({ db, dir, target, cleanup } = await seededPortal("e2x-student-profiles-"));
});
afterEach(() => cleanup());

const admin = () => principalOf(db, db.select().from(users).where(eq(users.username, "admin")).get()!.id);

function termId(code: string, term: string): number {
  const c = db.select().from(courses).where(eq(courses.code, code)).get()!;
  return db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, term))).get()!.id;
}

function configMapData(hub: HubName, name: string, key: string): unknown {
  const doc = parse(fs.readFileSync(path.join(dir, `e2x-${hub}`, `configmap-${name}.yaml`), "utf8"));
  return JSON.parse(doc.data[key]);
}

/** What the hub-side lookup (e2x_portal_profiles.py) reads for a user from the pushed ConfigMaps. */
function pushedEntries(hub: HubName, login: string): ProfileEntry[] | undefined {
  const meta = configMapData(hub, `e2x-profiles-${hub}`, "meta.json") as ShardMeta;
  const users = configMapData(hub, meta.userShards[shardOf(login, meta.userShards.length)], "users.json") as Record<string, string[]>;
  return users[login]?.map((key) => (configMapData(hub, meta.profileShards[shardOf(key, meta.profileShards.length)], "profiles.json") as Record<string, ProfileEntry>)[key]);
}

function scheduledExam(): number {
  const e = inAction(db, admin(), (ctx) =>
    createExam(examInput.parse({ termId: String(termId("mathe1", "SS26")), title: "Klausur Mathe 1", period: "PZ1", date: "2030-07-22", start: "09:00", end: "11:00", graceMinutes: "5", language: "de", examiners: "", headerLines: "" }), ctx),
  );
  inAction(db, admin(), (ctx) => saveRoom(roomInput.parse({ examId: String(e.id), name: "H-0102", seats: "80", blockedSeats: "", cidrs: "10.20.1.0/24" }), ctx));
  inAction(db, admin(), (ctx) => addParticipants(e.id, { mode: "all", studentIds: [] }, ctx));
  inAction(db, admin(), (ctx) => autoSeatExam(e.id, "alphabetical", ctx));
  return e.id;
}

describe("a student's profile lists", { timeout: 60_000 }, () => {
  it("equal what the pushed profile ConfigMaps give that user on every hub, exam hub included", async () => {
    const examId = scheduledExam();
    const rev = db.select().from(exams).where(eq(exams.id, examId)).get()!.revision;
    await runExamPush(db, admin(), examId, (ctx) => transitionExam(examId, "schedule", rev, ctx), { target });
    // the exam hub holds accounts once their passwords are printed
    await issueSheets(db, admin(), examId, { kind: "all" }, db.select().from(exams).where(eq(exams.id, examId)).get()!.revision, { target });
    const pushed = await runPush(db, { id: null, username: "admin" }, { forceConflicts: false, prune: true }, { target });
    expect(pushed.executed.error).toBeNull();
    expect(pushed.executed.result?.ok).toBe(true);

    // on two courses at once (mathe1 WS25 and datasci WS25), on one with an exam (mathe1 SS26), and a grader
    const both = db.select({ u: students.username }).from(students).where(eq(students.termId, termId("datasci", "WS25"))).orderBy(asc(students.username)).all()
      .map((r) => r.u)
      .find((u) => db.select().from(students).where(and(eq(students.termId, termId("mathe1", "WS25")), eq(students.username, u))).get())!;
    const examined = db.select().from(examParticipants).where(eq(examParticipants.examId, examId)).orderBy(asc(examParticipants.username)).get()!;
    expect(both).toBeTruthy();
    expect(examined.rosterUsername).toBeTruthy();

    const lists = (u: string) => studentProfiles(db, u).map((l) => ({ hub: l.hub, login: l.login, keys: l.entries.map((e) => e.key) }));
    expect(lists(both)).toEqual([{ hub: "assignment", login: both, keys: ["datasci+student+datasci-WS25", "mathe1+student+mathe1-WS25"].sort() }]);
    expect(lists(examined.rosterUsername!)).toEqual([
      { hub: "assignment", login: examined.rosterUsername, keys: ["mathe1+student+mathe1-SS26"] },
      { hub: "exam", login: examined.username, keys: ["mathe1+student+mathe1-SS26+PZ1"] },
    ]);

    for (const u of [both, examined.rosterUsername!, "gustav"]) {
      const mine = studentProfiles(db, u);
      expect(mine.length).toBeGreaterThan(0);
      for (const l of mine) expect(l.entries).toEqual(pushedEntries(l.hub, l.login));
      // and no hub holds a list for them that the page leaves out
      for (const hub of ["assignment", "grading"] as const) expect(pushedEntries(hub, u) ?? []).toEqual(mine.find((l) => l.hub === hub)?.entries ?? []);
    }
    expect(pushedEntries("exam", examined.username)).toEqual(studentProfiles(db, examined.rosterUsername!).find((l) => l.hub === "exam")!.entries);
    expect(studentProfiles(db, "gustav").map((l) => l.hub)).toEqual(["assignment", "grading"]);
  });

  it("someone on no roster gets no list", () => {
    expect(studentProfiles(db, "nobody1s")).toEqual([]);
  });
});
