import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/auth/guard-types";
import { auditLog, courses, terms } from "@/lib/db/schema";
import { defaultMounts } from "@/lib/courses/schemas";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { addStudent, applyImport, listStudents, previewImport, removeStudents } from "./roster";

const t = createTestDb();
afterAll(() => t.cleanup());
const db = t.db;
let termId = 0;
let admin: ReturnType<typeof principalOf>;

beforeAll(() => {
  admin = principalOf(db, makeUser(db, "admin").id);
  const c = db.insert(courses).values({ code: "r1", title: "R" }).returning().get();
  termId = db
    .insert(terms)
    .values({ courseId: c.id, term: "WS25", hubs: ["assignment"], image: "x/y:1", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: defaultMounts() })
    .returning()
    .get().id;
});

const csv = (s: string) => Buffer.from(s, "utf8");

describe("roster import", () => {
  it("previews without writing, then applies exactly the preview", () => {
    const file = csv("\uFEFFUsername;\r\nanna1s ;\r\nben2s;\r\nben2s;\r\n");
    const p = previewImport(db, termId, file, "merge");
    expect(p.diff.added.map((r) => r.username)).toEqual(["anna1s", "ben2s"]);
    expect(p.parsed.duplicates).toHaveLength(1);
    expect(listStudents(db, termId).total).toBe(0);
    const r = inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx));
    expect(r).toMatchObject({ added: 2, removed: 0 });
    expect(listStudents(db, termId).rows.map((s) => s.username)).toEqual(["anna1s", "ben2s"]);
  });

  it("refuses a file with an invalid row and changes nothing", () => {
    const file = csv("Username\ncarl3s\nno way\n");
    const p = previewImport(db, termId, file, "merge");
    expect(p.parsed.invalid).toEqual([expect.objectContaining({ row: 3 })]);
    expect(() => inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx))).toThrow(/invalid row/);
    expect(listStudents(db, termId).total).toBe(2);
  });

  it("refuses to apply onto a roster that changed since the preview", () => {
    const file = csv("Username\nanna1s\n");
    const p = previewImport(db, termId, file, "replace");
    expect(p.diff.removed.map((r) => r.username)).toEqual(["ben2s"]);
    inAction(db, admin, (ctx) => addStudent(termId, { username: "dora4s" }, ctx));
    expect(() => inAction(db, admin, (ctx) => applyImport(termId, file, "replace", { fileHash: p.fileHash, version: p.version }, ctx))).toThrow(ActionError);
    expect(listStudents(db, termId).total).toBe(3);
  });

  it("replace removes who is missing, with one audit entry listing them", () => {
    const file = csv("Username\nanna1s\n");
    const p = previewImport(db, termId, file, "replace");
    inAction(db, admin, (ctx) => applyImport(termId, file, "replace", { fileHash: p.fileHash, version: p.version }, ctx));
    expect(listStudents(db, termId).rows.map((s) => s.username)).toEqual(["anna1s"]);
    const entry = db.select().from(auditLog).all().at(-1)!;
    expect(entry.action).toBe("roster.import");
    expect((entry.before as { removed: string[] }).removed.sort()).toEqual(["ben2s", "dora4s"]);
  });

  it("refuses files over 10 MB before parsing", () => {
    expect(() => previewImport(db, termId, Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), "merge")).toThrow(/10 MB/);
  });
});

describe("roster at 10,000 students", () => {
  it("pages and searches in the database", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `s${String(i).padStart(5, "0")}x`);
    const file = csv(`Username\n${rows.join("\n")}\n`);
    const p = previewImport(db, termId, file, "merge");
    inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx));
    const t0 = performance.now();
    const page = listStudents(db, termId, { page: 150, pageSize: 50 });
    const search = listStudents(db, termId, { q: "s0999" });
    const ms = performance.now() - t0;
    console.log(`roster page 150 + search over ${page.total} students: ${ms.toFixed(1)} ms`);
    expect(page.total).toBe(10_001);
    expect(page.rows).toHaveLength(50);
    expect(search.rows.map((r) => r.username)).toEqual(Array.from({ length: 10 }, (_, i) => `s0999${i}x`));
  });

  it("removes selected students", () => {
    const ids = listStudents(db, termId, { q: "s0000" }).rows.map((r) => r.id);
    expect(inAction(db, admin, (ctx) => removeStudents(termId, ids, ctx))).toBe(10);
  });
});
