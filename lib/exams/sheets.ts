/**
 * The printed exam documents (A4 PDF, pdf-lib with embedded font subsets), German or English
 * per exam:
 *
 *   password sheets   per room: the attendance list, then one page per participant in seat
 *                     order, cut in three by dashed lines with scissors and crop marks:
 *                     1. seat card (surname, first name, exam, room, seat) for the desk,
 *                     2. hand-in slip (exam, date and time, room / seat, name, login box with
 *                        hub address, username and one-time password, hashcode boxes 3 × 4 as
 *                        e2xgrader shows the code, signature line),
 *                     3. take-home slip (exam, date, room / seat, name, the same hashcode
 *                        boxes, space for notes).
 *   attendance list   per room for the supervisor: header lines, exam, term, examiners, date
 *                     and time, supervisors, counts; Surname | First name | Seat | Username |
 *                     Matr. no. | Extra time | Signature | Info; the room's backup accounts
 *                     with blank name and signature fields; supervisor signature line.
 *   seating plan      per room: who sits where, by seat and alphabetically (for the door).
 *
 * Exports: sheetsPdf, attendancePdf, seatingPlanPdf, SheetExam, SheetPerson, SheetRoom, LABELS
 */
import { PDFDocument, rgb, type PDFEmbeddedPage, type PDFPage } from "pdf-lib";
import { portalTimeZone } from "@/lib/grading/time";
import type { SheetLanguage } from "@/lib/db/schema/exams";
import { loadFontSet, type FontSet, type FontStyle } from "./fonts";
import { compareByName } from "./seating";

export interface SheetExam {
  title: string;
  courseCode: string;
  courseTitle: string;
  term: string;
  period: string;
  startsAt: Date;
  endsAt: Date;
  language: SheetLanguage;
  examiners: string[];
  headerLines: string[];
  supervisors: string[];
  /** Address of the exam hub, printed in the login box when known. */
  loginUrl?: string;
}

export interface SheetPerson {
  kind: "student" | "backup";
  firstName: string | null;
  lastName: string | null;
  username: string;
  matrikel: string | null;
  seat: number | null;
  extraMinutes: number;
  /** Only while the sheet is produced; formatted in groups. */
  password?: string;
}

export interface SheetRoom {
  name: string;
  people: SheetPerson[];
}

export const LABELS = {
  de: {
    attendance: "Anwesenheitsliste",
    room: "Raum",
    seat: "Platz",
    roomSeat: "Raum / Platz",
    exam: "Prüfung",
    term: "Semester",
    examiners: "Prüfende",
    date: "Datum",
    time: "Zeit",
    supervisors: "Aufsicht",
    students: "Anzahl Studierende",
    backups: "Ersatzkonten",
    lastName: "Nachname",
    firstName: "Vorname",
    username: "Benutzername",
    password: "Passwort",
    matrikel: "Matr.-Nr.",
    extra: "Zeitzuschlag",
    signature: "Unterschrift",
    info: "Info",
    name: "Name",
    supervisorSignature: "Ort, Datum, Unterschrift Aufsichtsperson",
    seatCard: "Platzkarte",
    handIn: "Abgeben",
    takeHome: "Mitnehmen",
    loginInfo: "Anmeldung",
    address: "Adresse",
    fillIn: "Bei Abgabe ausfüllen",
    notes: "Platz für Notizen",
    hashcodeHint: "Den Hashcode zeigt das Notebook nach der Abgabe an.",
    passwordHint: "Einmalpasswort: gilt nur für diese Prüfung. Bindestriche und Groß-/Kleinschreibung sind egal.",
    backup: "Ersatzkonto",
    backupHint: "Ersatzkonto: Name und Matrikelnummer eintragen.",
    backupsNote: "wer eines nutzt, trägt Name und Matrikelnummer ein",
    cut: "hier abtrennen",
    page: "Seite",
    of: "von",
    minutes: "Min.",
    bySeat: "Sitzplan nach Platz",
    byName: "Sitzplan nach Namen",
    free: "frei",
    blocked: "gesperrt",
    printed: "Gedruckt",
  },
  en: {
    attendance: "Attendance list",
    room: "Room",
    seat: "Seat",
    roomSeat: "Room / Seat",
    exam: "Exam",
    term: "Semester",
    examiners: "Examiners",
    date: "Date",
    time: "Time",
    supervisors: "Supervisors",
    students: "Number of students",
    backups: "Backup accounts",
    lastName: "Last name",
    firstName: "First name",
    username: "Username",
    password: "Password",
    matrikel: "Matr. no.",
    extra: "Extra time",
    signature: "Signature",
    info: "Info",
    name: "Name",
    supervisorSignature: "Place, date, signature of supervisor",
    seatCard: "Seat card",
    handIn: "Hand in",
    takeHome: "Take home",
    loginInfo: "Login",
    address: "Address",
    fillIn: "Fill in when handing in",
    notes: "Space for notes",
    hashcodeHint: "The notebook shows the hashcode after you submit.",
    passwordHint: "One-time password: valid for this exam only. Dashes and case do not matter.",
    backup: "Backup account",
    backupHint: "Backup account: write your name and matriculation number.",
    backupsNote: "whoever uses one writes their name and matriculation number",
    cut: "cut here",
    page: "Page",
    of: "of",
    minutes: "min",
    bySeat: "Seating plan by seat",
    byName: "Seating plan by name",
    free: "free",
    blocked: "blocked",
    printed: "Printed",
  },
} as const;
type Labels = (typeof LABELS)[SheetLanguage];

