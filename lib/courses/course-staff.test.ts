import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { can } from "@/lib/auth/capabilities";
import { loadPrincipal } from "@/lib/auth/principal";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { createCourse, getCourse, unassignCourseStaff } from "./courses";

/** Creating a course makes its creator an instructor by an ordinary assignment, which can be removed. */
const t = createTestDb();
afterAll(() => t.cleanup());
const db = t.db;

describe("course creators", () => {
  it("are course instructors until the assignment is removed; then the rights are gone", () => {
    const irma = makeUser(db, "instructor", "irma");
    const admin = principalOf(db, makeUser(db, "admin", "root").id);
    const course = inAction(db, principalOf(db, irma.id), (ctx) => createCourse({ code: "made1", title: "Made by Irma", description: "" }, ctx));
    expect(can(principalOf(db, irma.id), "course.edit", { courseId: course.id })).toBe(true);
    const staff = getCourse(db, course.id)!.staff;
    expect(staff.map((s) => [s.username, s.role])).toEqual([["irma", "instructor"]]);
    inAction(db, admin, (ctx) => unassignCourseStaff(staff[0].id, ctx));
    expect(can(principalOf(db, irma.id), "course.view", { courseId: course.id })).toBe(false);
    // still recorded as the creator, which grants nothing
    expect(getCourse(db, course.id)!.createdBy).toBe(irma.id);
  });

  it("migrate: rows that granted rights through courses.created_by become course staff", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-mig-"));
    try {
      // the migrations up to before the change, as an existing installation has them
      const old = path.join(dir, "drizzle");
      fs.cpSync(path.resolve("drizzle"), old, { recursive: true });
      const journal = JSON.parse(fs.readFileSync(path.join(old, "meta/_journal.json"), "utf8"));
      const at = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("course-creators"));
      expect(at).toBeGreaterThan(0);
      const full = structuredClone(journal);
      journal.entries = journal.entries.slice(0, at);
      fs.writeFileSync(path.join(old, "meta/_journal.json"), JSON.stringify(journal));
      const sqlite = new Database(path.join(dir, "p.db"));
      const d = drizzle(sqlite);
      migrate(d, { migrationsFolder: old });
      sqlite.prepare("insert into users (id, username, display_name, role, source) values (7, 'ina', 'Ina', 'instructor', 'local'), (8, 'gone', 'Gone', 'grader', 'local')").run();
      sqlite.prepare("insert into courses (id, code, title, created_by) values (1, 'c1', 'C1', 7), (2, 'c2', 'C2', null), (3, 'c3', 'C3', 8)").run();
      // then this release's migrations
      fs.writeFileSync(path.join(old, "meta/_journal.json"), JSON.stringify(full));
      migrate(d, { migrationsFolder: old });
      expect(sqlite.prepare("select course_id, user_id, role from course_staff order by course_id").all()).toEqual([
        { course_id: 1, user_id: 7, role: "instructor" },
        { course_id: 3, user_id: 8, role: "instructor" },
      ]);
      const ina = loadPrincipal(d as never, 7)!;
      expect([...ina.courseRoles.keys()]).toEqual([1]);
      sqlite.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
