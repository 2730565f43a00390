/**
 * Exam pushes on a SQLite file against the export target (the same plan and apply as a cluster
 * push, YAML files instead of an API server): a step is recorded only once the hub's objects are
 * written, the preview says what changes on the hub in words, a stale preview or an unreachable
 * target changes nothing, and the overview's "on the hub" follows every push.
 */
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { parse, stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PushTarget } from "@/lib/cluster";
import type { Db } from "@/lib/db/client";
import { courses, examParticipants, exams, pushes, terms, users } from "@/lib/db/schema";
import { addParticipants, autoSeatExam, createExam, saveRoom, transitionExam, unlockParticipant } from "@/lib/exams/exams";
import { issueSheets } from "@/lib/exams/issue";
import { examInput, roomInput } from "@/lib/exams/schemas";
import { seededPortal } from "@/lib/test/db";
import { inAction, principalOf } from "@/lib/test/factories";
import { examHubChanges, parseExamsDoc } from "./exam-changes";
import { previewExamPush, runExamPush } from "./exam-push";

let db: Db;
let dir: string;
let target: PushTarget;

let cleanup: () => void;

beforeEach(async () => {
  process.env.TZ = "Europe/Berlin";
  ({ db, dir, target, cleanup } = await seededPortal("e2x-exam-push-"));
});
afterEach(() => cleanup());

const admin = () => principalOf(db, db.select().from(users).where(eq(users.username, "admin")).get()!.id);
const revision = (id: number) => db.select().from(exams).where(eq(exams.id, id)).get()!.revision;
const exam = (id: number) => db.select().from(exams).where(eq(exams.id, id)).get()!;

function secretOnHub(): ReturnType<typeof parseExamsDoc> {
  const file = path.join(dir, "e2x-exam", "secret-e2x-exam-passwords.yaml");
  if (!fs.existsSync(file)) return null;
  return parseExamsDoc(Buffer.from(parse(fs.readFileSync(file, "utf8")).data["exams.json"], "base64").toString());
}

function plannedExam(): number {
  const c = db.select().from(courses).where(eq(courses.code, "mathe1")).get()!;
  const termId = db.select().from(terms).where(and(eq(terms.courseId, c.id), eq(terms.term, "SS26"))).get()!.id;
  const e = inAction(db, admin(), (ctx) =>
    createExam(examInput.parse({ termId: String(termId), title: "Klausur Mathe 1", period: "PZ1", date: "2030-07-22", start: "09:00", end: "11:00", graceMinutes: "5", language: "de", examiners: "", headerLines: "" }), ctx),
  );
  inAction(db, admin(), (ctx) => saveRoom(roomInput.parse({ examId: String(e.id), name: "H-0102", seats: "80", blockedSeats: "", cidrs: "10.20.1.0/24" }), ctx));
  inAction(db, admin(), (ctx) => addParticipants(e.id, { mode: "all", studentIds: [] }, ctx));
  inAction(db, admin(), (ctx) => autoSeatExam(e.id, "alphabetical", ctx));
  return e.id;
}

const step = (id: number, name: "schedule" | "open" | "close", fp?: string, to: PushTarget = target) =>
  runExamPush(db, admin(), id, (ctx) => transitionExam(id, name, revision(id), ctx), { target: to, expectedFingerprint: fp });

