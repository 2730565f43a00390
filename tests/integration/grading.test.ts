import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { createTranslator } from "use-intl/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can } from "@/lib/auth/capabilities";
import { ActionError } from "@/lib/auth/guard-types";
import { createCourse, createTerm } from "@/lib/courses/courses";
import { defaultMounts, termInput } from "@/lib/courses/schemas";
import { auditLog, students, submissionFiles, submissionScans, submissions, termStaff } from "@/lib/db/schema";
import { createTestDb } from "@/lib/test/db";
import { inAction, makeUser, principalOf } from "@/lib/test/factories";
import { studentValues } from "@/lib/rosters/roster";
import { resolveScope } from "@/lib/auth/scope";
import { listAssignments, setDeadline } from "@/lib/grading/assignments";
import { DEMO_DEADLINE, writeDemoExchange, writeDemoSubmission } from "@/lib/grading/demo";
import { exchangeStatus } from "@/lib/grading/exchange";
import { reportCsv, reportData, reportPdf } from "@/lib/grading/report";
import { getScan, latestScan, reconcileInterrupted, resumeScan, scanView, scheduleScan, startScan, stopScan, type ScanJobOptions } from "@/lib/grading/scans";
import { getSubmission, listSubmissions, lookupTermHashcode } from "@/lib/grading/submissions";
import { utcToZonedInput, zonedInputToUtc } from "@/lib/grading/time";
import { formatter } from "@/lib/i18n/format";
import { auditSummary } from "@/lib/i18n/audit-label";
import { MESSAGES } from "@/lib/i18n/messages";
import { withLocale } from "@/lib/i18n/t";

const REPO = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(REPO, ".venv/bin/python");
const E2X = path.join(REPO, "lib/submissions/reference/e2x_hash.py");