const A4: [number, number] = [595.28, 841.89];
const M = 42;
const INK = rgb(0.08, 0.09, 0.11);
const MUTED = rgb(0.38, 0.4, 0.45);
const RULE = rgb(0.55, 0.57, 0.6);
const LIGHT = rgb(0.93, 0.94, 0.96);

/** "Montag, 22.07.2030" / "Monday, 22/07/2030": the weekday and the short date the slips print. */
function fmtDate(d: Date, lang: SheetLanguage): string {
  const weekday = new Intl.DateTimeFormat(lang === "de" ? "de-DE" : "en-GB", { timeZone: portalTimeZone(), weekday: "long" }).format(d);
  return `${weekday}, ${fmtShortDate(d, lang)}`;
}
function fmtShortDate(d: Date, lang: SheetLanguage): string {
  return new Intl.DateTimeFormat(lang === "de" ? "de-DE" : "en-GB", { timeZone: portalTimeZone(), day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
}
function fmtTime(d: Date): string {
  return new Intl.DateTimeFormat("de-DE", { timeZone: portalTimeZone(), hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
}
function timeRange(e: SheetExam): string {
  return `${fmtTime(e.startsAt)}–${fmtTime(e.endsAt)}${e.language === "de" ? " Uhr" : ""}`;
}
function fullName(p: SheetPerson): string {
  return [p.firstName, p.lastName].filter(Boolean).join(" ");
}

/** Every data text a document prints, so the font set embeds what it needs. */
function dataTexts(exam: SheetExam, rooms: readonly SheetRoom[]): string[] {
  return [exam.title, exam.courseTitle, ...exam.examiners, ...exam.headerLines, ...exam.supervisors, ...rooms.flatMap((r) => [r.name, ...r.people.flatMap((p) => [p.firstName ?? "", p.lastName ?? "", p.username])])];
}

async function newDoc(exam: SheetExam, title: string) {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setSubject(`${exam.courseCode} ${exam.term} ${exam.period}`);
  doc.setCreator("E2x Hub Portal");
  doc.setProducer("E2x Hub Portal (pdf-lib)");
  doc.setLanguage(exam.language === "de" ? "de-DE" : "en-GB");
  return doc;
}

class Writer {
  constructor(
    readonly fonts: FontSet,
    readonly page: PDFPage,
  ) {}
  text(s: string, x: number, y: number, size: number, style: FontStyle = "regular", opts: { color?: ReturnType<typeof rgb>; maxWidth?: number } = {}) {
    return this.fonts.draw(this.page, s, { x, y, size, style, color: opts.color ?? INK, maxWidth: opts.maxWidth });
  }
  /** Wraps at spaces within `width`; returns the y below the last line. */
  wrap(s: string, x: number, y: number, size: number, width: number, color = INK) {
    let line = "";
    for (const word of s.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (line && this.fonts.width(next, size, "regular") > width) {
        this.text(line, x, y, size, "regular", { color });
        y -= size + 2;
        line = word;
      } else line = next;
    }
    if (line) this.text(line, x, y, size, "regular", { color, maxWidth: width });
    return y - size - 2;
  }
  /** Shrinks to fit one line, down to `min`. */
  fitText(s: string, x: number, y: number, size: number, width: number, style: FontStyle = "regular", min = 7) {
    const sz = this.fonts.fitSize(s, size, width, style, min);
    return this.text(s, x, y, sz, style, { maxWidth: width });
  }
  center(s: string, cx: number, y: number, size: number, width: number, style: FontStyle = "regular", min = 8) {
    const sz = this.fonts.fitSize(s, size, width, style, min);
    const w = Math.min(this.fonts.width(s, sz, style), width);
    this.text(s, cx - w / 2, y, sz, style, { maxWidth: width });
  }
  line(x1: number, y1: number, x2: number, y2: number, thickness = 0.6, color = RULE, dash?: number[]) {
    this.page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness, color, dashArray: dash });
  }
  box(x: number, y: number, w: number, h: number, opts: { fill?: ReturnType<typeof rgb>; border?: ReturnType<typeof rgb>; thickness?: number } = {}) {
    this.page.drawRectangle({ x, y, width: w, height: h, color: opts.fill, borderColor: opts.border ?? (opts.fill ? undefined : RULE), borderWidth: opts.fill && !opts.border ? 0 : (opts.thickness ?? 0.8) });
  }
}

// ---------------------------------------------------------------------------------------------
// Attendance list

function drawAttendance(doc: PDFDocument, fonts: FontSet, exam: SheetExam, room: SheetRoom, L: Labels): PDFPage[] {
  const pages: PDFPage[] = [];
  const students = room.people.filter((p) => p.kind === "student").sort(compareByName);
  const backups = room.people.filter((p) => p.kind === "backup").sort((a, b) => (a.seat ?? 0) - (b.seat ?? 0));
  const width = A4[0] - 2 * M;
  const cols = [
    { key: "lastName", label: L.lastName, w: 88 },
    { key: "firstName", label: L.firstName, w: 78 },
    { key: "seat", label: L.seat, w: 30 },
    { key: "username", label: L.username, w: 92 },
    { key: "matrikel", label: L.matrikel, w: 50 },
    { key: "extra", label: L.extra, w: 62 },
    { key: "signature", label: L.signature, w: 0 },
    { key: "info", label: L.info, w: 30 },
  ];
  cols[6].w = width - cols.reduce((n, c) => n + c.w, 0);
  const rowH = 19;
  let w!: Writer;
  let y = 0;
  const header = () => {
    let x = M;
    w.box(M, y - 6, width, rowH, { fill: LIGHT });
    for (const c of cols) {
      w.text(c.label, x + 3, y, 7.5, "bold", { maxWidth: c.w - 5 });
      x += c.w;
    }
    y -= rowH;
  };
  const newPage = (first: boolean) => {
    const page = doc.addPage(A4);
    pages.push(page);
    w = new Writer(fonts, page);
    y = A4[1] - M;
    if (first) {
      for (const l of exam.headerLines) {
        w.text(l, M, y, 9, "regular", { color: MUTED, maxWidth: width });
        y -= 12;
      }
      if (exam.headerLines.length) y -= 6;
      w.fitText(`${L.attendance} · ${L.room} ${room.name}`, M, y - 8, 18, width, "bold");
      y -= 30;
      const facts: [string, string][] = [
        [L.exam, `${exam.title} (${exam.courseCode}, ${exam.period})`],
        [L.term, exam.term],
        ...(exam.examiners.length ? [[L.examiners, exam.examiners.join(", ")] as [string, string]] : []),
        [L.date, `${fmtDate(exam.startsAt, exam.language)}, ${timeRange(exam)}`],
        ...(exam.supervisors.length ? [[L.supervisors, exam.supervisors.join(", ")] as [string, string]] : []),
        [L.students, `${students.length}${backups.length ? ` · ${L.backups}: ${backups.length}` : ""}`],
      ];
      for (const [k, v] of facts) {
        w.text(k, M, y, 9.5, "bold");
        w.text(v, M + 110, y, 9.5, "regular", { maxWidth: width - 110 });
        y -= 14;
      }
      y -= 10;
    } else {
      w.text(`${L.attendance} · ${L.room} ${room.name} · ${exam.title}`, M, y, 9, "regular", { color: MUTED, maxWidth: width });
      y -= 22;
    }
    header();
  };
  const cell = (c: (typeof cols)[number], p: SheetPerson, backup: boolean): string => {
    switch (c.key) {
      case "lastName":
        return backup ? "" : (p.lastName ?? "");
      case "firstName":
        return backup ? "" : (p.firstName ?? "");
      case "seat":
        return p.seat === null ? "" : String(p.seat);
      case "username":
        return p.username;
      case "matrikel":
        return backup ? "" : (p.matrikel ?? "");
      case "extra":
        return p.extraMinutes ? `+${p.extraMinutes} ${L.minutes}` : "";
      default:
        return "";
    }
  };
  const row = (p: SheetPerson, backup: boolean) => {
    if (y < M + 60) newPage(false);
    let x = M;
    for (const c of cols) {
      const v = cell(c, p, backup);
      if (v) w.fitText(v, x + 3, y, 9, c.w - 6, c.key === "username" ? "mono" : "regular", 6.5);
      x += c.w;
    }
    w.line(M, y - 6, M + width, y - 6, 0.5);
    y -= rowH;
  };
  newPage(true);
  students.forEach((p, i) => {
    // no page that carries only one or two names over: the last three go on together
    const fitting = y >= M + 60 ? Math.floor((y - (M + 60)) / rowH) + 1 : 0;
    if (students.length - i === 3 && fitting > 0 && fitting < 3) newPage(false);
    row(p, false);
  });
  if (students.length === 0) {
    w.text("—", M + 3, y, 9, "regular", { color: MUTED });
    y -= rowH;
  }
  if (backups.length) {
    if (y < M + 100) newPage(false);
    y -= 8;
    w.text(`${L.backups} (${L.backupsNote})`, M, y, 10, "bold", { maxWidth: width });
    y -= 16;
    header();
    for (const p of backups) row(p, true);
  }
  // vertical rules of the table are left out on purpose: rows stay readable when names are long
  if (y < M + 70) newPage(false);
  y -= 40;
  w.line(M + width - 230, y, M + width, y, 0.8, INK);
  w.text(L.supervisorSignature, M + width - 230, y - 12, 8, "regular", { color: MUTED });
  return pages;
}

// ---------------------------------------------------------------------------------------------
// One participant's page: seat card, hand-in slip, take-home slip

const PART = A4[1] / 3;

function cutLine(w: Writer, y: number, L: Labels) {
  w.line(8, y, A4[0] - 8, y, 0.7, RULE, [5, 4]);
  // scissors and crop ticks at both edges
  w.text("✂", 14, y - 4.5, 11, "regular", { color: MUTED });
  w.text(L.cut, 30, y + 3, 6.5, "regular", { color: MUTED });
  w.line(0, y, 6, y, 1, INK);
  w.line(A4[0] - 6, y, A4[0], y, 1, INK);
}

function hashcodeBoxes(w: Writer, x: number, y: number) {
  w.text("Hashcode:", x, y + 6, 10, "bold");
  let cx = x + 72;
  const s = 17;
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < 4; i++) {
      w.box(cx, y, s, s + 4, { border: INK, thickness: 0.8 });
      cx += s + 2;
    }
    if (g < 2) {
      w.text("–", cx + 3, y + 6, 12, "bold");
      cx += 16;
    }
  }
  return cx;
}

