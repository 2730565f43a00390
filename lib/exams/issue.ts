/**
 * Printing: the one place where plain one-time passwords exist. `issueSheets` generates the
 * passwords, hashes them, draws the PDF, and only then stores the hashes in one transaction
 * with its audit entry (without passwords); the caller sends the PDF in the same response.
 * If anything fails, nothing is stored and the passwords are gone with the request.
 *
 * Exports: sheetExam, sheetRooms, issueSheets, documentPdf, sheetWarnings
 */
import { writeAudit } from "@/lib/audit/audit";
import { t as tr } from "@/lib/i18n/t";
import { ActionError, type ActionContext } from "@/lib/auth/guard-types";
import type { Principal } from "@/lib/auth/capabilities";
import type { Db, DbOrTx } from "@/lib/db/client";
import { runExamPush, type ExamPushOptions } from "@/lib/deployment/exam-push";
import { getSettings } from "@/lib/deployment/settings";
import { getExam, sheetRows, storePasswords, type ExamDetail, type ParticipantView } from "./exams";
import { unprintable } from "./fonts";
import { canEdit } from "./lifecycle";
import { formatOtp, generateOtp, hashOtp } from "./otp";
import { attendancePdf, seatingPlanPdf, sheetsPdf, type SheetExam, type SheetRoom } from "./sheets";

export function sheetExam(db: DbOrTx, d: ExamDetail): SheetExam {
  const host = getSettings(db).settings.hubs.exam.host;
  return {
    title: d.exam.title,
    courseCode: d.course.code,
    courseTitle: d.course.title,
    term: d.term.term,
    period: d.exam.period,
    startsAt: d.exam.startsAt,
    endsAt: d.exam.endsAt,
    language: d.exam.language,
    examiners: d.exam.examiners,
    headerLines: d.exam.headerLines,
    supervisors: d.supervisors.filter((s) => s.active).map((s) => s.displayName),
    loginUrl: host ? `https://${host}` : undefined,
  };
}

/** Groups participants by room in room order; only rooms with someone in them. */
export function sheetRooms(d: ExamDetail, rows: ParticipantView[], passwords?: Map<number, string>): SheetRoom[] {
  return d.rooms
    .map((r) => ({
      name: r.name,
      people: rows
        .filter((p) => p.roomId === r.id)
        .map((p) => ({ kind: p.kind, firstName: p.firstName, lastName: p.lastName, username: p.username, matrikel: p.matrikel, seat: p.seat, extraMinutes: p.extraMinutes, password: passwords?.get(p.id) })),
    }))
    .filter((r) => r.people.length > 0);
}

/** Names the sheet fonts cannot print, for a warning before printing. */
export function sheetWarnings(rows: ParticipantView[]): { username: string; chars: string[] }[] {
  return rows.map((p) => ({ username: p.username, chars: unprintable(`${p.firstName ?? ""}${p.lastName ?? ""}`) })).filter((w) => w.chars.length > 0);
}

/**
 * Whom the sheets are for. While the exam is open, sheets for all or a room replace passwords
 * that are on the desks already: only with `whileOpen` (the supervisor confirmed just that).
 */
export type SheetScope =
  | { kind: "all"; whileOpen?: boolean }
  | { kind: "room"; roomId: number; whileOpen?: boolean }
  /** Everyone who has no password yet (added after printing): replaces nothing on the desks. */
  | { kind: "missing" }
  | { kind: "reissue"; participantId: number };

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** The documents' file names, in the language the documents are printed in (ASCII, as every system saves them). */
const FILE_WORDS = {
  de: { sheets: "Passwortboegen", missing: "fehlende", reissue: "Passwort-neu", attendance: "Anwesenheitsliste", "seating-plan": "Sitzplan" },
  en: { sheets: "sheets", missing: "missing", reissue: "reissue", attendance: "attendance", "seating-plan": "seating-plan" },
} as const;

/**
 * New passwords and their sheets. While the exam is open the exam hub gets the new hashes before
 * they are stored (lib/deployment/exam-push.ts: if the hub cannot be reached, nothing changes and
 * no sheet is made); before that, opening the exam pushes them.
 */