const t = createTestDb();
const db = t.db;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-grading-"));
afterAll(() => {
  t.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function py<T>(args: string[]): T {
  const r = spawnSync(PYTHON, [E2X, ...args], { encoding: "utf8", env: { ...process.env, PYTHONUTF8: "1" } });
  if (r.status !== 0) throw new Error(`e2x_hash.py ${args[0]} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const termValues = (courseId: number, term: string) =>
  termInput.parse({ courseId, term, hubs: ["assignment", "grading"], image: "ghcr.io/e2x/nb:1", cpuGuarantee: "500m", cpuLimit: "1", memGuarantee: "1Gi", memLimit: "2Gi", mounts: defaultMounts() });

let admin: ReturnType<typeof principalOf>;
let grader: ReturnType<typeof principalOf>;
let otherGrader: ReturnType<typeof principalOf>;
let termId: number;
let courseId: number;
let otherCourseId: number;
const root = path.join(tmp, "exchange");
const COURSE = "linalg-WS25";
const courseDir = path.join(root, COURSE);
const sheet: Record<string, string> = {};

async function scan(opts: ScanJobOptions & { assignmentName?: string } = {}) {
  const row = inAction(db, grader, (ctx) => startScan({ termId, root, assignmentName: opts.assignmentName }, ctx));
  await scheduleScan(db, row.id, opts);
  return getScan(db, row.id)!;
}

const auditOf = (action: string) => db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.id).all();
const de = createTranslator({ locale: "de", messages: MESSAGES.de });
const en = createTranslator({ locale: "en", messages: MESSAGES.en });

const byStudent = (): Record<string, typeof submissions.$inferSelect> => Object.fromEntries(db.select().from(submissions).where(eq(submissions.termId, termId)).all().filter((s) => s.counts).map((s) => [s.student, s]));

beforeAll(() => {
  admin = principalOf(db, makeUser(db, "admin").id);
  const c = inAction(db, admin, (ctx) => createCourse({ code: "linalg", title: "Lineare Algebra", description: "" }, ctx));
  const other = inAction(db, admin, (ctx) => createCourse({ code: "other", title: "Other", description: "" }, ctx));
  courseId = c.id;
  otherCourseId = other.id;
  termId = inAction(db, admin, (ctx) => createTerm(termValues(c.id, "WS25"), ctx)).id;
  const otherTerm = inAction(db, admin, (ctx) => createTerm(termValues(other.id, "WS25"), ctx)).id;
  const g = makeUser(db, "grader", "gustl");
  const o = makeUser(db, "grader", "otto");
  db.insert(termStaff).values([{ termId, userId: g.id, role: "grader" }, { termId: otherTerm, userId: o.id, role: "grader" }]).run();
  grader = principalOf(db, g.id);
  otherGrader = principalOf(db, o.id);
  db.insert(students).values(
    [
      { username: "alice", firstName: "Alice", lastName: "Ärger", matrikel: "100" },
      { username: "bob", firstName: "Bob", lastName: "Builder", matrikel: "101" },
      { username: "carol", firstName: "Carol", lastName: "Cruz", matrikel: "102" },
      { username: "zoe", firstName: "Zoë", lastName: "Zander", matrikel: "103" },
    ].map((s) => ({ termId, ...studentValues(s) })),
  ).run();

  // alice and bob through e2xgrader's own E2xExchangeSubmit (exam mode, SHA1SUM.txt)
  const home = path.join(tmp, "home");
  for (const [user, ts] of [["alice", "2025-11-03 10:00:00.000001 UTC"], ["bob", "2025-11-03 11:30:00.250000 UTC"]] as const) {
    fs.mkdirSync(path.join(home, user, "hw1", "data"), { recursive: true });
    fs.writeFileSync(path.join(home, user, "hw1", "hw1.ipynb"), JSON.stringify({ cells: [{ cell_type: "markdown", id: "a", metadata: {}, source: `answer of ${user}` }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    fs.writeFileSync(path.join(home, user, "hw1", "data", "x.csv"), "a,b\n1,2\n");
    const r = py<{ hashcode: string; dest: string }>(["submit", "--root", root, "--course", COURSE, "--assignment", "hw1", "--src", path.join(home, user), "--user", user, "--timestamp", ts, "--cache", path.join(tmp, "cache", user)]);
    sheet[user] = r.hashcode;
  }
  // carol twice, zoe without info file: written like e2xgrader does, with plain fs
  sheet.carol1 = writeDemoSubmission(courseDir, "hw1", { user: "carol", at: new Date("2025-11-03T12:00:00Z"), answer: "1" }, 1).hashcode;
  sheet.carol2 = writeDemoSubmission(courseDir, "hw1", { user: "carol", at: new Date("2025-11-05T12:00:00Z"), answer: "2" }, 2).hashcode;
  writeDemoSubmission(courseDir, "hw1", { user: "zoe", at: new Date("2025-11-03T13:00:00Z"), answer: "3", noInfoFile: true }, 3);
}, 120_000);

describe("grading: scans of a term's exchange", () => {
  it("scans, stores every submission with its files and computes statuses", async () => {
    expect(exchangeStatus(root, COURSE)).toMatchObject({ rootExists: true, courseDirExists: true, hasInbound: true });
    const s = await scan();
    expect(s).toMatchObject({ status: "completed", submissionsTotal: 5, submissionsDone: 5, checkpoint: null });
    expect(s.bytesHashed).toBeGreaterThan(0);
    const subs = byStudent();
    expect(Object.fromEntries(Object.entries(subs).map(([k, v]) => [k, v.status]))).toEqual({ alice: "verified", bob: "verified", carol: "verified", zoe: "missing-hashcode" });
    expect(subs.carol.flagKinds).toContain("several-submissions");
    expect(subs.carol.submittedAtUtc).toBe("2025-11-05T12:00:00.000002Z");
    const files = db.select().from(submissionFiles).where(eq(submissionFiles.submissionId, subs.alice.id)).all();
    expect(Object.fromEntries(files.map((f) => [f.path, f.status]))).toMatchObject({ "hw1.ipynb": "ok", "data/x.csv": "ok", "SHA1SUM.txt": "excluded", "alice_info.txt": "excluded", "timestamp.txt": "excluded" });
    const [a] = listAssignments(db, termId);
    expect(a).toMatchObject({ name: "hw1", submissions: 5, students: 4, verified: 3, missingHashcode: 1, several: 1 });
    const actions = db.select().from(auditLog).all().map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["grading.scan.start", "grading.scan.finish"]));
    // the log reads in the reader's language
    const started = auditOf("grading.scan.start").at(-1)!;
    expect(started.message?.key).toBe("scanStart");
    expect(auditSummary(de, started, "de")).toBe(`Abgleich der Abgaben in ${root}/${COURSE} gestartet`);
    const finished = auditOf("grading.scan.finish").at(-1)!;
    expect(finished.message?.key).toBe("scanFinish");
    expect(auditSummary(de, finished, "de")).toBe(`Abgleich #${s.id} von ${COURSE} fertig: 5 Abgabeordner, 3 bestätigt, 0 abweichend, 1 ohne Hashcode`);
    expect(auditSummary(en, finished, "en")).toBe(`Scan ${s.id} of ${COURSE} finished: 5 submission folders, 3 verified, 0 mismatch, 1 without hashcode`);
    expect(finished.summary).toBe(auditSummary(en, finished, "en"));
  });

  it("answers a hashcode typed from the sheet in lower case without dashes", () => {
    const typed = sheet.alice.toLowerCase().replace(/-/g, "");
    expect(sheet.alice).toBe(sheet.alice.toUpperCase());
    const r = lookupTermHashcode(db, termId, typed);
    expect(r).toMatchObject({ answer: "verified", matches: [{ student: "alice", status: "verified", counts: true }] });
    const typo = typed.slice(0, 11) + (typed[11] === "0" ? "1" : "0");
    expect(lookupTermHashcode(db, termId, typo)).toMatchObject({ answer: "no-match", nearMatches: [{ student: "alice" }] });
    expect(lookupTermHashcode(db, termId, "xyz").answer).toBe("malformed");
  });

  it("flags a file edited after the first scan on the next scan", async () => {
    const alice = byStudent().alice;
    fs.appendFileSync(path.join(courseDir, alice.key, "hw1.ipynb"), " ");
    await scan();
    const again = byStudent().alice;
    expect(again.id).toBe(alice.id);
    expect(again.status).toBe("mismatch");
    expect(again.flagKinds).toEqual(expect.arrayContaining(["mismatch", "changed-since-first-scan"]));
    expect(again.firstSeenFingerprint).toBe(alice.fingerprint);
    const detail = getSubmission(db, termId, alice.id)!;
    expect(detail.files.find((f) => f.path === "hw1.ipynb")?.status).toBe("changed");
    expect(lookupTermHashcode(db, termId, sheet.alice).answer).toBe("recorded-only");
    expect(listSubmissions(db, termId, "hw1", { flag: "changed-since-first-scan" }).rows.map((r) => r.student)).toEqual(["alice"]);
    expect(listSubmissions(db, termId, "hw1", { q: "Ärg" }).rows.map((r) => r.student)).toEqual(["alice"]);
    expect(listSubmissions(db, termId, "hw1", { q: "aerger" }).rows.map((r) => r.student)).toEqual(["alice"]);
    expect(listSubmissions(db, termId, "hw1", { all: true }).total).toBe(5);
    // printing reads every row of the filter in one page, in the order of the paged list
    const paged = [1, 2, 3].flatMap((page) => listSubmissions(db, termId, "hw1", { all: true, page, pageSize: 2 }).rows.map((r) => r.id));
    const printed = listSubmissions(db, termId, "hw1", { all: true, pageSize: "all" });
    expect(printed).toMatchObject({ total: 5, pages: 1, page: 1 });
    expect(printed.rows.map((r) => r.id)).toEqual(paged);
    expect(new Set(paged).size).toBe(5);
  });

  it("flags late submissions once a deadline is set, and counts the last one before it", () => {
    const a = listAssignments(db, termId)[0];
    const deadline = zonedInputToUtc("2025-11-04T23:59", "Europe/Berlin")!;
    expect(deadline.toISOString()).toBe("2025-11-04T22:59:00.000Z");
    expect(utcToZonedInput(deadline, "Europe/Berlin")).toBe("2025-11-04T23:59");
    inAction(db, grader, (ctx) => setDeadline(termId, a.id, deadline, ctx));
    const carol = db.select().from(submissions).where(eq(submissions.student, "carol")).all();
    const late = carol.find((s) => s.submittedAtUtc!.startsWith("2025-11-05"))!;
    const early = carol.find((s) => s.submittedAtUtc!.startsWith("2025-11-03"))!;
    expect(late.flagKinds).toContain("late");
    expect(late.counts).toBe(false);
    expect(early.counts).toBe(true);
    expect(listAssignments(db, termId)[0].late).toBe(0);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "grading.deadline.set")).all()).toHaveLength(1);
    // the deadline in the portal's time zone, as each reader writes a date
    const set = auditOf("grading.deadline.set").at(-1)!;
    expect([auditSummary(de, set, "de"), auditSummary(en, set, "en")]).toEqual([`Abgabefrist von hw1 auf ${formatter("de").dateTime(deadline)} gesetzt`, `Set the deadline of hw1 to ${formatter("en").dateTime(deadline)}`]);
    // a deadline before everything: nobody in time, the latest counts and is late
    inAction(db, grader, (ctx) => setDeadline(termId, a.id, new Date("2025-11-01T00:00:00Z"), ctx));
    expect(listAssignments(db, termId)[0].late).toBe(4);
    inAction(db, grader, (ctx) => setDeadline(termId, a.id, null, ctx));
    expect(listAssignments(db, termId)[0].late).toBe(0);
    const removed = auditOf("grading.deadline.set").at(-1)!;
    expect([auditSummary(de, removed, "de"), auditSummary(en, removed, "en")]).toEqual(["Abgabefrist von hw1 entfernt", "Removed the deadline of hw1"]);
    expect(() => inAction(db, grader, (ctx) => setDeadline(termId, 9999, null, ctx))).toThrow(ActionError);
  });

  it("refuses a second scan while one runs, stops, and resumes from the checkpoint after a restart", async () => {
    for (let i = 0; i < 8; i++) writeDemoSubmission(courseDir, "hw2", { user: `s${i}`, at: new Date(Date.UTC(2025, 10, 10, 9, i)), answer: String(i) }, 10 + i);
    const row = inAction(db, grader, (ctx) => startScan({ termId, root, assignmentName: "hw2" }, ctx));
    expect(() => inAction(db, grader, (ctx) => startScan({ termId, root }, ctx))).toThrow(/already running/);
    let stopped = false;
    await scheduleScan(db, row.id, {
      concurrency: 1,
      batchSize: 1,
      onBatch: (stored) => {
        if (stored === 3 && !stopped) {
          stopped = true;
          inAction(db, grader, (ctx) => stopScan({ termId, scanId: row.id }, ctx));
        }
      },
    });
    const paused = getScan(db, row.id)!;
    expect(paused.status).toBe("paused");
    // the note on the scan is the portal's own: the panel shows it in the reader's language
    expect(scanView(paused)).toMatchObject({ error: "Stopped. Resume to continue from the last checkpoint.", errorKey: "stopped" });
    const done = paused.checkpoint!.completed.length;
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(8);
    expect(db.select().from(submissions).where(eq(submissions.assignmentName, "hw2")).all()).toHaveLength(done);

    // as if the server had died mid-scan: the row still says running, no job exists
    db.update(submissionScans).set({ status: "running" }).where(eq(submissionScans.id, row.id)).run();
    // Reads show it as stopped, and write nothing (the progress poll reads this every 600 ms).
    const stored = () => db.select({ status: submissionScans.status, updatedAt: submissionScans.updatedAt }).from(submissionScans).where(eq(submissionScans.id, row.id)).get();
    const before = stored();
    const changes = db.$client.prepare("select total_changes() n").pluck();
    const writes = changes.get();
    expect(getScan(db, row.id)).toMatchObject({ status: "paused", error: expect.stringMatching(/server stopped/) });
    expect(scanView(getScan(db, row.id)!).errorKey).toBe("interrupted");
    expect(latestScan(db, termId)).toMatchObject({ id: row.id, status: "paused" });
    expect(changes.get()).toBe(writes);
    expect(stored()).toEqual(before);
    expect(before?.status).toBe("running");
    // The next write of the term's scans stores it.
    expect(reconcileInterrupted(db, termId)).toBe(1);
    expect(getScan(db, row.id)).toMatchObject({ status: "paused", error: expect.stringMatching(/server stopped/) });

    inAction(db, grader, (ctx) => resumeScan({ termId, scanId: row.id }, ctx));
    await scheduleScan(db, row.id);
    const finished = getScan(db, row.id)!;
    expect(finished).toMatchObject({ status: "completed", submissionsTotal: 8, submissionsDone: 8, submissionsSkipped: done });
    const hw2 = db.select().from(submissions).where(eq(submissions.assignmentName, "hw2")).all();
    expect(hw2).toHaveLength(8);
    expect(new Set(hw2.map((s) => s.status))).toEqual(new Set(["verified"]));
    // the assignment-only scan did not mark hw1 gone
    expect(db.select().from(submissions).where(eq(submissions.assignmentName, "hw1")).all().every((s) => s.goneAt === null)).toBe(true);
    expect(db.select().from(auditLog).all().map((r) => r.action)).toEqual(expect.arrayContaining(["grading.scan.stop", "grading.scan.resume"]));
    expect(auditSummary(de, auditOf("grading.scan.stop").at(-1)!, "de")).toBe(`Abgleich #${row.id} von ${COURSE} angehalten`);
    expect(auditSummary(de, auditOf("grading.scan.resume").at(-1)!, "de")).toBe(`Abgleich #${row.id} von ${COURSE} fortgesetzt (${done} Abgaben schon erledigt)`);
  });

  it("marks a submission removed from the exchange as gone on the next full scan", async () => {
    const zoe = byStudent().zoe;
    fs.rmSync(path.join(courseDir, zoe.key), { recursive: true });
    await scan();
    const row = db.select().from(submissions).where(eq(submissions.id, zoe.id)).get()!;
    expect(row.goneAt).not.toBeNull();
    expect(row.counts).toBe(false);
    expect(auditSummary(de, auditOf("grading.scan.finish").at(-1)!, "de")).toMatch(/, 1 nicht mehr im Austauschordner$/);
  });

  it("a grader of another course is refused; the scope comes from the term on the server", () => {
    const scope = resolveScope(db, { termId });
    expect(scope).toEqual({ courseId });
    expect(can(grader, "grading.verify", scope)).toBe(true);
    expect(can(grader, "grading.view", scope)).toBe(true);
    expect(can(otherGrader, "grading.view", scope)).toBe(false);
    expect(can(otherGrader, "grading.verify", scope)).toBe(false);
    expect(can(otherGrader, "grading.verify", { courseId: otherCourseId })).toBe(true);
    expect(can(grader, "grading.verify", resolveScope(db, { termId: 424242 }))).toBe(false);
  });
});