function slipHead(w: Writer, title: string, exam: SheetExam, top: number) {
  w.text(title.toUpperCase(), M, top - 30, 15, "bold");
  const tw = w.fonts.width(title.toUpperCase(), 15, "bold");
  w.fitText(exam.title, M + tw + 14, top - 30, 12, A4[0] - 2 * M - tw - 14, "regular", 8);
}

/**
 * What every participant page shares (labels, boxes, cut lines, exam title and date), drawn
 * once and placed on each page as a form XObject: smaller files, and far fewer text runs.
 */
function personTemplate(doc: PDFDocument, fonts: FontSet, exam: SheetExam, L: Labels) {
  const page = doc.addPage(A4);
  const w = new Writer(fonts, page);
  const width = A4[0] - 2 * M;
  const cx = A4[0] / 2;
  let top = A4[1];
  // 1. seat card
  w.text(L.seatCard, M, top - 26, 8, "regular", { color: MUTED });
  const code = `${exam.courseCode} · ${exam.term} · ${exam.period}`;
  w.text(code, A4[0] - M - fonts.width(code, 8, "regular"), top - 26, 8, "regular", { color: MUTED });
  w.center(exam.title, cx, top - 136, 13, width);
  cutLine(w, top - PART, L);
  // 2. hand-in slip
  top -= PART;
  slipHead(w, L.handIn, exam, top);
  factLabels(w, [L.roomSeat, L.date, L.name], M, top - 54);
  const bx = M + width / 2 + 34;
  const bw = width / 2 - 34;
  const by = top - 138;
  w.box(bx, by, bw, 96, { border: INK, thickness: 1.2 });
  w.text(L.loginInfo, bx + 8, by + 82, 8, "bold", { color: MUTED });
  let ly = by + 66;
  if (exam.loginUrl) {
    w.fitText(exam.loginUrl, bx + 8, ly, 8.5, bw - 16, "mono", 6);
    ly -= 15;
  }
  w.text(`${L.username}:`, bx + 8, ly, 8, "bold");
  w.text(`${L.password}:`, bx + 8, ly - 32, 8, "bold");
  w.wrap(L.passwordHint, bx, by - 10, 6.5, bw, MUTED);
  w.text(L.fillIn, M, top - 170, 9, "bold", { color: MUTED });
  hashcodeBoxes(w, M, top - 200);
  w.text(L.hashcodeHint, M, top - 212, 7, "regular", { color: MUTED });
  w.text(`${L.signature}:`, M, top - 246, 10, "bold");
  w.line(M + 72, top - 248, A4[0] - M, top - 248, 0.8, INK);
  cutLine(w, top - PART, L);
  // 3. take-home slip
  top -= PART;
  slipHead(w, L.takeHome, exam, top);
  factLabels(w, [L.roomSeat, L.date, L.name], M, top - 54);
  w.fitText(fmtShortDate(exam.startsAt, exam.language), M + 88, top - 54 - 16, 10, width / 2 - 68, "regular", 7);
  w.text(L.fillIn, M, top - 126, 9, "bold", { color: MUTED });
  hashcodeBoxes(w, M, top - 156);
  w.text(`${L.notes}:`, M, top - 186, 9, "bold", { color: MUTED });
  w.box(M, 30, width, top - 196 - 30, { border: rgb(0.8, 0.82, 0.85), thickness: 0.6 });
  const index = doc.getPageCount() - 1;
  return { page, index, loginRows: exam.loginUrl ? 1 : 0 };
}

