/**
 * The portal-wide student search and a student's page data on a real SQLite file (lib/test/db,
 * the production open and migrations): students added the way the roster page adds them,
 * searched the way the search page searches (the guard's course list for the signed-in
 * account), umlaut-tolerant through the roster's stored search key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coursesWith, type Principal } from "@/lib/auth/capabilities";
import type { Db } from "@/lib/db/client";
import { defaultMounts } from "@/lib/courses/schemas";
import { seedIfEmpty } from "@/lib/db/seed";
import { courses, termStaff, terms, users } from "@/lib/db/schema";
import { addStudent } from "@/lib/rosters/roster";
import { getStudentPerson, searchStudents } from "@/lib/students/students";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { eq } from "drizzle-orm";

let t: ReturnType<typeof createTestDb>;
let db: Db;
let admin: Principal;
let lecturerA: Principal;
let lecturerB: Principal;
const ids: Record<string, number> = {};

function term(code: string, termCode: string): number {
  let course = db.select().from(courses).where(eq(courses.code, code)).get();
  course ??= db.insert(courses).values({ code, title: `Kurs ${code}` }).returning().get();
  return db
    .insert(terms)
    .values({ courseId: course.id, term: termCode, hubs: ["assignment"], image: "jupyter/minimal-notebook:2024-01-01", cpuGuarantee: "500m", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts() })
    .returning()
    .get().id;
}

beforeAll(async () => {
  t = createTestDb();
  db = t.db;
  await seedIfEmpty(db, { password: "test-Passw0rd!", demo: false });
  admin = principalOf(db, db.select().from(users).where(eq(users.username, "admin")).get()!.id);
  ids.algoWS = term("algo", "WS25");
  ids.algoSS = term("algo", "SS26");
  ids.chem = term("chemie", "WS25");
  const a = makeUser(db, "instructor", "lehrende-a");
  const b = makeUser(db, "instructor", "lehrende-b");
  db.insert(termStaff).values([{ termId: ids.algoWS, userId: a.id, role: "instructor" }, { termId: ids.chem, userId: b.id, role: "instructor" }]).run();
  lecturerA = principalOf(db, a.id);
  lecturerB = principalOf(db, b.id);
  const add = (termId: number, s: Parameters<typeof addStudent>[1]) => inAction(db, admin, (ctx) => addStudent(termId, s, ctx));
  // one person on two terms of algo
  add(ids.algoWS, { username: "jmuell2s", firstName: "Jürgen", lastName: "Müller", matrikel: "0012345" });
  add(ids.algoSS, { username: "JMuell2s", firstName: "Jürgen", lastName: "Müller", matrikel: "0012345" });
  // another Müller, on chemie only
  add(ids.chem, { username: "amuell7s", firstName: "Anna", lastName: "Müller", matrikel: "7654321" });
  add(ids.chem, { username: "bstrau3s", firstName: "Björn", lastName: "Strauß", matrikel: "5550001" });
  // many matches for paging: 30 Schmidts on algo WS25
  for (let i = 0; i < 30; i++) add(ids.algoWS, { username: `kschmi${String(i).padStart(2, "0")}s`, firstName: "Kai", lastName: "Schmidt", matrikel: String(8_000_000 + i) });
});
afterAll(() => t.cleanup());

const names = (scope: Principal, q: string) => searchStudents(db, coursesWith(scope, "roster.view"), q).rows.map((r) => r.username);

describe("student search", () => {
  it("finds Müller typed as muller, mueller, müller and Müller, and Strauß as strauss", () => {
    for (const q of ["muller", "mueller", "müller", "Müller", "MUELLER"]) expect(names(admin, q), q).toEqual(["amuell7s", "jmuell2s"]);
    expect(names(admin, "strauss")).toEqual(["bstrau3s"]);
    expect(names(admin, "Björn Strauss")).toEqual(["bstrau3s"]);
    expect(names(admin, "bjorn")).toEqual(["bstrau3s"]);
    expect(names(admin, "jürgen müller")).toEqual(["jmuell2s"]);
    expect(names(admin, "Müller, Anna")).toEqual(["amuell7s"]);
  });

  it("finds by matriculation number, with or without its leading zeros, and by username", () => {
    expect(names(admin, "0012345")).toEqual(["jmuell2s"]);
    expect(names(admin, "12345")).toEqual(["jmuell2s"]);
    expect(names(admin, "7654321")).toEqual(["amuell7s"]);
    expect(names(admin, "AMUELL7S")).toEqual(["amuell7s"]);
  });

  it("lists a person once, with every term they are on", () => {
    const hit = searchStudents(db, "all", "jmuell2s").rows;
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ username: "jmuell2s", name: "Jürgen Müller", matrikel: "0012345" });
    expect(hit[0].terms.map((x) => `${x.code} ${x.term}`).sort()).toEqual(["algo SS26", "algo WS25"]);
  });

  it("a lecturer finds only their own courses' students", () => {
    expect(names(lecturerA, "muller")).toEqual(["jmuell2s"]);
    expect(names(lecturerA, "amuell7s")).toEqual([]);
    expect(names(lecturerA, "7654321")).toEqual([]);
    expect(names(lecturerB, "muller")).toEqual(["amuell7s"]);
    expect(names(lecturerB, "schmidt")).toEqual([]);
    // and sees nobody of another course on a student's page either
    expect(getStudentPerson(db, coursesWith(lecturerA, "roster.view"), "amuell7s")).toBeNull();
    expect(getStudentPerson(db, coursesWith(lecturerB, "roster.view"), "amuell7s")?.terms.map((x) => x.code)).toEqual(["chemie"]);
    // a lecturer on algo WS25 sees algo's other term too (rights are per course)
    expect(getStudentPerson(db, coursesWith(lecturerA, "roster.view"), "JMuell2s")?.terms.map((x) => x.term).sort()).toEqual(["SS26", "WS25"]);
  });

  it("pages many matches and finds no one for an empty query", () => {
    const p1 = searchStudents(db, "all", "schmidt", { page: 1 });
    expect(p1).toMatchObject({ total: 30, pages: 2, page: 1 });
    expect(p1.rows).toHaveLength(25);
    const p2 = searchStudents(db, "all", "schmidt", { page: 2 });
    expect(p2.rows.map((r) => r.username)).toEqual(["kschmi25s", "kschmi26s", "kschmi27s", "kschmi28s", "kschmi29s"]);
    expect(new Set([...p1.rows, ...p2.rows].map((r) => r.username)).size).toBe(30);
    expect(searchStudents(db, "all", "   ")).toMatchObject({ total: 0, rows: [] });
    expect(searchStudents(db, "all", "100%")).toMatchObject({ total: 0, rows: [] });
  });
});
