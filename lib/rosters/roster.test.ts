import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/auth/guard-types";
import { auditLog, courses, rosterColumnMappings, students, terms } from "@/lib/db/schema";
import { defaultMounts } from "@/lib/courses/schemas";
import { withLocale } from "@/lib/i18n/t";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import type { ColumnMapping } from "./csv";
import { addStudent, applyImport, listStudents, previewImport, readRosterOffThread, rejectedRows, removeStudents, type ImportPreview, type PreviewResult } from "./roster";
import { rosterPoolStatus } from "./threads";

const t = createTestDb();
afterAll(() => t.cleanup());
const db = t.db;
let termId = 0;
let otherTermId = 0;
let foreignTermId = 0;
let admin: ReturnType<typeof principalOf>;

function makeTerm(code: string, term: string, courseId?: number) {
  const cid = courseId ?? db.insert(courses).values({ code, title: code }).returning().get().id;
  const id = db
    .insert(terms)
    .values({ courseId: cid, term, hubs: ["assignment"], image: "x/y:1", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "1Gi", mounts: defaultMounts() })
    .returning()
    .get().id;
  return { courseId: cid, termId: id };
}

beforeAll(() => {
  admin = principalOf(db, makeUser(db, "admin").id);
  const a = makeTerm("r1", "WS25");
  termId = a.termId;
  otherTermId = makeTerm("r1", "SS26", a.courseId).termId;
  foreignTermId = makeTerm("r2", "WS25").termId;
});

const csv = (s: string) => Buffer.from(s, "utf8");
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "__fixtures__", name));

function preview(term: number, file: Buffer, mode: "merge" | "replace", mapping?: ColumnMapping): ImportPreview {
  const p: PreviewResult = previewImport(db, term, file, mode, { mapping });
  if (p.kind !== "preview") throw new Error("expected a preview");
  return p;
}

function importFile(term: number, file: Buffer, mode: "merge" | "replace", opts: { mapping?: ColumnMapping; partial?: boolean } = {}) {
  const p = preview(term, file, mode, opts.mapping);
  return inAction(db, admin, (ctx) => applyImport(term, file, mode, { fileHash: p.fileHash, version: p.version }, ctx, opts));
}

describe("roster import", () => {
  it("previews without writing, then applies exactly the preview", () => {
    const file = csv("\uFEFFUsername;\r\nanna1s ;\r\nben2s;\r\nben2s;\r\n");
    const p = preview(termId, file, "merge");
    expect(p.diff.added.map((r) => r.username)).toEqual(["anna1s", "ben2s"]);
    expect(p.parsed.duplicates).toHaveLength(1);
    expect(p.mappingSource).toBe("detected");
    expect(listStudents(db, termId).total).toBe(0);
    const r = inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx));
    expect(r).toMatchObject({ added: 2, removed: 0, rejected: 0 });
    expect(listStudents(db, termId).rows.map((s) => s.username)).toEqual(["anna1s", "ben2s"]);
  });

  it("refuses a file with a rejected row and changes nothing", () => {
    const file = csv("Username\ncarl3s\nno way\n");
    const p = preview(termId, file, "merge");
    expect(p.parsed.invalid).toEqual([expect.objectContaining({ row: 3 })]);
    expect(() => inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx))).toThrow(/rejected row/);
    expect(listStudents(db, termId).total).toBe(2);
  });

  it("refuses to apply onto a roster that changed since the preview", () => {
    const file = csv("Username\nanna1s\n");
    const p = preview(termId, file, "replace");
    expect(p.diff.removed.map((r) => r.username)).toEqual(["ben2s"]);
    inAction(db, admin, (ctx) => addStudent(termId, { username: "dora4s" }, ctx));
    expect(() => inAction(db, admin, (ctx) => applyImport(termId, file, "replace", { fileHash: p.fileHash, version: p.version }, ctx))).toThrow(ActionError);
    expect(listStudents(db, termId).total).toBe(3);
  });

  it("replace removes who is missing, with one audit entry listing them", () => {
    importFile(termId, csv("Username\nanna1s\n"), "replace");
    expect(listStudents(db, termId).rows.map((s) => s.username)).toEqual(["anna1s"]);
    const entry = db.select().from(auditLog).all().at(-1)!;
    expect(entry.action).toBe("roster.import");
    expect((entry.before as { removed: string[] }).removed.sort()).toEqual(["ben2s", "dora4s"]);
  });

  it("refuses files over 10 MB before parsing", () => {
    expect(() => previewImport(db, termId, Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), "merge")).toThrow(/10 MB/);
  });

  it("keeps every field of an E2x exam list: FB02UID, matriculation no. with its zeros, room, seat, date", () => {
    importFile(termId, fixture("e2x/brsu_digital_exam_tools/exam_complete_list_output.csv"), "merge");
    const s = db.select().from(students).where(eq(students.username, "test02s")).get()!;
    expect(s).toMatchObject({ universityId: "test02s", displayName: "Test User 0", matrikel: "012345", room: "C175", seat: "0", examDate: "22.03.2019", isBackup: null });
    importFile(termId, fixture("exam-sheet-backup.csv"), "merge", { partial: true });
    expect(db.select().from(students).where(eq(students.username, "exam-spare1")).get()).toMatchObject({ isBackup: true, room: "C-116" });
    expect(db.select().from(students).where(eq(students.username, "exam-001")).get()).toMatchObject({ isBackup: false, firstName: "Jürgen" });
    // an update keeps what the file does not say and takes what it does
    importFile(termId, csv("username,is_backup,seat\nexam-spare1,no,7\ntest02s,yes,\n"), "merge");
    expect(db.select().from(students).where(eq(students.username, "exam-spare1")).get()).toMatchObject({ isBackup: false, seat: "7", room: "C-116" });
    expect(db.select().from(students).where(eq(students.username, "test02s")).get()).toMatchObject({ isBackup: true, seat: "0", matrikel: "012345" });
  });
});