function factLabels(w: Writer, labels: string[], x: number, y: number, size = 10) {
  for (const k of labels) {
    w.text(`${k}:`, x, y, size, "bold");
    y -= size + 6;
  }
}

/** One participant's page: the shared template plus their seat, name, login and password. */
function drawPersonPage(doc: PDFDocument, fonts: FontSet, template: PDFEmbeddedPage, loginRows: number, exam: SheetExam, room: SheetRoom, p: SheetPerson, L: Labels) {
  const page = doc.addPage(A4);
  page.drawPage(template, { x: 0, y: 0 });
  const w = new Writer(fonts, page);
  const width = A4[0] - 2 * M;
  const cx = A4[0] / 2;
  const backup = p.kind === "backup";
  const name = backup ? L.backup : fullName(p);
  const seatText = p.seat === null ? "–" : String(p.seat);
  const vx = M + 88;
  const vw = width / 2 + 20 - 88;

  // 1. seat card
  let top = A4[1];
  if (backup) {
    w.center(L.backup, cx, top - 72, 30, width, "bold");
    w.center(p.username, cx, top - 104, 16, width, "mono");
  } else {
    w.center(p.lastName ?? p.username, cx, top - 72, 32, width, "bold");
    w.center(p.firstName ?? "", cx, top - 106, 24, width);
  }
  w.center(`${L.room} ${room.name}`, cx, top - 182, 30, width / 2 + 60, "bold");
  w.center(`${L.seat} ${seatText}`, cx, top - 226, 34, width, "bold");
  // under the seat, clear of the cut line below
  if (p.extraMinutes) w.center(`${L.extra}: +${p.extraMinutes} ${L.minutes}`, cx, top - 256, 12, width, "bold");

  // 2. hand-in slip
  top -= PART;
  let y = top - 54;
  w.fitText(`${room.name} / ${seatText}`, vx, y, 10, vw, "regular", 7);
  w.fitText(`${fmtShortDate(exam.startsAt, exam.language)}, ${timeRange(exam)}${p.extraMinutes ? ` (+${p.extraMinutes} ${L.minutes})` : ""}`, vx, y - 16, 10, vw, "regular", 7);
  if (backup) w.line(vx, y - 34, vx + vw, y - 34, 0.6, INK);
  else w.fitText(name, vx, y - 32, 10, vw, "regular", 7);
  const bx = M + width / 2 + 34;
  const bw = width / 2 - 34;
  const ly = top - 138 + 66 - loginRows * 15;
  w.fitText(p.username, bx + 8, ly - 13, 12, bw - 16, "mono", 7);
  w.fitText(p.password ?? "—", bx + 8, ly - 32 - 15, 15, bw - 16, "mono", 8);
  if (!backup) w.text(name, M + 72, top - 259, 8, "regular", { color: MUTED, maxWidth: width - 72 });

  // 3. take-home slip
  top -= PART;
  y = top - 54;
  w.fitText(`${room.name} / ${seatText}`, vx, y, 10, vw, "regular", 7);
  if (backup) w.line(vx, y - 34, vx + vw, y - 34, 0.6, INK);
  else w.fitText(name, vx, y - 32, 10, vw, "regular", 7);
}

