import { afterAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/lib/test/db";
import { listStudents } from "@/lib/rosters/roster";
import { defaultMounts } from "@/lib/courses/schemas";
import { auditLog, courses, students, terms, users } from "./schema";
import { applyDataUpgrades, DATA_VERSION } from "./upgrade";

const t = createTestDb();
afterAll(() => t.cleanup());
const db = t.db;

describe("data upgrade: one username rule for rows stored before it", () => {
  it("merges students that are one hub user, renames staff accounts, leaves colliding accounts alone", () => {
    const c = db.insert(courses).values({ code: "up", title: "Up" }).returning().get();
    const term = (name: string) =>
      db.insert(terms).values({ courseId: c.id, term: name, hubs: ["assignment"], image: "x", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: defaultMounts() }).returning().get().id;
    const ws = term("WS25");
    const ss = term("SS26");
    // what an old import (lower-cased) and an old manual add (as typed) left behind
    db.insert(students)
      .values([
        { termId: ws, username: "Alice", firstName: "Alice", matrikel: null, room: "C-1" },
        { termId: ws, username: "alice", firstName: null, matrikel: "0042", room: "C-2" },
        { termId: ws, username: "BOB", lastName: "Baumüller" },
        { termId: ws, username: "carol" },
        { termId: ss, username: "Alice" },
      ])
      .run();
    db.insert(users)
      .values([
        { username: "Irene", displayName: "Irene", role: "instructor" },
        { username: "Gina", displayName: "Gina 1", role: "grader" },
        { username: "gina", displayName: "Gina 2", role: "grader" },
      ])
      .run();
    db.$client.pragma("user_version = 0");

    applyDataUpgrades(db);

    expect(db.$client.pragma("user_version", { simple: true })).toBe(DATA_VERSION);
    const rows = db.select().from(students).all().map((s) => [s.termId, s.username, s.firstName, s.matrikel, s.room]);
    expect(rows).toEqual([
      [ws, "alice", "Alice", "0042", "C-2"], // the row already in normal form is kept, gaps filled
      [ws, "bob", null, null, null],
      [ws, "carol", null, null, null],
      [ss, "alice", null, null, null], // another term is another roster
    ]);
    // nothing lost: the merged row and the value that lost are in the audit log
    const merge = db.select().from(auditLog).all().find((e) => e.action === "roster.normalize-username" && e.summary.startsWith("Merged"))!;
    expect(merge.summary).toBe(`Merged alice, Alice into alice (term ${ws}): one hub user`);
    expect((merge.before as { conflicts: unknown[] }).conflicts).toEqual([{ field: "room", kept: "C-2", dropped: "C-1", from: "Alice" }]);
    expect(db.select().from(users).all().map((u) => u.username).sort()).toEqual(["Gina", "gina", "irene"]);
    expect(db.select().from(auditLog).all().find((e) => e.action === "user.username-collision")?.summary).toMatch(/Gina \/ gina/);
    // search keys for every row, so the German search finds old rows too
    expect(listStudents(db, ws, { q: "baumueller" }).rows.map((s) => s.username)).toEqual(["bob"]);

    // runs once
    const entries = db.select().from(auditLog).all().length;
    applyDataUpgrades(db);
    expect(db.select().from(auditLog).all().length).toBe(entries);
  });
});