describe("partial import", () => {
  const file = csv("Name,FB02UID,Matrikel,Raum,Platz,Date\nP One,part1s,1,R,1,d\nP Bad,bad user,2,R,2,d\nP Two,part2s,3,R,3,d\nP One,part1s,1,R,9,d\n");

  it("imports the valid rows only when asked, and the rejected rows come as a CSV", () => {
    const p = preview(otherTermId, file, "merge");
    expect(p.parsed.rows.map((r) => r.username)).toEqual(["part1s", "part2s"]);
    expect(p.parsed.invalid.map((i) => i.row)).toEqual([3, 5]);
    const rejected = rejectedRows(db, otherTermId, file);
    expect(rejected.rows).toBe(2);
    expect(rejected.csv.split("\r\n").slice(0, 3)).toEqual([
      "\uFEFFName,FB02UID,Matrikel,Raum,Platz,Date,Row in file,Problem",
      `P Bad,bad user,2,R,2,d,3,"user name ""bad user"" is not allowed (letters a-z, digits and . _ @ - only, starting with a letter or digit, at most 64 characters)"`,
      "P One,part1s,1,R,9,d,5,part1s is already on row 2 with a different seat",
    ]);
    expect(() => importFile(otherTermId, file, "merge")).toThrow(/import only the valid rows/);
    const r = importFile(otherTermId, file, "merge", { partial: true });
    expect(r).toMatchObject({ added: 2, rejected: 2 });
    const entry = db.select().from(auditLog).all().at(-1)!;
    expect(entry.summary).toMatch(/valid rows only.*2 rows rejected/);
    expect((entry.after as { rejected: { row: number }[] }).rejected.map((x) => x.row)).toEqual([3, 5]);
  });

  it("a partial replace keeps the students whose row was rejected", () => {
    const again = csv("Name,FB02UID,Matrikel,Raum,Platz,Date\nP Two,part2s,3,R,3,d\nP One,part1s,1,R,1,d,extra\n");
    const p = preview(otherTermId, again, "replace");
    expect(p.diff.removed).toEqual([]);
    expect(p.diff.kept.map((k) => k.username)).toEqual(["part1s"]);
    const r = importFile(otherTermId, again, "replace", { partial: true });
    expect(r).toMatchObject({ removed: 0, rejected: 1, kept: 1 });
    expect(listStudents(db, otherTermId).rows.map((s) => s.username)).toEqual(["part1s", "part2s"]);
  });

  it("a file without a single valid row imports nothing", () => {
    expect(() => importFile(otherTermId, csv("Username\nno way\n"), "merge", { partial: true })).toThrow(/no valid rows/);
  });
});

