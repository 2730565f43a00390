/**
 * The e2x-exam-sheets peer on the same input as ours (tests and bench): our SheetExam and rooms
 * become its DataFrame rows and constructor arguments; it runs in the test venv.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { portalTimeZone } from "@/lib/grading/time";
import type { SheetExam, SheetRoom } from "../sheets";

const REPO = path.resolve(import.meta.dirname, "../../..");
export const PYTHON = path.join(REPO, ".venv/bin/python");
const SCRIPT = path.join(import.meta.dirname, "peer_sheets.py");

/** The date as our sheets print it, so both show the same text. */
export function sheetDate(exam: SheetExam): string {
  return new Intl.DateTimeFormat(exam.language === "de" ? "de-DE" : "en-GB", { timeZone: portalTimeZone(), day: "2-digit", month: "2-digit", year: "numeric" }).format(exam.startsAt);
}

export function peerJob(exam: SheetExam, rooms: readonly SheetRoom[], out: string) {
  return {
    out,
    language: exam.language,
    date: sheetDate(exam),
    semester: exam.term,
    exam_name: exam.title,
    examiners: exam.examiners,
    university_name: exam.headerLines[0] ?? "",
    department_name: exam.headerLines[1] ?? "",
    degree_program: exam.headerLines[2] ?? "",
    students: rooms.flatMap((r) =>
      r.people.map((p) => ({ first_name: p.firstName ?? "", last_name: p.lastName ?? "", room: r.name, seat: p.seat, username: p.username, password: p.password ?? "", is_backup: p.kind === "backup" })),
    ),
  };
}

export function runPeer(job: ReturnType<typeof peerJob>): { seconds: number; pages: number } {
  if (!fs.existsSync(PYTHON)) throw new Error(`test venv missing: ${PYTHON} (bash scripts/provision/python.sh creates it)`);
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(job), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`e2x-exam-sheets failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}