// each prints 60 sheets (scrypt and a PDF): seconds on a loaded machine
describe("exam steps reach the hub before they are recorded", { timeout: 60_000 }, () => {
  it("schedule stages the accounts, print stores hashes, open is previewed in words and then pushed", async () => {
    const id = plannedExam();
    expect(exam(id).hubRevision).toBeNull();
    const scheduled = await step(id, "schedule");
    expect(scheduled.value).toBe("scheduled");
    expect(exam(id)).toMatchObject({ status: "scheduled", hubRevision: revision(id), hubPushId: scheduled.pushId });
    // no password yet: the exam is on the hub with no account
    expect(secretOnHub()!.exams.map((e) => [e.title, e.status, e.accepting])).toEqual([["Klausur Mathe 1", "scheduled", false]]);

    await issueSheets(db, admin(), id, { kind: "all" }, revision(id), { target });
    // scheduled: stored, not pushed; the overview says the hub is behind
    expect(exam(id).hubRevision).toBeLessThan(revision(id));
    expect(Object.keys(secretOnHub()!.accounts)).toEqual([]);

    const preview = await previewExamPush(db, admin(), id, (ctx) => transitionExam(id, "open", revision(id), ctx), { target });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.hubChanges).toEqual(["“Klausur Mathe 1” (PZ1): sign-in opens for 60 accounts, each inside its window and from its room; 60 accounts added."]);
    expect(preview.plan.items.find((i) => i.kind === "Secret")!.action).toBe("change");
    expect(preview.plan.items.filter((i) => i.kind === "NetworkPolicy").length).toBeGreaterThan(0);
    // the preview changed nothing
    expect(exam(id).status).toBe("scheduled");
    expect(Object.keys(secretOnHub()!.accounts)).toEqual([]);

    const opened = await step(id, "open", preview.fingerprint);
    expect(opened.message).toMatch(/^Written to the export folder \(push #\d+\): no cluster is set up, so the exam hub does not have it yet\.$/);
    expect(exam(id)).toMatchObject({ status: "open", hubRevision: revision(id) });
    const onHub = secretOnHub()!;
    expect(onHub.exams[0].accepting).toBe(true);
    expect(Object.keys(onHub.accounts)).toHaveLength(60);
    // the profiles: exactly the exam's accounts
    const index = JSON.parse(parse(fs.readFileSync(path.join(dir, "e2x-exam", "configmap-e2x-profiles-exam.yaml"), "utf8")).data["meta.json"]);
    expect(index.users).toBe(60);
  });

  it("an exam push leaves the hub's configuration to cluster pushes: its ConfigMap is neither written nor pruned", async () => {
    const id = plannedExam();
    const file = path.join(dir, "e2x-exam", "configmap-e2x-portal-hub.yaml");
    // no cluster push yet: an exam push does not write the hub's configuration
    await step(id, "schedule");
    expect(fs.existsSync(file)).toBe(false);
    expect(secretOnHub()!.exams).toHaveLength(1);
    // an older configuration a cluster push wrote earlier: kept as it is, not changed, not pruned
    const older = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "e2x-portal-hub", namespace: "e2x-exam", labels: { "app.kubernetes.io/managed-by": "e2x-portal", "e2x-portal/hub": "exam", "e2x-portal/part": "hub-config" } },
      data: { "e2x-portal-settings.json": "{}" },
    };
    fs.writeFileSync(file, stringify(older));
    await issueSheets(db, admin(), id, { kind: "all" }, revision(id), { target });
    const preview = await previewExamPush(db, admin(), id, (ctx) => transitionExam(id, "open", revision(id), ctx), { target });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.plan.items.filter((i) => i.name === "e2x-portal-hub")).toEqual([]);
    await step(id, "open", preview.fingerprint);
    expect(parse(fs.readFileSync(file, "utf8"))).toEqual(older);
  });

  it("a stale preview or a target that cannot be written changes nothing", async () => {
    const id = plannedExam();
    await step(id, "schedule");
    await issueSheets(db, admin(), id, { kind: "all" }, revision(id), { target });
    const preview = await previewExamPush(db, admin(), id, (ctx) => transitionExam(id, "open", revision(id), ctx), { target });
    if (!preview.ok) throw new Error(preview.error);
    // someone re-issues a password after the preview: the push would differ
    const someone = db.select().from(examParticipants).where(eq(examParticipants.examId, id)).get()!;
    await issueSheets(db, admin(), id, { kind: "reissue", participantId: someone.id }, revision(id), { target });
    await expect(step(id, "open", preview.fingerprint)).rejects.toThrow(/changed since this preview/);
    expect(exam(id).status).toBe("scheduled");

    const broken = path.join(dir, "not-a-directory");
    fs.writeFileSync(broken, "");
    const before = db.select().from(pushes).all().length;
    await expect(step(id, "open", undefined, { kind: "export", dir: broken })).rejects.toThrow(/The exam hub could not be updated \(push #\d+\).*Nothing was changed in the portal/);
    expect(exam(id).status).toBe("scheduled");
    // the failed push is in the history
    expect(db.select().from(pushes).all().length).toBe(before + 1);
    expect(db.select().from(pushes).all().at(-1)!.status).toBe("failed");
  });

  it("while open, a re-issue reaches the hub before the slip exists; an unlock raises the account's count; close revokes", async () => {
    const id = plannedExam();
    await step(id, "schedule");
    await issueSheets(db, admin(), id, { kind: "all" }, revision(id), { target });
    await step(id, "open");
    const p = db.select().from(examParticipants).where(eq(examParticipants.examId, id)).get()!;
    const oldHash = secretOnHub()!.accounts[p.username][3];
    const slip = await issueSheets(db, admin(), id, { kind: "reissue", participantId: p.id }, revision(id), { target });
    expect(slip.hub).toMatch(/^Written to the export folder \(push #\d+\)/);
    const after = secretOnHub()!;
    expect(after.accounts[p.username][3]).not.toBe(oldHash);
    expect(after.accounts[p.username][3]).toBe(db.select().from(examParticipants).where(eq(examParticipants.id, p.id)).get()!.passwordHash);

    // sheets for everyone while it runs: refused unless the supervisor confirmed that the sheets on the desks stop working
    const hashes = () => db.select({ h: examParticipants.passwordHash }).from(examParticipants).where(eq(examParticipants.examId, id)).all().map((r) => r.h);
    const kept = hashes();
    await expect(issueSheets(db, admin(), id, { kind: "all" }, revision(id), { target })).rejects.toThrow(/The exam is running: new sheets for everyone or a room make those on the desks stop working/);
    expect(hashes()).toEqual(kept);
    expect(secretOnHub()).toEqual(after);
    const reprint = await issueSheets(db, admin(), id, { kind: "all", whileOpen: true }, revision(id), { target });
    expect(reprint.count).toBe(60);
    expect(hashes().every((h, i) => h !== kept[i])).toBe(true);
    expect(Object.values(secretOnHub()!.accounts).map((a) => a[3])).not.toContain(kept[0]);

    const before = secretOnHub();
    const preview = await previewExamPush(db, admin(), id, (ctx) => unlockParticipant(id, p.id, revision(id), ctx), { target });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.hubChanges).toEqual([`“Klausur Mathe 1” (PZ1): the sign-in lock of ${p.username} is lifted.`]);
    await runExamPush(db, admin(), id, (ctx) => unlockParticipant(id, p.id, revision(id), ctx), { target, expectedFingerprint: preview.fingerprint });
    expect(secretOnHub()!.accounts[p.username][4]).toBe(1);
    expect(examHubChanges(before, secretOnHub()!, id)).toEqual([`“Klausur Mathe 1” (PZ1): the sign-in lock of ${p.username} is lifted.`]);

    const closing = await previewExamPush(db, admin(), id, (ctx) => transitionExam(id, "close", revision(id), ctx), { target });
    if (!closing.ok) throw new Error(closing.error);
    expect(closing.hubChanges).toEqual(["“Klausur Mathe 1” (PZ1): sign-in stops (the exam is closed); 60 passwords revoked."]);
    await step(id, "close", closing.fingerprint);
    expect(secretOnHub()!.accounts).toEqual({});
  });
});
