/**
 * Reports for the examination board: one row per student (the submission that counts) with
 * submission time, hashcode and status. CSV (lib/csv/write) and PDF (pdf-lib, A4, page numbers,
 * generated-by footer).
 *
 * Exports:
 *   reportData(db, termId, assignmentId): ReportData | null
 *   reportCsv(data): string
 *   reportPdf(data, meta): Promise<Uint8Array>
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import type { DbOrTx } from "@/lib/db/client";
import { students, submissions } from "@/lib/db/schema";
import { getTerm } from "@/lib/courses/courses";
import type { SubmissionFlagKind, SubmissionStatus } from "@/lib/submissions/verify";
import { getAssignment } from "./assignments";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { computedHashcode } from "./submissions";
import { portalTimeZone } from "./time";
import { writeCsv, type CsvDialect } from "@/lib/csv/write";
import { t } from "@/lib/i18n/t";

export interface ReportRow {
  student: string;
  name: string | null;
  matrikel: string | null;
  submittedAt: Date | null;
  submittedAtUtc: string | null;
  hashcode: string | null;
  computedHashcode: string | null;
  status: SubmissionStatus;
  flags: SubmissionFlagKind[];
  /** Why a mismatch is one (verify.ts reasons), why there is no hashcode, or `wrong-student`. */
  mismatch: string[];
  /** Whom the info file names when it names someone else (`wrong-student`); null if it does not say. */
  infoNames: string | null;
  attempts: number;
  /** Scanner problems besides a missing info file (which the status already says). */
  otherProblems: number;
  key: string;
}

export interface ReportData {
  courseCode: string;
  courseTitle: string;
  term: string;
  nbgraderId: string;
  courseId: number;
  assignment: { id: number; name: string; deadline: Date | null };
  rows: ReportRow[];
  counts: Record<SubmissionStatus, number> & { late: number };
  /** Roster students with no submission of this assignment. */
  withoutSubmission: number;
  /** Folders filed under another student's personalized inbound: they count for nobody. */
  misfiled: { key: string; student: string | null; folderOwner: string | null }[];
}

/** The PDF's words for a flag, as keys of `scanProblems.report.note`. */
const NOTE_KEY: Partial<Record<SubmissionFlagKind, "late" | "changed" | "problems" | "added">> = {
  late: "late",
  "changed-since-first-scan": "changed",
  "scan-problems": "problems",
  "added-after-submission": "added",
};

export function reportData(db: DbOrTx, termId: number, assignmentId: number): ReportData | null {
  const t = getTerm(db, termId);
  const a = getAssignment(db, termId, assignmentId);
  if (!t || !a) return null;
  const head = { code: t.course.code, title: t.course.title, courseId: t.course.id, term: t.term.term };
  const attempts = sql<number>`(select count(*) from ${submissions} s2 where s2.term_id = ${submissions.termId} and s2.student = ${submissions.student} and s2.assignment_name = ${submissions.assignmentName} and s2.gone_at is null)`;
  const present = and(eq(submissions.termId, termId), eq(submissions.assignmentName, a.name), isNull(submissions.goneAt));
  // username first: drizzle drops a left-joined object whose first column is null (a roster row with a name but no first name)
  const rows = db
    .select({ s: submissions, st: { username: students.username, firstName: students.firstName, lastName: students.lastName, displayName: students.displayName, matrikel: students.matrikel }, attempts })
    .from(submissions)
    .leftJoin(students, and(eq(students.termId, submissions.termId), eq(students.username, submissions.student)))
    .where(and(present, eq(submissions.counts, true)))
    .orderBy(asc(submissions.student))
    .all();
  const misfiled = db
    .select({ key: submissions.key, student: submissions.student, folderOwner: submissions.personalizedUser })
    .from(submissions)
    .where(and(present, eq(submissions.status, "misfiled")))
    .orderBy(asc(submissions.key))
    .all();
  const out: ReportRow[] = rows.map(({ s, st, attempts }) => ({
    student: s.student ?? "?",
    name: st ? [st.firstName, st.lastName].filter(Boolean).join(" ") || st.displayName || null : null,
    matrikel: st?.matrikel ?? null,
    submittedAt: s.submittedAt,
    submittedAtUtc: s.submittedAtUtc,
    hashcode: s.recordedHashcode,
    computedHashcode: computedHashcode(s),
    status: s.status,
    flags: s.flagKinds,
    mismatch: s.flags.flatMap((f) => (f.kind === "mismatch" ? f.reasons : f.kind === "missing-hashcode" ? [f.reason] : f.kind === "wrong-student" ? ["wrong-student"] : [])),
    infoNames: s.flags.flatMap((f) => (f.kind === "wrong-student" ? [f.infoUsername ?? f.infoFile] : [])).find((n) => n) ?? null,
    otherProblems: s.problems.filter((p) => p.code !== "missing-info-file").length,
    attempts,
    key: s.key,
  }));
  const counts: ReportData["counts"] = { verified: 0, mismatch: 0, "missing-hashcode": 0, "wrong-student": 0, misfiled: misfiled.length, late: 0 };
  for (const r of out) {
    counts[r.status]++;
    if (r.flags.includes("late")) counts.late++;
  }
  const roster = db.select({ n: sql<number>`count(*)` }).from(students).where(eq(students.termId, termId)).get()?.n ?? 0;
  const submitted = new Set(out.map((r) => r.student));
  const onRoster = roster === 0 ? 0 : db.select({ u: students.username }).from(students).where(eq(students.termId, termId)).all().filter((s) => submitted.has(s.u)).length;
  return {
    courseCode: head.code,
    courseTitle: head.title,
    term: head.term,
    nbgraderId: nbgraderCourseId(head.code, head.term),
    courseId: head.courseId,
    assignment: { id: a.id, name: a.name, deadline: a.deadline },
    rows: out,
    counts,
    withoutSubmission: roster - onRoster,
    misfiled,
  };
}