describe("grading: reports", () => {
  it("CSV and an A4 PDF listing every student with time, hashcode and status", async () => {
    const a = listAssignments(db, termId).find((x) => x.name === "hw1")!;
    const data = reportData(db, termId, a.id)!;
    expect(data.rows.map((r) => [r.student, r.status])).toEqual([["alice", "mismatch"], ["bob", "verified"], ["carol", "verified"]]);
    const csv = reportCsv(data);
    expect(csv.startsWith("\uFEFFstudent,name,matrikel,assignment,submitted_at_utc")).toBe(true);
    expect(csv).toContain(`bob,Bob Builder,101,hw1,2025-11-03T11:30:00.250000Z`);
    const pdf = await reportPdf(data, { generatedBy: "gustl (Gustl Grader)", generatedAt: new Date("2025-11-06T10:00:00Z") });
    const file = path.join(tmp, "report.pdf");
    fs.writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("Submission hashcodes");
    expect(text).toContain("linalg · Lineare Algebra");
    expect(text).toContain("hw1");
    // the matriculation number is on the board's copy
    expect(text).toMatch(/Matrikel/);
    expect(text).toMatch(/alice\s+Alice Ärger\s+100\s+2025-11-03 11:00:00\s+\S+\s+mismatch/);
    expect(text).toMatch(/bob\s+Bob Builder\s+101\s+2025-11-03 12:30:00\s+\S+\s+verified/);
    expect(text).toContain(sheet.bob.toLowerCase());
    expect(text).toMatch(/files differ,\s+changed\s+since\s+1st scan/);
    expect(text).toContain("Generated by gustl (Gustl Grader)");
    expect(text).toContain("Page 1 of 1");
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
  });

  it("the PDF speaks the reader's language: German for a German reader", async () => {
    const a = listAssignments(db, termId).find((x) => x.name === "hw1")!;
    const data = reportData(db, termId, a.id)!;
    const pdf = await withLocale("de", () => reportPdf(data, { generatedBy: "gustl (Gustl Grader)", generatedAt: new Date("2025-11-06T10:00:00Z") }));
    const file = path.join(tmp, "bericht.pdf");
    fs.writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("Hashcodes der Abgaben");
    expect(text).toMatch(/Semester\s+WS25 \(Kurs-ID in nbgrader: linalg-WS25\)/);
    expect(text).toMatch(/Frist\s+keine gesetzt/);
    expect(text).toMatch(/3 Studierende haben abgegeben · 2 bestätigt · 1 abweichend · 0 ohne Hashcode\s+· 0 verspätet/);
    expect(text).toMatch(/Kennung\s+Name\s+Matrikel\s+Abgegeben am\s+Hashcode\s+Status\s+Hinweise/);
    expect(text).toMatch(/alice\s+Alice Ärger\s+100\s+2025-11-03 11:00:00\s+\S+\s+abweichend\s+Dateien\s+weichen\s+ab,\s+seit\s+dem\s+1\.\s+Abgleich\s+geändert/);
    expect(text).toMatch(/carol\s+Carol Cruz\s+102\s+.*bestätigt\s+2 Versuche/);
    expect(text).toMatch(/bob\s+Bob Builder\s+101\s+2025-11-03 12:30:00\s+\S+\s+bestätigt/);
    expect(text).toContain("Zeiten in der Zeitzone Europe/Berlin.");
    expect(text).toContain("Erstellt von gustl (Gustl Grader) am 2025-11-06 11:00:00 (Europe/Berlin)");
    expect(text).toContain("Seite 1 von 1");
    expect(text).not.toMatch(/Submission hashcodes|verified|Page 1/);
  });

  it("numbers pages when the table runs over", async () => {
    const a = listAssignments(db, termId).find((x) => x.name === "hw1")!;
    const data = reportData(db, termId, a.id)!;
    data.rows = Array.from({ length: 120 }, (_, i) => ({ ...data.rows[1], student: `student${String(i).padStart(3, "0")}` }));
    const file = path.join(tmp, "long.pdf");
    fs.writeFileSync(file, await reportPdf(data, { generatedBy: "gustl" }));
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("Page 3 of 3");
    expect(text).toContain("student119");
  });
});

