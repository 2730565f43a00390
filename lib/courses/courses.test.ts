import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can } from "@/lib/auth/capabilities";
import { ActionError } from "@/lib/auth/guard-types";
import { auditLog, courses, termStaff } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { alsoSeeingTerm, assignStaff, createCourse, createTerm, getCourse, listCourses, setCourseArchived, updateTerm } from "./courses";
import { defaultMounts, termInput } from "./schemas";

const t = createTestDb();
afterAll(() => t.cleanup());
const db = t.db;

const termValues = (courseId: number, over: Record<string, unknown> = {}) =>
  termInput.parse({ courseId, term: "WS25", hubs: ["assignment"], image: "ghcr.io/e2x/nb:1", cpuGuarantee: "500m", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts(), ...over });

describe("courses and terms", () => {
  let admin: ReturnType<typeof principalOf>;
  beforeAll(() => {
    admin = principalOf(db, makeUser(db, "admin").id);
  });

  it("refuses a duplicate course code with a message for the field, writing nothing", () => {
    inAction(db, admin, (ctx) => createCourse({ code: "dup1", title: "One", description: "" }, ctx));
    const before = db.select().from(auditLog).all().length;
    let err: unknown;
    try {
      inAction(db, admin, (ctx) => createCourse({ code: "dup1", title: "Two", description: "" }, ctx));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).fieldErrors?.code?.[0]).toMatch(/taken/);
    expect(db.select().from(courses).all().filter((c) => c.code === "dup1")).toHaveLength(1);
    expect(db.select().from(auditLog).all()).toHaveLength(before);
  });

  it("validates quantities and guarantee <= limit", () => {
    const res = termInput.safeParse({ courseId: 1, term: "ws25", hubs: [], image: "bad image", cpuGuarantee: "2", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "10x", mounts: "[]" });
    expect(res.success).toBe(false);
    const paths = res.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["hubs", "image", "cpuGuarantee", "memLimit"]));
    expect(res.error!.issues.find((i) => i.path[0] === "cpuGuarantee")!.message).toMatch(/above its limit/);
  });

  it("refuses mount templates with unknown placeholders or ..", () => {
    const res = termInput.safeParse({ ...termValues(1), mounts: [{ kind: "extra", subPath: "a/{user}/../x", mountPath: "/x", readOnly: true }] });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0].path.join(".")).toBe("mounts.0.subPath");
  });

  it("keeps every mount kind inside its course: no whole export, no other course", () => {
    const bad: [string, string][] = [
      ["home", "."],
      ["home", "homes/teaching/students/{course_id}"],
      ["home", "homes/teaching/students/other-WS25/{username}"],
      ["exchange", "nbgrader/exchanges/other/other-WS25"],
      ["exchange", "nbgrader"],
      ["shared", "shares"],
      ["shared", "shares/teaching/courses/other"],
      ["extra", "."],
      ["extra", "data//x"],
      ["extra", "data/./x"],
    ];
    for (const [kind, subPath] of bad) {
      const res = termInput.safeParse({ ...termValues(1), mounts: [{ kind, subPath, mountPath: "/srv/x", readOnly: true }] });
      expect(res.success, `${kind} ${subPath}`).toBe(false);
      expect(res.error!.issues[0].path.join(".")).toBe("mounts.0.subPath");
    }
    const good: [string, string][] = [
      ["home", "homes/teaching/students/{course_id}/{username}"],
      ["exchange", "nbgrader/exchanges/{course}/{course_id}/"],
      ["shared", "shares/teaching/courses/{course}/datasets"],
      ["shared", "shares/teaching/public"],
      ["extra", "datasets/imagenet"],
    ];
    for (const [kind, subPath] of good) {
      expect(termInput.safeParse({ ...termValues(1), mounts: [{ kind, subPath, mountPath: "/srv/x", readOnly: true }] }).success, `${kind} ${subPath}`).toBe(true);
    }
    expect(termInput.safeParse({ ...termValues(1), mounts: [{ kind: "shared", subPath: "shares/teaching/public", mountPath: "/", readOnly: true }] }).success).toBe(false);
  });

  it("lets only admins add extra mounts", () => {
    const ina = principalOf(db, makeUser(db, "instructor").id);
    const c = inAction(db, ina, (ctx) => createCourse({ code: "mnt1", title: "Mounts", description: "" }, ctx));
    const fresh = principalOf(db, ina.id);
    const extra = [...defaultMounts(), { kind: "extra" as const, subPath: "datasets", mountPath: "/srv/data", readOnly: true }];
    let err: unknown;
    try {
      inAction(db, fresh, (ctx) => createTerm(termValues(c.id, { mounts: extra }), ctx));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).fieldErrors?.mounts?.[0]).toMatch(/only an admin adds it/);
    // an admin adds it; the instructor may then edit other fields and keep it
    const term = inAction(db, admin, (ctx) => createTerm(termValues(c.id, { mounts: extra }), ctx));
    inAction(db, fresh, (ctx) => updateTerm(term.id, termValues(c.id, { mounts: extra, image: "ghcr.io/e2x/nb:2" }), ctx));
    expect(() =>
      inAction(db, fresh, (ctx) => updateTerm(term.id, termValues(c.id, { mounts: [...defaultMounts(), { ...extra[4], subPath: "secrets" }] }), ctx)),
    ).toThrow(ActionError);
  });

  it("gives the creating instructor the course, and the term they add", () => {
    const irene = principalOf(db, makeUser(db, "instructor").id);
    const c = inAction(db, irene, (ctx) => createCourse({ code: "own1", title: "Own", description: "" }, ctx));
    const fresh = principalOf(db, irene.id);
    expect(can(fresh, "course.edit", { courseId: c.id })).toBe(true);
    const term = inAction(db, fresh, (ctx) => createTerm(termValues(c.id), ctx));
    expect(db.select().from(termStaff).all().filter((s) => s.termId === term.id && s.userId === irene.id)).toHaveLength(1);
  });

  it("records before and after of an edit in the audit log", () => {
    const c = inAction(db, admin, (ctx) => createCourse({ code: "edit1", title: "Edit", description: "" }, ctx));
    const term = inAction(db, admin, (ctx) => createTerm(termValues(c.id), ctx));
    inAction(db, admin, (ctx) => updateTerm(term.id, termValues(c.id, { memLimit: "4Gi" }), ctx));
    const entry = db.select().from(auditLog).all().at(-1)!;
    expect(entry.action).toBe("term.update");
    expect(entry.before).toEqual({ memLimit: "2Gi" });
    expect(entry.after).toEqual({ memLimit: "4Gi" });
  });

  it("scopes a grader to their own course", () => {
    const a = inAction(db, admin, (ctx) => createCourse({ code: "scopea", title: "A", description: "" }, ctx));
    const b = inAction(db, admin, (ctx) => createCourse({ code: "scopeb", title: "B", description: "" }, ctx));
    const ta = inAction(db, admin, (ctx) => createTerm(termValues(a.id), ctx));
    inAction(db, admin, (ctx) => createTerm(termValues(b.id), ctx));
    const g = makeUser(db, "grader");
    inAction(db, admin, (ctx) => assignStaff(ta.id, g.username, "grader", ctx));
    const grader = principalOf(db, g.id);
    expect(can(grader, "roster.view", { courseId: a.id })).toBe(true);
    expect(can(grader, "roster.edit", { courseId: a.id })).toBe(false);
    expect(can(grader, "course.view", { courseId: b.id })).toBe(false);
    expect(listCourses(db, grader).map((c) => c.code)).toEqual(["scopea"]);
  });

  it("names who sees a term without being on it: its course's other terms' staff, once per person, with who may indeed see it", () => {
    const c = inAction(db, admin, (ctx) => createCourse({ code: "seeall", title: "See", description: "" }, ctx));
    const old = inAction(db, admin, (ctx) => createTerm(termValues(c.id, { term: "WS25" }), ctx));
    const fresh = inAction(db, admin, (ctx) => createTerm(termValues(c.id, { term: "SS26" }), ctx));
    const g = makeUser(db, "grader");
    const i = makeUser(db, "instructor");
    inAction(db, admin, (ctx) => assignStaff(old.id, g.username, "grader", ctx));
    inAction(db, admin, (ctx) => assignStaff(old.id, i.username, "instructor", ctx));
    inAction(db, admin, (ctx) => assignStaff(fresh.id, i.username, "instructor", ctx));
    const seeing = alsoSeeingTerm(getCourse(db, c.id)!, fresh.id);
    // the instructor is on the new term: not named; the grader of the old term is, with his role there
    expect(seeing).toEqual([{ displayName: g.displayName, roles: [{ role: "grader", term: "WS25" }] }]);
    // and the portal does let him see the new term
    expect(can(principalOf(db, g.id), "roster.view", { courseId: c.id })).toBe(true);
  });

  it("archives instead of deleting, and hides archived courses by default", () => {
    const c = inAction(db, admin, (ctx) => createCourse({ code: "arch1", title: "Old", description: "" }, ctx));
    inAction(db, admin, (ctx) => setCourseArchived(c.id, true, ctx));
    expect(getCourse(db, c.id)?.archivedAt).toBeInstanceOf(Date);
    expect(listCourses(db, admin).map((x) => x.code)).not.toContain("arch1");
    expect(listCourses(db, admin, { includeArchived: true }).map((x) => x.code)).toContain("arch1");
  });
});
