/**
 * The one username rule at every place a name enters the portal or leaves it for a hub:
 * CSV import, manual add, staff accounts, sign-in, the database -> render model step and the
 * renderer. (The hub-side Python applies it too: lib/render/python/tests/test_username.py and
 * tests/integration/username-rule.test.ts, which compares with JupyterHub itself.)
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { hashPassword } from "@/lib/auth/password";
import { defaultMounts } from "@/lib/courses/schemas";
import { courses, students, termStaff, terms, users } from "@/lib/db/schema";
import { buildPortalModel } from "@/lib/deployment/model";
import { renderAll, type KubeObject } from "@/lib/render";
import { smallModel } from "@/lib/render/fixtures";
import { parseRosterCsv } from "@/lib/rosters/csv";
import { addStudent, applyImport, previewImport } from "@/lib/rosters/roster";
import { createStaff, staffInput } from "@/lib/staff/staff";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { normalizeUsername } from "./username";

const t = createTestDb();
afterAll(() => t.cleanup());
const db = t.db;
let admin: ReturnType<typeof principalOf>;
let termId = 0;

beforeAll(() => {
  admin = principalOf(db, makeUser(db, "admin").id);
  const c = db.insert(courses).values({ code: "names", title: "Names" }).returning().get();
  termId = db.insert(terms).values({ courseId: c.id, term: "WS25", hubs: ["assignment"], image: "x/y:1", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: defaultMounts() }).returning().get().id;
});

const SPELLINGS = ["Alice", " ALICE ", "alice", "\u00a0Alice\t"];

describe("one username rule across every caller", () => {
  it("CSV import: every spelling is the one student alice", () => {
    const r = parseRosterCsv(["Username", ...SPELLINGS].join("\r\n"));
    expect(r.rows.map((x) => x.username)).toEqual(["alice"]);
    expect(r.duplicates).toHaveLength(3);
  });

  it("manual add and import meet on the same row", () => {
    inAction(db, admin, (ctx) => addStudent(termId, { username: "Alice" }, ctx));
    for (const s of SPELLINGS) expect(() => inAction(db, admin, (ctx) => addStudent(termId, { username: s }, ctx))).toThrow(/Already on the roster/);
    const file = Buffer.from("Username,Name\nALICE,Alice Liddell\nBob,Bob Baumeister\n");
    const p = previewImport(db, termId, file, "merge");
    if (p.kind !== "preview") throw new Error("expected a preview");
    expect(p.diff.added.map((r) => r.username)).toEqual(["bob"]);
    expect(p.diff.updated.map((u) => u.username)).toEqual(["alice"]);
    inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx));
    expect(db.select({ u: students.username, n: students.displayName }).from(students).where(eq(students.termId, termId)).all()).toEqual([
      { u: "alice", n: "Alice Liddell" },
      { u: "bob", n: "Bob Baumeister" },
    ]);
  });

  it("staff accounts are created in normal form and cannot be created twice in another case", async () => {
    const input = staffInput.parse({ username: " Irene.K ", displayName: "Irene K", email: "", role: "instructor" });
    expect(input.username).toBe("irene.k");
    const hash = await hashPassword("Passw0rd-Passw0rd");
    inAction(db, admin, (ctx) => createStaff(input, hash, ctx));
    expect(() => inAction(db, admin, (ctx) => createStaff({ ...input, username: "irene.k" }, hash, ctx))).toThrow(/taken/);
    // an account stored in another case before the rule is found, too
    db.insert(users).values({ username: "Gustl", displayName: "Gustl", role: "grader", source: "local", passwordHash: hash }).run();
    expect(() => inAction(db, admin, (ctx) => createStaff({ ...input, username: "gustl" }, hash, ctx))).toThrow(/taken/);
    expect(staffInput.safeParse({ username: "Ümit", displayName: "Ü", email: "", role: "grader" }).success).toBe(false);
  });

  it("sign-in takes the name in any case and spacing", async () => {
    for (const typed of ["IRENE.K", " irene.k ", "Irene.K"]) {
      const r = await signInWithPassword(db, typed, "Passw0rd-Passw0rd");
      expect(r).toMatchObject({ ok: true, username: "irene.k" });
    }
    expect(await signInWithPassword(db, "GUSTL", "Passw0rd-Passw0rd")).toMatchObject({ ok: true, username: "Gustl" });
  });

  it("the render model names hub users as the hub does and says when two rows are one user", () => {
    // rows stored before the rule (the data upgrade leaves colliding staff accounts alone)
    db.insert(students).values([{ termId, username: "Gustl" }, { termId, username: "GUSTL" }]).run();
    db.insert(termStaff).values({ termId, userId: db.select().from(users).where(eq(users.username, "Gustl")).get()!.id, role: "grader" }).run();
    const { model, warnings } = buildPortalModel(db);
    const names = model.memberships.filter((m) => m.courseId === "names-WS25").map((m) => `${m.username}:${m.role}`).sort();
    expect(names).toEqual(["alice:student", "bob:student", "gustl:grader", "gustl:student"]);
    expect(warnings).toContainEqual({ key: "oneHubUser", params: { names: "GUSTL, Gustl", name: "gustl", course: "names", term: "WS25" } });
  });

  it("the renderer keys users.json by the normalized name", () => {
    const m = smallModel();
    m.memberships.push({ username: "ALICE", courseId: m.memberships[0].courseId, role: "student" });
    const objects: KubeObject[] = renderAll(m).objects;
    const keys = objects
      .filter((o) => o.kind === "ConfigMap" && (o.data as Record<string, string> | undefined)?.["users.json"])
      .flatMap((o) => Object.keys(JSON.parse((o.data as Record<string, string>)["users.json"])));
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).toBe(normalizeUsername(k));
    expect(keys.filter((k) => k === "alice").length).toBeGreaterThan(0);
    expect(keys).not.toContain("ALICE");
  });
});