describe("grading: demo exchange", () => {
  // runs e2xgrader over 13 submissions in Python: seconds on a busy machine
  it("writes what e2xgrader 0.3.6 writes, and scans to the promised statuses", { timeout: 60_000 }, async () => {
    const demoRoot = path.join(tmp, "demo");
    const users = Array.from({ length: 12 }, (_, i) => `demo${i}`);
    const w = writeDemoExchange(demoRoot, "demo-WS25", users);
    expect(w.submissions).toBe(13);
    const dir = path.join(w.courseDir, "personalized-inbound", "demo0");
    const [folder] = fs.readdirSync(dir);
    const ref = py<{ sha1sum: { stored: string; rebuilt: string }; info: { hashcode: string } }>(["hash", path.join(dir, folder)]);
    expect(ref.sha1sum.stored).toBe(ref.sha1sum.rebuilt);
    expect(ref.info.hashcode).toBe(ref.sha1sum.stored);

    const demoTerm = inAction(db, admin, (ctx) => createTerm(termValues(courseId, "SS26"), ctx)).id;
    const rows = inAction(db, grader, (ctx) => startScan({ termId: demoTerm, root: demoRoot }, ctx));
    // the course folder is derived from the term (linalg-SS26): point it at the demo folder
    db.update(submissionScans).set({ courseId: "demo-WS25" }).where(eq(submissionScans.id, rows.id)).run();
    await scheduleScan(db, rows.id);
    const a = listAssignments(db, demoTerm).find((x) => x.name === "week1")!;
    inAction(db, grader, (ctx) => setDeadline(demoTerm, a.id, DEMO_DEADLINE, ctx));
    expect(listAssignments(db, demoTerm).find((x) => x.name === "week1")).toMatchObject({ submissions: 13, students: 12, verified: 10, mismatch: 1, missingHashcode: 1, late: 1, several: 1 });
  });
});