function localTime(d: Date | null): string {
  if (!d) return "";
  const f = new Intl.DateTimeFormat("en-GB", { timeZone: portalTimeZone(), year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Why a mismatch is one, or why there is no hashcode, as keys of `scanProblems.report.note`. */
const MISMATCH_KEY: Record<string, "hashcode" | "files" | "sha1sumUnparseable" | "noSource" | "noInfoFile" | "noHashcodeLine" | "notAHashcode"> = {
  hashcode: "hashcode",
  files: "files",
  "sha1sum-unparseable": "sha1sumUnparseable",
  "no-source": "noSource",
  "no-info-file": "noInfoFile",
  "no-hashcode-line": "noHashcodeLine",
  "not-a-hashcode": "notAHashcode",
};

/** The notes column in the active language. */
function notes(r: ReportRow): string {
  const out = r.mismatch.map((m) =>
    m === "wrong-student"
      ? t("scanProblems.report.note.infoFileNames", { name: r.infoNames ?? t("scanProblems.report.note.someoneElse") })
      : MISMATCH_KEY[m]
        ? t(`scanProblems.report.note.${MISMATCH_KEY[m]}`)
        : m,
  );
  for (const f of r.flags) {
    const key = NOTE_KEY[f];
    if (key && (f !== "scan-problems" || r.otherProblems > 0)) out.push(t(`scanProblems.report.note.${key}`));
  }
  if (r.attempts > 1) out.push(t("scanProblems.report.note.attempts", { count: r.attempts }));
  return out.join(", ");
}

/**
 * One row per student. Every cell goes through lib/csv/write (formula injection guarded: the
 * hashcode and folder come from the student's own files). `excel-de`: `;` for German Excel.
 */
export function reportCsv(data: ReportData, opts: { dialect?: CsvDialect } = {}): string {
  const header = ["student", "name", "matrikel", "assignment", "submitted_at_utc", `submitted_at_${portalTimeZone().replace(/[^A-Za-z0-9]+/g, "_")}`, "hashcode_recorded", "hashcode_computed", "status", "flags", "attempts", "folder"];
  const rows = data.rows.map((r) => [
    r.student,
    r.name ?? "",
    r.matrikel ?? "",
    data.assignment.name,
    r.submittedAtUtc ?? "",
    localTime(r.submittedAt),
    r.hashcode ?? "",
    r.computedHashcode ?? "",
    r.status,
    r.flags.filter((f) => f !== r.status).join(" "),
    r.attempts,
    r.key,
  ]);
  // folders under another student's inbound count for nobody, but the board sees them
  const misfiled = data.misfiled.map((m) => [m.student ?? "", "", "", data.assignment.name, "", "", "", "", "misfiled", `filed under ${m.folderOwner ?? "?"}`, "", m.key]);
  return writeCsv([header, ...rows, ...misfiled], { dialect: opts.dialect });
}

// ---------------------------------------------------------------------------------------------
// PDF

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const INK = rgb(0.12, 0.14, 0.18);
const MUTED = rgb(0.42, 0.45, 0.5);
const RULE = rgb(0.8, 0.82, 0.86);
const ZEBRA = rgb(0.96, 0.97, 0.98);
const STATUS_INK: Record<SubmissionStatus, ReturnType<typeof rgb>> = {
  verified: rgb(0.02, 0.47, 0.34),
  mismatch: rgb(0.73, 0.11, 0.11),
  "missing-hashcode": rgb(0.6, 0.38, 0.02),
  "wrong-student": rgb(0.73, 0.11, 0.11),
  misfiled: rgb(0.73, 0.11, 0.11),
};

const STATUSES = Object.keys(STATUS_INK) as SubmissionStatus[];
const statusLabel = (status: SubmissionStatus) => t(`grading.status.${status}`);

/** Standard PDF fonts only know WinAnsi: replace what they cannot draw. */
function safe(font: PDFFont, text: string): string {
  const set = new Set(font.getCharacterSet());
  let out = "";
  for (const ch of text.normalize("NFC")) out += set.has(ch.codePointAt(0)!) ? ch : (ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "").split("").every((c) => set.has(c.codePointAt(0)!)) ? ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : "?");
  return out;
}

function fit(font: PDFFont, size: number, text: string, width: number): string {
  let t = safe(font, text);
  if (font.widthOfTextAtSize(t, size) <= width) return t;
  while (t.length > 1 && font.widthOfTextAtSize(`${t}…`, size) > width) t = t.slice(0, -1);
  return `${t}…`;
}

function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of safe(font, text).split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** The PDF for the examination board, in the active language (lib/i18n/t). */
export async function reportPdf(data: ReportData, meta: { generatedBy: string; generatedAt?: Date }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const at = meta.generatedAt ?? new Date();
  const title = t("scanProblems.report.docTitle", { course: data.nbgraderId, assignment: data.assignment.name });
  doc.setTitle(title);
  doc.setSubject(`${data.courseCode} ${data.term} ${data.assignment.name}`);
  doc.setAuthor(meta.generatedBy);
  doc.setCreator("E2x Hub Portal");
  doc.setProducer("E2x Hub Portal (pdf-lib)");
  doc.setCreationDate(at);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const mono = await doc.embedFont(StandardFonts.Courier);
  const zone = portalTimeZone();

  const col = (key: "student" | "name" | "matrikel" | "submittedAt" | "hashcode" | "status" | "notes") => t(`scanProblems.report.col.${key}`);
  const cols = [
    { label: "#", width: 18, font: regular },
    { label: col("student"), width: 58, font: regular },
    { label: col("name"), width: 68, font: regular },
    { label: col("matrikel"), width: 50, font: regular },
    { label: col("submittedAt"), width: 88, font: regular },
    { label: col("hashcode"), width: 82, font: mono },
    // wide enough for the longest status word of the language ("ohne Hashcode")
    { label: col("status"), width: Math.max(66, Math.ceil(Math.max(...STATUSES.map((st) => bold.widthOfTextAtSize(safe(bold, statusLabel(st)), 8.5)))) + 9), font: bold },
    { label: col("notes"), width: 0, font: regular },
  ];
  const STATUS_COL = 6;
  const tableWidth = A4[0] - 2 * MARGIN;
  cols[cols.length - 1].width = tableWidth - cols.slice(0, -1).reduce((n, c) => n + c.width, 0);
  const size = 8.5;
  const rowH = 15;
  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;

  const text = (p: PDFPage, s: string, x: number, yy: number, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb> } = {}) =>
    p.drawText(safe(opts.font ?? regular, s), { x, y: yy, size: opts.size ?? size, font: opts.font ?? regular, color: opts.color ?? INK });

  const tableHeader = () => {
    page.drawRectangle({ x: MARGIN, y: y - 5, width: tableWidth, height: rowH + 1, color: rgb(0.91, 0.93, 0.96) });
    let x = MARGIN + 4;
    for (const c of cols) {
      text(page, fit(bold, size, c.label, c.width - 6), x, y, { font: bold });
      x += c.width;
    }
    y -= rowH + 2;
  };

  const newPage = (first: boolean) => {
    page = doc.addPage(A4);
    pages.push(page);
    y = A4[1] - MARGIN;
    if (first) {
      text(page, t("scanProblems.report.title"), MARGIN, y - 4, { font: bold, size: 18 });
      y -= 28;
      const lines: [string, string][] = [
        [t("scanProblems.report.course"), `${data.courseCode} · ${data.courseTitle}`],
        [t("scanProblems.report.term"), t("scanProblems.report.termValue", { term: data.term, id: data.nbgraderId })],
        [t("scanProblems.report.assignment"), data.assignment.name],
        [t("scanProblems.report.deadline"), data.assignment.deadline ? `${localTime(data.assignment.deadline)} (${zone})` : t("scanProblems.report.noDeadline")],
      ];
      for (const [k, v] of lines) {
        text(page, k, MARGIN, y, { font: bold, size: 10 });
        text(page, fit(regular, 10, v, tableWidth - 80), MARGIN + 80, y, { size: 10 });
        y -= 14;
      }
      const c = data.counts;
      const summary = [
        t("scanProblems.report.submitted", { count: data.rows.length }),
        t("scanProblems.report.verified", { count: c.verified }),
        t("scanProblems.report.mismatch", { count: c.mismatch }),
        t("scanProblems.report.noHashcode", { count: c["missing-hashcode"] }),
        ...(c["wrong-student"] ? [t("scanProblems.report.wrongStudent", { count: c["wrong-student"] })] : []),
        t("scanProblems.report.late", { count: c.late }),
        ...(c.misfiled ? [t("scanProblems.report.misfiled", { count: c.misfiled })] : []),
        ...(data.withoutSubmission ? [t("scanProblems.report.withoutSubmission", { count: data.withoutSubmission })] : []),
      ].join(" · ");
      text(page, t("scanProblems.report.summary"), MARGIN, y, { font: bold, size: 10 });
      for (const line of wrap(regular, 10, summary, tableWidth - 80)) {
        text(page, line, MARGIN + 80, y, { size: 10 });
        y -= 14;
      }
      text(page, t("scanProblems.report.times", { zone }), MARGIN + 80, y, { size: 10 });
      y -= 12;
      text(page, t("scanProblems.report.verifiedNote"), MARGIN, y - 4, { size: 8, color: MUTED });
      y -= 26;
    } else {
      text(page, fit(regular, 9, title, tableWidth), MARGIN, y, { size: 9, color: MUTED });
      y -= 22;
    }
    tableHeader();
  };

  newPage(true);
  if (data.rows.length === 0) {
    text(page, t("scanProblems.report.none"), MARGIN + 4, y, { size: 10, color: MUTED });
  }
  const lineH = 10;
  data.rows.forEach((r, i) => {
    const noteCol = cols[cols.length - 1];
    const noteLines = wrap(regular, size, notes(r), noteCol.width - 6);
    const h = rowH + Math.max(0, noteLines.length - 1) * lineH;
    if (y - (h - rowH) < MARGIN + 30) newPage(false);
    if (i % 2 === 1) page.drawRectangle({ x: MARGIN, y: y - 5 - (h - rowH), width: tableWidth, height: h, color: ZEBRA });
    const cells = [String(i + 1), r.student, r.name ?? "", r.matrikel ?? "—", localTime(r.submittedAt) || t("scanProblems.report.unknownTime"), r.hashcode ?? "—", statusLabel(r.status)];
    let x = MARGIN + 4;
    cells.forEach((cell, j) => {
      const c = cols[j];
      text(page, fit(c.font, size, cell, c.width - 6), x, y, { font: c.font, color: j === STATUS_COL ? STATUS_INK[r.status] : INK });
      x += c.width;
    });
    noteLines.forEach((line, k) => text(page, line, x, y - k * lineH));
    y -= h;
  });
  page.drawLine({ start: { x: MARGIN, y: y + rowH - 5 }, end: { x: MARGIN + tableWidth, y: y + rowH - 5 }, thickness: 0.5, color: RULE });

  if (data.misfiled.length > 0) {
    y -= 10;
    const intro = t("scanProblems.report.misfiledIntro");
    const lines = wrap(regular, 9, intro, tableWidth);
    if (y - (lines.length + 2) * 12 < MARGIN + 30) {
      page = doc.addPage(A4);
      pages.push(page);
      y = A4[1] - MARGIN;
    }
    text(page, t("scanProblems.report.misfiledTitle"), MARGIN, y, { font: bold, size: 10 });
    y -= 14;
    for (const line of lines) {
      text(page, line, MARGIN, y, { size: 9, color: MUTED });
      y -= 12;
    }
    for (const m of data.misfiled) {
      if (y < MARGIN + 30) {
        page = doc.addPage(A4);
        pages.push(page);
        y = A4[1] - MARGIN;
      }
      text(page, fit(mono, 8, m.key, tableWidth - 8), MARGIN + 4, y, { font: mono, size: 8 });
      y -= 11;
    }
  }

  const footer = t("scanProblems.report.footer", { who: meta.generatedBy, when: localTime(at), zone });
  pages.forEach((p, i) => {
    p.drawLine({ start: { x: MARGIN, y: MARGIN - 8 }, end: { x: A4[0] - MARGIN, y: MARGIN - 8 }, thickness: 0.5, color: RULE });
    text(p, fit(regular, 8, footer, tableWidth - 80), MARGIN, MARGIN - 20, { size: 8, color: MUTED });
    const label = t("scanProblems.report.page", { page: i + 1, pages: pages.length });
    text(p, label, A4[0] - MARGIN - regular.widthOfTextAtSize(label, 8), MARGIN - 20, { size: 8, color: MUTED });
  });
  return doc.save();
}