function footer(pages: PDFPage[], fonts: FontSet, text: string, L: Labels, from = 0) {
  const n = pages.length - from;
  pages.slice(from).forEach((pg, i) => {
    const w = new Writer(fonts, pg);
    w.text(text, M, 22, 7, "regular", { color: MUTED, maxWidth: A4[0] - 2 * M - 80 });
    const label = `${L.page} ${i + 1} ${L.of} ${n}`;
    w.text(label, A4[0] - M - fonts.width(label, 7, "regular"), 22, 7, "regular", { color: MUTED });
  });
}

/** Attendance list and sheets of every given room (participants must carry their password). */
export async function sheetsPdf(exam: SheetExam, rooms: readonly SheetRoom[], opts: { attendance?: boolean; printedBy?: string } = {}): Promise<Uint8Array> {
  const L = LABELS[exam.language];
  const doc = await newDoc(exam, `${exam.title}: ${L.password}`);
  const fonts = await loadFontSet(doc, dataTexts(exam, rooms));
  const stamp = `${exam.title} · ${exam.courseCode} ${exam.term} ${exam.period}${opts.printedBy ? ` · ${L.printed}: ${opts.printedBy}` : ""}`;
  const t = personTemplate(doc, fonts, exam, L);
  const template = await doc.embedPage(t.page);
  doc.removePage(t.index);
  for (const room of rooms) {
    if (opts.attendance !== false) footer(drawAttendance(doc, fonts, exam, room, L), fonts, stamp, L);
    for (const p of [...room.people].sort((a, b) => (a.seat ?? 1e9) - (b.seat ?? 1e9))) drawPersonPage(doc, fonts, template, t.loginRows, exam, room, p, L);
  }
  return doc.save();
}

