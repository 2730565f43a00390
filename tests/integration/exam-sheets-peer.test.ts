/**
 * Completeness against the real e2x-exam-sheets 0.1.1 (test venv, WeasyPrint 66): the same
 * students go through both; both PDFs are read back with pdftotext; every value the peer prints
 * on a student's sheets and on a room's supervision list must be on ours, and each of its
 * labels has our counterpart (German and English).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatOtp, generateOtp } from "@/lib/exams/otp";
import { peerJob, runPeer, sheetDate } from "@/lib/exams/reference/peer";
import { sheetsPdf, type SheetExam, type SheetRoom } from "@/lib/exams/sheets";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-peer-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NAMES: [string, string][] = [
  ["Jürgen", "Müller-Lüdenscheidt"],
  ["Αλέξανδρος", "Παπαδόπουλος"],
  ["Анна", "Кузнецова"],
  ["Çağla", "Yılmaz"],
  ["Nguyễn", "Thị Minh Khai"],
  ["明", "王"],
  ["さくら", "山田"],
  ["지민", "박"],
  ["Sophie", "O'Brien"],
  ["Zoë", "Ærøskøbing"],
];

function input(language: "de" | "en"): { exam: SheetExam; rooms: SheetRoom[] } {
  const people = NAMES.map(([firstName, lastName], i) => ({ kind: "student" as const, firstName, lastName, username: `mathe1-user${i}s`, matrikel: String(9100000 + i), seat: i + 1, extraMinutes: 0, password: formatOtp(generateOtp()) }));
  const backup = { kind: "backup" as const, firstName: "", lastName: "", username: "mathe1-backup-pz1-01", matrikel: null, seat: 12, extraMinutes: 0, password: formatOtp(generateOtp()) };
  const rooms: SheetRoom[] = [
    { name: "H-0102", people: people.slice(0, 6) },
    { name: "H-0112", people: [...people.slice(6).map((p, i) => ({ ...p, seat: i + 1 })), backup] },
  ];
  const exam: SheetExam = {
    title: "Mathematik für Informatiker 1",
    courseCode: "mathe1",
    courseTitle: "Mathematik für Informatiker 1",
    term: "SS26",
    period: "PZ1",
    startsAt: new Date("2030-07-22T07:00:00Z"),
    endsAt: new Date("2030-07-22T09:00:00Z"),
    language,
    examiners: ["Prof. Dr. Irene Instruktorin", "Dr. Paul Zweitprüfer"],
    headerLines: ["Hochschule Bonn-Rhein-Sieg", "Fachbereich Informatik", "B.Sc. Informatik"],
    supervisors: ["Susanne Aufsicht"],
  };
  return { exam, rooms };
}

const text = (file: string) => execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\u00a0/g, " ");
const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/** The peer's labels and ours (pdftotext wording). */
const LABELS = {
  de: { "Aufsichtsliste für": "Anwesenheitsliste", Modulprüfung: "Prüfung", "Prüfer 1": "Prüfende", "Anzahl Studierende": "Anzahl Studierende", Vorname: "Vorname", Platz: "Platz", Unterschrift: "Unterschrift", "Ort, Datum, Unterschrift Aufsichtsperson": "Ort, Datum, Unterschrift Aufsichtsperson", Abgeben: "ABGEBEN", Mitnehmen: "MITNEHMEN", Raum: "Raum", Datum: "Datum", Name: "Name", Info: "Info", Benutzername: "Benutzername", Passwort: "Passwort", "Bei Abgabe ausfüllen": "Bei Abgabe ausfüllen", "Platz für Notizen": "Platz für Notizen", Hashcode: "Hashcode", "Login Info": "Anmeldung" },
  en: { "Supervision List for": "Attendance list", Exam: "Exam", "Examiner 1": "Examiners", "Number of Students": "Number of students", "First Name": "First name", Seat: "Seat", Signature: "Signature", "Place, Date, Signature of Supervisor": "Place, date, signature of supervisor", "Hand In": "HAND IN", "Take Home": "TAKE HOME", Room: "Room", Date: "Date", Name: "Name", Info: "Info", Username: "Username", Password: "Password", "Fill In When Handing In": "Fill in when handing in", "Space for notes": "Space for notes", Hashcode: "Hashcode", "Login Info": "Login" },
} as const;

describe.each(["de", "en"] as const)("sheets against e2x-exam-sheets (%s)", (language) => {
  it("print every field the peer prints, per student and per room", async () => {
    const { exam, rooms } = input(language);
    const oursFile = path.join(dir, `ours-${language}.pdf`);
    const peerFile = path.join(dir, `peer-${language}.pdf`);
    fs.writeFileSync(oursFile, await sheetsPdf(exam, rooms));
    const peer = runPeer(peerJob(exam, rooms, peerFile));
    const theirs = text(peerFile);
    const ours = text(oursFile);
    const ourPages = ours.split("\f");
    const peerPages = theirs.split("\f");
    expect(peer.pages).toBeGreaterThan(0);

    // labels: each of the peer's has ours
    for (const [their, mine] of Object.entries(LABELS[language])) {
      expect(theirs, `peer label ${their}`).toContain(their);
      expect(ours, `our label for ${their}`).toContain(mine);
    }

    for (const room of rooms) {
      for (const p of room.people) {
        // the peer's pages about this student (two per seat) and ours (one per seat)
        const theirPages = peerPages.filter((t) => t.includes(p.password!));
        const minePage = ourPages.filter((t) => t.includes(p.password!));
        expect(theirPages.length, `peer pages of ${p.username}`).toBeGreaterThan(0);
        expect(minePage, `our page of ${p.username}`).toHaveLength(1);
        const values = [p.username, p.password!, room.name, String(p.seat), exam.title, sheetDate(exam)];
        if (p.kind === "student") values.push(p.firstName!, p.lastName!);
        for (const v of values) {
          for (const w of words(v)) {
            if (theirPages.some((t) => words(t).has(w))) expect(words(minePage[0]).has(w) || minePage[0].includes(w), `${w} (${p.username}) on our page`).toBe(true);
          }
        }
      }
      // the supervision list of this room and our attendance list
      const theirList = peerPages.find((t) => t.includes(language === "de" ? `Aufsichtsliste für ${room.name}` : `Supervision List for ${room.name}`))!;
      const myList = ourPages.find((t) => t.includes(language === "de" ? `Anwesenheitsliste · Raum ${room.name}` : `Attendance list · Room ${room.name}`))!;
      expect(theirList).toBeTruthy();
      expect(myList).toBeTruthy();
      const listed = [...exam.headerLines, exam.title, exam.term, ...exam.examiners, sheetDate(exam), String(room.people.filter((p) => p.kind === "student").length), ...room.people.filter((p) => p.kind === "student").flatMap((p) => [p.firstName!, p.lastName!, String(p.seat)])];
      for (const v of listed) {
        for (const w of words(v)) {
          if (words(theirList).has(w)) expect(words(myList).has(w) || myList.includes(w), `${w} on our attendance list of ${room.name}`).toBe(true);
        }
      }
      // and more: the backup accounts of the room are listed (the peer leaves them off)
      for (const b of room.people.filter((p) => p.kind === "backup")) {
        expect(theirList).not.toContain(b.username);
        expect(myList).toContain(b.username);
      }
    }
    // the peer prints two pages per seat plus the lists; ours one page per seat plus the lists
    const seats = rooms.reduce((n, r) => n + r.people.length, 0);
    expect(ourPages.filter((t) => t.trim()).length).toBe(seats + rooms.length);
  }, 120_000);
});