describe("column mappings", () => {
  const headerless = fixture("e2x/brsu_digital_exam_tools/headerless-2019/exam_complete_list.csv");

  it("a headerless file asks for the mapping, with the first rows and a suggestion", () => {
    const p = previewImport(db, termId, headerless, "merge");
    expect(p.kind).toBe("needs-mapping");
    if (p.kind !== "needs-mapping") return;
    expect(p.step.first).toEqual({ row: 1, cells: ["Test User 0", "test02s", "012345", "C175", "0", "22.03.2019"] });
    expect(p.step.rows[0]).toEqual({ row: 2, cells: ["Test User 1", "test12s", "012345", "C175", "1", "22.03.2019"] });
    expect(p.step.suggestion).toEqual({ hasHeader: false, columns: ["displayName", "universityId", "matrikel", "room", "seat", "examDate"] });
    expect(p.message).toMatch(/Choose what each column means/);
  });

  it("the chosen mapping is remembered for the course and used for the next file of that shape", () => {
    const mapping: ColumnMapping = { hasHeader: false, columns: ["displayName", "universityId", "matrikel", "room", null, "examDate"] };
    const r = importFile(termId, headerless, "merge", { mapping });
    expect(r.added).toBe(0); // test02s ... test92s came with the output list already
    expect(db.select().from(rosterColumnMappings).all()).toEqual([
      expect.objectContaining({ signature: "columns:6", mapping, updatedById: admin.id }),
    ]);
    // another term of the same course: applied without asking
    const next = previewImport(db, otherTermId, headerless, "merge");
    expect(next.kind).toBe("preview");
    if (next.kind === "preview") {
      expect(next.mappingSource).toBe("remembered");
      expect(next.parsed.mapping).toEqual(mapping);
      expect(next.parsed.notKept).toEqual([{ column: "Column 5", index: 4, reason: "no-meaning", values: 10 }]);
    }
    // another course has its own mappings
    expect(previewImport(db, foreignTermId, headerless, "merge").kind).toBe("needs-mapping");
  });

  it("a file whose header names its columns is read by its header, not by a remembered column count", () => {
    const p = preview(termId, fixture("e2x/brsu_digital_exam_tools/exam_complete_list.csv"), "merge");
    expect(p.mappingSource).toBe("detected");
    expect(p.parsed.format).toBe("exam-input");
  });

  it("a mapping that does not fit is refused with the reason", () => {
    expect(() => previewImport(db, termId, headerless, "merge", { mapping: { hasHeader: false, columns: ["username"] } })).toThrow(/mapping has 1 columns, the file 6/);
  });
});