export async function attendancePdf(exam: SheetExam, rooms: readonly SheetRoom[]): Promise<Uint8Array> {
  const L = LABELS[exam.language];
  const doc = await newDoc(exam, `${exam.title}: ${L.attendance}`);
  const fonts = await loadFontSet(doc, dataTexts(exam, rooms));
  for (const room of rooms) footer(drawAttendance(doc, fonts, exam, room, L), fonts, `${exam.title} · ${exam.courseCode} ${exam.term} ${exam.period}`, L);
  return doc.save();
}

/** Per room: a table by seat (blocked and free seats shown) and an alphabetical index for the door. */
export async function seatingPlanPdf(exam: SheetExam, rooms: readonly (SheetRoom & { seats: number; blockedSeats: number[] })[]): Promise<Uint8Array> {
  const L = LABELS[exam.language];
  const doc = await newDoc(exam, `${exam.title}: ${L.bySeat}`);
  const fonts = await loadFontSet(doc, dataTexts(exam, rooms));
  const width = A4[0] - 2 * M;
  for (const room of rooms) {
    const bySeat = new Map(room.people.map((p) => [p.seat, p]));
    const blocked = new Set(room.blockedSeats);
    const lists: [string, { seat: number; text: string; muted?: boolean }[]][] = [
      [
        L.bySeat,
        Array.from({ length: room.seats }, (_, i) => i + 1).map((s) => {
          const p = bySeat.get(s);
          if (blocked.has(s)) return { seat: s, text: `(${L.blocked})`, muted: true };
          if (!p) return { seat: s, text: `(${L.free})`, muted: true };
          return { seat: s, text: p.kind === "backup" ? `${L.backup} · ${p.username}` : `${p.lastName ?? ""}, ${p.firstName ?? ""}` };
        }),
      ],
      [
        L.byName,
        room.people
          .filter((p) => p.kind === "student" && p.seat !== null)
          .sort(compareByName)
          .map((p) => ({ seat: p.seat!, text: `${p.lastName ?? ""}, ${p.firstName ?? ""}` })),
      ],
    ];
    const pages: PDFPage[] = [];
    for (const [title, items] of lists) {
      // two columns per page
      const perCol = 38;
      for (let start = 0; start < Math.max(items.length, 1); start += perCol * 2) {
        const page = doc.addPage(A4);
        pages.push(page);
        const w = new Writer(fonts, page);
        let y = A4[1] - M;
        w.fitText(`${L.room} ${room.name} · ${title}`, M, y - 8, 18, width, "bold");
        w.text(`${exam.title} · ${fmtDate(exam.startsAt, exam.language)}, ${timeRange(exam)}`, M, y - 28, 9.5, "regular", { color: MUTED, maxWidth: width });
        y -= 54;
        for (let col = 0; col < 2; col++) {
          const x = M + col * (width / 2 + 6);
          let yy = y;
          for (const it of items.slice(start + col * perCol, start + (col + 1) * perCol)) {
            w.text(String(it.seat).padStart(3, " "), x, yy, 10, "mono", { color: it.muted ? MUTED : INK });
            w.fitText(it.text, x + 30, yy, 10, width / 2 - 40, "regular", 7);
            w.line(x, yy - 5, x + width / 2 - 10, yy - 5, 0.3);
            yy -= 18;
          }
        }
      }
    }
    footer(pages, fonts, `${exam.title} · ${exam.courseCode} ${exam.term} ${exam.period}`, L);
  }
  return doc.save();
}