export async function issueSheets(db: Db, principal: Principal, examId: number, scope: SheetScope, expectedRevision?: number, push: ExamPushOptions = {}) {
  const d = getExam(db, examId);
  if (!d) throw new ActionError(tr("examErrors.thisExamNoLongerExists"));
  if (!canEdit(d.exam.status, "passwords")) {
    throw new ActionError(d.exam.status === "draft" ? tr("examErrors.scheduleBeforePrinting") : tr("examErrors.noPasswordsNow", { status: tr(`examStatus.${d.exam.status}`) }));
  }
  if (expectedRevision !== undefined && expectedRevision !== d.exam.revision) throw new ActionError(tr("examErrors.changedBeforePrint"));
  if (d.exam.status === "open" && (scope.kind === "all" || scope.kind === "room") && !scope.whileOpen) throw new ActionError(tr("examErrors.openSheetsConfirm"));
  const all = sheetRows(db, examId, scope.kind === "room" ? { roomId: scope.roomId } : scope.kind === "reissue" ? { participantId: scope.participantId } : {});
  const rows = scope.kind === "missing" ? all.filter((p) => !p.passwordHash) : all;
  if (scope.kind === "room" && !d.rooms.some((r) => r.id === scope.roomId)) throw new ActionError(tr("examErrors.chooseARoomOfThisExam"));
  if (rows.length === 0) {
    throw new ActionError(
      scope.kind === "reissue" ? tr("examErrors.thisParticipantIsNoLongerIn") : scope.kind === "room" ? tr("examErrors.nobodySeatedInRoom") : scope.kind === "missing" && all.length ? tr("examErrors.noneMissing") : tr("examErrors.noParticipants"),
    );
  }
  const unseated = rows.filter((p) => p.roomId === null || p.seat === null);
  if (unseated.length) throw new ActionError(tr("examErrors.seatEveryoneFirst", { count: unseated.length, username: unseated[0].username }));

  const passwords = new Map(rows.map((p) => [p.id, generateOtp()]));
  const hashes = await mapLimit(rows, 4, async (p) => ({ participantId: p.id, hash: await hashOtp(passwords.get(p.id)!) }));
  const exam = sheetExam(db, d);
  const shown = new Map([...passwords].map(([k, v]) => [k, formatOtp(v)]));
  passwords.clear();
  // a few late sheets come without attendance lists (the rooms' lists were printed with the others)
  const pdf = await sheetsPdf(exam, sheetRooms(d, rows, shown), { attendance: scope.kind === "all" || scope.kind === "room", printedBy: principal.displayName });
  shown.clear();
  const label = scope.kind === "all" ? "all rooms" : scope.kind === "room" ? `room ${d.rooms.find((r) => r.id === scope.roomId)!.name}` : scope.kind === "missing" ? "everyone without a sheet" : rows[0].username;
  const room = scope.kind === "room" ? d.rooms.find((r) => r.id === scope.roomId)!.name : undefined;
  const store = (ctx: ActionContext) => storePasswords(examId, hashes, { kind: scope.kind, label, room, expectedRevision: d.exam.revision }, ctx);
  let stored: ReturnType<typeof store>;
  let hub: string | undefined;
  if (d.exam.status === "open") {
    // while the exam runs, the hub gets the new hashes first: a printed password always works,
    // and the old one no longer does (within the hub's cache time)
    const pushed = await runExamPush(db, principal, examId, store, push);
    stored = pushed.value!;
    hub = pushed.message;
  } else {
    stored = db.transaction((tx) => store({ tx, principal, audit: (e) => writeAudit(tx, { id: principal.id, username: principal.username }, e) }));
  }
  const slug = `${d.course.code}-${d.term.term}-${d.exam.period}`;
  const w = FILE_WORDS[d.exam.language];
  const filename = `${slug}-${scope.kind === "all" ? w.sheets : scope.kind === "room" ? `${w.sheets}-${label.replace(/^room /, "")}` : scope.kind === "missing" ? `${w.sheets}-${w.missing}` : `${w.reissue}-${rows[0].username}`}.pdf`.replace(/[^A-Za-z0-9._-]+/g, "_");
  // `replaced`: how many of these had a sheet before, whose printed password no longer works
  return { pdf, filename, count: rows.length, replaced: stored.reissued, version: stored.version, courseId: d.course.id, hub };
}

/** Attendance list or seating plan (no passwords), for all rooms or one. */
/** The documents without passwords, each with the audit action its download writes. */
export const DOCUMENTS = { attendance: { action: "exam.attendance.export" }, "seating-plan": { action: "exam.seating-plan.export" } } as const;
export type DocumentKind = keyof typeof DOCUMENTS;
export const DOCUMENT_KINDS = Object.keys(DOCUMENTS) as [DocumentKind, ...DocumentKind[]];

export async function documentPdf(db: DbOrTx, examId: number, kind: DocumentKind, roomId?: number) {
  const d = getExam(db, examId);
  if (!d) return null;
  const rooms = d.rooms.filter((r) => r.seats > 0 && (roomId === undefined || r.id === roomId));
  if (roomId !== undefined && rooms.length === 0) return null;
  const rows = sheetRows(db, examId);
  const exam = sheetExam(db, d);
  const grouped = rooms.map((r) => ({ name: r.name, seats: r.seats, blockedSeats: r.blockedSeats, people: sheetRooms({ ...d, rooms: [r] }, rows)[0]?.people ?? [] }));
  const pdf = kind === "attendance" ? await attendancePdf(exam, grouped) : await seatingPlanPdf(exam, grouped);
  const slug = `${d.course.code}-${d.term.term}-${d.exam.period}-${FILE_WORDS[d.exam.language][kind]}${roomId !== undefined ? `-${rooms[0].name}` : ""}`.replace(/[^A-Za-z0-9._-]+/g, "_");
  return { pdf, filename: `${slug}.pdf`, detail: d, rooms: rooms.length };
}
