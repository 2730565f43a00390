/**
 * Exam sheets bench, one run, same input for everyone:
 *
 *   portal (issue)   lib/exams/issue.ts issueSheets on a SQLite file: 600 one-time passwords
 *                    from the CSPRNG, scrypt hashes, the PDF, the hashes stored in one
 *                    transaction with the audit entry (what "Print all sheets" does)
 *   portal (PDF)     lib/exams/sheets.ts sheetsPdf alone, on the passwords the peer gets
 *   e2x-exam-sheets  ExamSheetGenerator.generate_pdf (PyPI 0.1.1, WeasyPrint 66) on the same
 *                    students, rooms, seats, usernames and passwords; timed inside Python
 *                    (imports excluded) and as a whole process
 *
 * Both PDFs are read back with pdftotext: every password and username must be in each.
 *
 * Environment: BENCH_STUDENTS (600), BENCH_ROOM_SEATS (60), BENCH_REPEAT (3, the fastest counts).
 * Results also go to bench/.out/exams-<time>.json.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { openDb } from "@/lib/db/client";
import { demoStudents } from "@/lib/db/seed";
import { courses, examParticipants, students, terms, users } from "@/lib/db/schema";
import { addParticipants, autoSeatExam, createExam, saveRoom, transitionExam } from "@/lib/exams/exams";
import { issueSheets } from "@/lib/exams/issue";
import { formatOtp, generateOtp } from "@/lib/exams/otp";
import { peerJob, runPeer } from "@/lib/exams/reference/peer";
import { examInput, roomInput } from "@/lib/exams/schemas";
import { sheetsPdf, type SheetExam, type SheetRoom } from "@/lib/exams/sheets";
import { inAction, principalOf } from "@/lib/test/factories";

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const N = env("BENCH_STUDENTS", 600);
const PER_ROOM = env("BENCH_ROOM_SEATS", 60);
const REPEAT = Math.max(1, env("BENCH_REPEAT", 3));
const ROOMS = Math.ceil(N / PER_ROOM);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-bench-exams-"));
process.env.TZ ||= "Europe/Berlin";

// roster: the demo generator's German names, every 15th from elsewhere
const WORLD: [string, string][] = [["Αλέξανδρος", "Παπαδόπουλος"], ["Анна", "Кузнецова"], ["Çağla", "Yılmaz"], ["Nguyễn", "Thị Minh Khai"], ["明", "王"], ["さくら", "山田"], ["지민", "박"], ["Zoë", "Ærøskøbing"]];
const roster = demoStudents(N).map((s, i) => (i % 15 === 7 ? { ...s, firstName: WORLD[(i / 15) % WORLD.length | 0][0], lastName: WORLD[(i / 15) % WORLD.length | 0][1] } : s));

function best<T>(runs: { ms: number; value: T }[]) {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}
const pages = (file: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
const text = (file: string) => execFileSync("pdftotext", [file, "-"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });

// ---- the portal, issuing for real on a SQLite file
const db = openDb(path.join(tmp, "portal.db"));
const admin = db.insert(users).values({ username: "admin", displayName: "Bench Admin", role: "admin", source: "local" }).returning().get();
const course = db.insert(courses).values({ code: "mathe1", title: "Mathematik für Informatiker 1" }).returning().get();
const term = db.insert(terms).values({ courseId: course.id, term: "SS26", hubs: ["exam"], image: "x/y:1", cpuGuarantee: "1", cpuLimit: "1", memGuarantee: "2Gi", memLimit: "2Gi", mounts: [] }).returning().get();
for (let i = 0; i < roster.length; i += 500) db.insert(students).values(roster.slice(i, i + 500).map((s) => ({ termId: term.id, ...s }))).run();
const me = principalOf(db, admin.id);
const exam = inAction(db, me, (ctx) =>
  createExam(examInput.parse({ termId: String(term.id), title: "Klausur Mathematik 1", period: "PZ1", date: "2030-07-22", start: "09:00", end: "11:00", graceMinutes: "5", language: "de", examiners: "Prof. Dr. Irene Instruktorin", headerLines: "Hochschule Bonn-Rhein-Sieg\nFachbereich Informatik\nB.Sc. Informatik" }), ctx),
);
for (let r = 0; r < ROOMS; r++) inAction(db, me, (ctx) => saveRoom(roomInput.parse({ examId: String(exam.id), name: `H-${String(100 + r).padStart(4, "0")}`, seats: String(PER_ROOM), cidrs: `10.20.${r}.0/24` }), ctx));
inAction(db, me, (ctx) => addParticipants(exam.id, { mode: "all", studentIds: [] }, ctx));
inAction(db, me, (ctx) => autoSeatExam(exam.id, "alphabetical", ctx));
inAction(db, me, (ctx) => transitionExam(exam.id, "schedule", undefined, ctx));

const issueRuns = [];
for (let i = 0; i < REPEAT; i++) issueRuns.push(await timed(() => issueSheets(db, me, exam.id, { kind: "all" })));
const issue = best(issueRuns);
const issueFile = path.join(tmp, "portal-issue.pdf");
fs.writeFileSync(issueFile, issue.value.pdf);
const stored = db.select().from(examParticipants).where(eq(examParticipants.examId, exam.id)).all();

// ---- the same input for the PDF-only comparison: rooms, seats, usernames, one password each
const byRoom = new Map<number, SheetRoom>();
const roomRows = db.query.examRooms.findMany({ where: (r, { eq: e }) => e(r.examId, exam.id), orderBy: (r, { asc }) => [asc(r.position)] }).sync();
for (const r of roomRows) byRoom.set(r.id, { name: r.name, people: [] });
for (const p of stored.sort((a, b) => (a.roomId! - b.roomId!) || a.seat! - b.seat!)) {
  byRoom.get(p.roomId!)!.people.push({ kind: p.kind, firstName: p.firstName, lastName: p.lastName, username: p.username, matrikel: p.matrikel, seat: p.seat, extraMinutes: p.extraMinutes, password: formatOtp(generateOtp()) });
}
const rooms = [...byRoom.values()];
const sheetExam: SheetExam = { title: exam.title, courseCode: "mathe1", courseTitle: course.title, term: "SS26", period: "PZ1", startsAt: exam.startsAt, endsAt: exam.endsAt, language: "de", examiners: exam.examiners, headerLines: exam.headerLines, supervisors: [] };
const pdfRuns = [];
for (let i = 0; i < REPEAT; i++) pdfRuns.push(await timed(() => sheetsPdf(sheetExam, rooms)));
const pdfOnly = best(pdfRuns);
const oursFile = path.join(tmp, "portal.pdf");
fs.writeFileSync(oursFile, pdfOnly.value);

// ---- the peer
const peerFile = path.join(tmp, "peer.pdf");
const peerRuns = [];
for (let i = 0; i < REPEAT; i++) peerRuns.push(await timed(() => runPeer(peerJob(sheetExam, rooms, peerFile))));
const peer = best(peerRuns);

// ---- same content
const oursText = text(oursFile);
const peerText = text(peerFile).replace(/\u00a0/g, " ");
const people = rooms.flatMap((r) => r.people);
const missing = (t: string) => people.filter((p) => !t.includes(p.password!) || !t.includes(p.username)).length;
const content = { peopleInPeer: people.length - missing(peerText), peopleInOurs: people.length - missing(oursText) };

const rows = [
  { contender: "portal: issue (CSPRNG + scrypt + PDF + store)", seconds: issue.ms / 1000, pages: pages(issueFile), mb: fs.statSync(issueFile).size / 1e6 },
  { contender: "portal: PDF only", seconds: pdfOnly.ms / 1000, pages: pages(oursFile), mb: fs.statSync(oursFile).size / 1e6 },
  { contender: "e2x-exam-sheets 0.1.1 (inside Python)", seconds: peer.value.seconds, pages: peer.value.pages, mb: fs.statSync(peerFile).size / 1e6 },
  { contender: "e2x-exam-sheets 0.1.1 (whole process)", seconds: peer.ms / 1000, pages: peer.value.pages, mb: fs.statSync(peerFile).size / 1e6 },
];
console.log(`\nExam sheets: ${people.length} students in ${rooms.length} rooms, best of ${REPEAT} (node ${process.version}, ${os.cpus().length} cores)\n`);
console.log("| contender | time (s) | pages | PDF (MB) |\n| --- | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.contender} | ${r.seconds.toFixed(2)} | ${r.pages} | ${r.mb.toFixed(2)} |`);
console.log(`\nspeed-up (PDF only vs peer inside Python): ${(peer.value.seconds / (pdfOnly.ms / 1000)).toFixed(1)}x; full issue vs peer process: ${(peer.ms / issue.ms).toFixed(1)}x`);
console.log(`content: passwords and usernames found by pdftotext: ours ${content.peopleInOurs}/${people.length}, peer ${content.peopleInPeer}/${people.length}`);
console.log(`runs (s): issue ${issueRuns.map((r) => (r.ms / 1000).toFixed(2)).join(", ")}; PDF ${pdfRuns.map((r) => (r.ms / 1000).toFixed(2)).join(", ")}; peer ${peerRuns.map((r) => r.value.seconds.toFixed(2)).join(", ")}`);
const outDir = path.resolve(import.meta.dirname, "../.out");
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, `exams-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify({ students: people.length, rooms: rooms.length, repeat: REPEAT, rows, content }, null, 2));
db.$client.close();
fs.rmSync(tmp, { recursive: true, force: true });
if (content.peopleInOurs !== people.length) process.exit(1);