describe("reading on a roster thread", () => {
  const headerless = fixture("e2x/brsu_digital_exam_tools/headerless-2019/exam_complete_list.csv");

  it("previews, applies and writes the rejected rows from a file read off the request's thread, as when read in it", async () => {
    const { termId: tid } = makeTerm("r3", "WS25");
    const file = csv("Username;Nachname;Matrikel\nAnna.B;Bär;0042\nbad name!;X;1\ncarl;Czerny;7\n");
    const read = await readRosterOffThread(db, tid, file);
    expect(rosterPoolStatus().started).toBeGreaterThan(0);
    const here = previewImport(db, tid, file, "merge");
    const there = previewImport(db, tid, read, "merge");
    expect(there).toEqual(here);
    if (there.kind !== "preview") throw new Error("no preview");
    expect(there.parsed.rows.map((r) => r.username)).toEqual(["anna.b", "carl"]);
    expect(rejectedRows(db, tid, await readRosterOffThread(db, tid, file, { rejected: true })).csv).toBe(rejectedRows(db, tid, file).csv);
    const r = inAction(db, admin, (ctx) => applyImport(tid, read, "merge", { fileHash: there.fileHash, version: there.version }, ctx, { partial: true }));
    expect(r).toMatchObject({ added: 2, rejected: 1 });
    // the search key came from the thread: the stored student is found as Germans type
    expect(listStudents(db, tid, { q: "baer" }).rows.map((s) => s.username)).toEqual(["anna.b"]);
  });

  it("a German reader gets the thread's sentences in German: rejected rows, warnings, the CSV of rejected rows", async () => {
    const { termId: tid } = makeTerm("r4", "WS25");
    // Windows-1252 (German Excel), one row without a user name, one with a bad backup flag, a password column
    const file = Buffer.from("Username;Nachname;Ersatz;Passwort\r\nmueller;M\xfcller;ja;geheim\r\n;Leer;nein;x\r\nkarl;K;vielleicht;y\r\n", "latin1");
    const read = await withLocale("de", () => readRosterOffThread(db, tid, file));
    if (read.kind !== "parsed") throw new Error("not parsed");
    expect(read.parsed.invalid.map((r) => r.reason)).toEqual(["der Benutzername ist leer", "die Ersatzplatz-Angabe „vielleicht“ ist weder ja noch nein"]);
    expect(read.parsed.warnings).toContain("Die Datei ist nicht UTF-8; sie wurde als Windows-1252 gelesen (die übliche Kodierung von Excel unter deutschem Windows). Prüfen Sie die Umlaute in der Vorschau.");
    expect(read.parsed.warnings.join(" ")).toMatch(/Die Passwort-Spalte wurde verworfen \(3 Werte\)/);
    const rejected = await withLocale("de", () => readRosterOffThread(db, tid, file, { rejected: true }));
    expect(rejectedRows(db, tid, rejected).csv.split("\r\n")[0]).toMatch(/;Zeile in der Datei;Problem$/);
    // the same file for an English reader, on the same threads
    const en = await withLocale("en", () => readRosterOffThread(db, tid, file));
    expect(en.kind === "parsed" && en.parsed.invalid[0].reason).toBe("the user name is empty");
  });

  it("uses the course's remembered mapping, and refuses a mapping that does not fit with the reason next to the field", async () => {
    const mapping: ColumnMapping = { hasHeader: false, columns: ["displayName", "universityId", "matrikel", "room", null, "examDate"] };
    const read = await readRosterOffThread(db, otherTermId, headerless);
    expect(read.kind === "parsed" && read.mappingSource).toBe("remembered");
    expect(read.kind === "parsed" && read.parsed.mapping).toEqual(mapping);
    const refused = await readRosterOffThread(db, termId, headerless, { mapping: { hasHeader: false, columns: ["username"] } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ActionError);
    expect((refused as ActionError).fieldErrors?.mapping?.[0]).toMatch(/mapping has 1 columns, the file 6/);
  });
});

describe("manual add", () => {
  it("uses the one username rule", () => {
    const row = inAction(db, admin, (ctx) => addStudent(foreignTermId, { username: " Alice ", firstName: "Alice", matrikel: "00123" }, ctx));
    expect(row).toMatchObject({ username: "alice", matrikel: "00123" });
    expect(() => inAction(db, admin, (ctx) => addStudent(foreignTermId, { username: "ALICE" }, ctx))).toThrow(/Already on the roster/);
    // an import of "alice" updates the same student
    const p = preview(foreignTermId, csv("Username,Name\nALICE,Alice Liddell\n"), "merge");
    expect(p.diff.added).toEqual([]);
    expect(p.diff.updated.map((u) => u.username)).toEqual(["alice"]);
  });
});

describe("roster at 10,000 students", () => {
  let big = 0;
  beforeAll(() => {
    big = makeTerm("big", "WS25").termId;
  });

  it("imports, pages and searches in the database as Germans type", () => {
    const termId = big;
    const lines = ["Name;FB02UID;Matrikel;Raum;Platz;Date"];
    const last = ["Müller", "Straße", "Weiß", "Öztürk", "Meier", "Groß", "Schäfer", "Fischer"];
    for (let i = 0; i < 10_000; i++) lines.push(`"${last[i % last.length]}, Kim ${i}";s${String(i).padStart(5, "0")}x;${String(90_000 + i).padStart(7, "0")};C-${100 + (i % 20)};${i % 150};24.07.2025`);
    const file = csv(`\uFEFF${lines.join("\r\n")}\r\n`);
    const t0 = performance.now();
    const p = preview(termId, file, "merge");
    const t1 = performance.now();
    inAction(db, admin, (ctx) => applyImport(termId, file, "merge", { fileHash: p.fileHash, version: p.version }, ctx));
    const t2 = performance.now();
    console.log(`roster import of 10,000 rows: preview ${(t1 - t0).toFixed(0)} ms, apply ${(t2 - t1).toFixed(0)} ms`);

    const timed = <T,>(fn: () => T): [T, number] => {
      const s = performance.now();
      const r = fn();
      return [r, performance.now() - s];
    };
    const [page, pageMs] = timed(() => listStudents(db, termId, { page: 150, pageSize: 50 }));
    expect(page.total).toBe(10_000);
    expect(page.rows).toHaveLength(50);
    const cases: [string, (r: { displayName: string | null; username: string; matrikel: string | null }) => boolean, number][] = [
      ["mueller", (r) => r.displayName!.startsWith("Müller"), 1250],
      ["muller", (r) => r.displayName!.startsWith("Müller"), 1250],
      ["Müller", (r) => r.displayName!.startsWith("Müller"), 1250],
      ["strasse", (r) => r.displayName!.startsWith("Straße"), 1250],
      ["weiss s01234x", (r) => r.displayName === "Weiß, Kim 1234", 1],
      ["Kim, Weiß", (r) => r.displayName!.startsWith("Weiß"), 1250],
      ["oeztuerk", (r) => r.displayName!.startsWith("Öztürk"), 1250],
      ["0090123", (r) => r.matrikel === "0090123", 1],
      ["90123", (r) => r.matrikel === "0090123", 1],
      ["s00123x", (r) => r.username === "s00123x", 1],
    ];
    const times: string[] = [];
    for (const [q, ok, n] of cases) {
      const [res, ms] = timed(() => listStudents(db, termId, { q, pageSize: 500 }));
      times.push(`${q}: ${ms.toFixed(1)} ms`);
      expect(res.total, q).toBe(n);
      expect(res.rows.every(ok), q).toBe(true);
    }
    console.log(`roster page 150: ${pageMs.toFixed(1)} ms; search over ${page.total} students: ${times.join(", ")}`);
  });

  it("removes selected students", () => {
    const ids = listStudents(db, big, { q: "s0000" }).rows.map((r) => r.id);
    expect(inAction(db, admin, (ctx) => removeStudents(big, ids, ctx))).toBe(10);
  });
});
