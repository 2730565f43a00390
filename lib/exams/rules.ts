/**
 * Pure rules of exams: usernames, networks, windows, rooms. No database, no Node-only imports
 * besides node:net and the translator (lib/i18n/t.ts: errors answer in the request's language).
 *
 * Exam usernames (the exam hub's logins):
 *   student  `<course>-<FB02UID>`: the course code, a dash and the roster username (the
 *            university account), normalized by the portal's one username rule
 *            (lib/identity/username.ts examLogin). mathe1 + "MMuster2s" -> "mathe1-mmuster2s".
 *   backup   `<course>-backup-<period>-<nn>`: numbered per exam from 01, e.g.
 *            "mathe1-backup-pz1-03". A number is skipped if a student of the exam already has
 *            that login.
 *
 * Exports:
 *   examUsername, backupUsername, probeUsername, parseCidr, cidrError, normalizeRoomName,
 *   participantWindow, examBusyWindow, windowsOverlap, freeSeats, parseSeatList
 */
import { isIPv4, isIPv6 } from "node:net";
import { t } from "@/lib/i18n/t";
import { examLogin } from "../identity/username";

export function examUsername(courseCode: string, rosterUsername: string): string {
  return examLogin(courseCode, { username: rosterUsername });
}

export function backupUsername(courseCode: string, period: string, n: number): string {
  return `${courseCode}-backup-${period.toLowerCase()}-${String(n).padStart(2, "0")}`;
}

/** The pre-flight's probe account of an exam (signs in to test the hub; never on a sheet). */
export function probeUsername(courseCode: string, period: string): string {
  return `${courseCode}-probe-${period.toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------
// Networks

export interface Cidr {
  /** Canonical text: network address / prefix. */
  text: string;
  family: 4 | 6;
  prefix: number;
}

function v4Bytes(a: string): number[] {
  return a.split(".").map(Number);
}

function v6Bytes(a: string): number[] | null {
  let text = a;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = text.slice(lastColon + 1);
    if (!isIPv4(v4)) return null;
    tail = v4Bytes(v4);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const left = halves[0] ? halves[0].split(":") : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array(fill).fill("0"), ...right];
  if (groups.length !== 8) return null;
  const bytes = groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 255];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function v6Text(bytes: number[]): string {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j;
  }
  if (best[0] < 0) return groups.join(":");
  return `${groups.slice(0, best[0]).join(":")}::${groups.slice(best[0] + best[1]).join(":")}`;
}

type CidrResult = { ok: true; cidr: Cidr } | { ok: false; error: string };

/** Parses `10.0.1.0/24` or `2001:db8::/48`; host bits must be zero (the canonical form is suggested). */
export function parseCidr(input: string): CidrResult {
  const text = input.trim();
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) return { ok: false, error: t("examErrors.notANetwork", { text }) };
  const [, addr, p] = m;
  const prefix = Number(p);
  const family = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : 0;
  if (!family) return { ok: false, error: t("examErrors.notAnAddress", { address: addr, text }) };
  const max = family === 4 ? 32 : 128;
  if (prefix > max) return { ok: false, error: t("examErrors.prefixTooLong", { prefix, text, max }) };
  const bytes = family === 4 ? v4Bytes(addr) : v6Bytes(addr);
  if (!bytes) return { ok: false, error: t("examErrors.notAnIpv6Address", { address: addr }) };
  const net = bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
  const canonical = `${family === 4 ? net.join(".") : v6Text(net)}/${prefix}`;
  if (net.some((b, i) => b !== bytes[i])) {
    return { ok: false, error: t("examErrors.hostBitsSet", { text, canonical }) };
  }
  return { ok: true, cidr: { text: canonical, family, prefix } };
}

export function cidrError(input: string): string | null {
  const r = parseCidr(input);
  return r.ok ? null : r.error;
}

// ---------------------------------------------------------------------------------------------
// Rooms

/** Room names compare case-insensitively with spaces collapsed ("H 0102" = "h  0102"). */
export function normalizeRoomName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** Seat numbers from "3, 7, 10-12" (ranges allowed); null with a message when it does not parse. */
export function parseSeatList(text: string, seats: number): { ok: true; seats: number[] } | { ok: false; error: string } {
  const out = new Set<number>();
  for (const part of text.split(/[,;\s]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return { ok: false, error: t("examErrors.notASeatOrRange", { part }) };
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (a < 1 || b < a) return { ok: false, error: t("examErrors.notASeatRange", { part }) };
    if (b > seats) return { ok: false, error: t("examErrors.seatDoesNotExist", { seat: b, seats }) };
    for (let s = a; s <= b; s++) out.add(s);
  }
  return { ok: true, seats: [...out].sort((x, y) => x - y) };
}

export function freeSeats(room: { seats: number; blockedSeats: readonly number[] }): number {
  return room.seats - new Set(room.blockedSeats.filter((s) => s >= 1 && s <= room.seats)).size;
}

// ---------------------------------------------------------------------------------------------
// Windows

export interface ExamWindow {
  startsAt: Date;
  endsAt: Date;
  graceMinutes: number;
}

const MINUTE = 60_000;

/** When one participant may sign in: from the start to the end plus their extra time plus grace. */
export function participantWindow(exam: ExamWindow, extraMinutes: number): { notBefore: Date; notAfter: Date; writingEndsAt: Date } {
  const writingEndsAt = new Date(exam.endsAt.getTime() + extraMinutes * MINUTE);
  return { notBefore: exam.startsAt, notAfter: new Date(writingEndsAt.getTime() + exam.graceMinutes * MINUTE), writingEndsAt };
}

/** How long the exam occupies its rooms: start to the last participant's end plus grace. */
export function examBusyWindow(exam: ExamWindow, maxExtraMinutes: number): { from: Date; to: Date } {
  return { from: exam.startsAt, to: participantWindow(exam, maxExtraMinutes).notAfter };
}

export function windowsOverlap(a: { from: Date; to: Date }, b: { from: Date; to: Date }): boolean {
  return a.from.getTime() < b.to.getTime() && b.from.getTime() < a.to.getTime();
}
