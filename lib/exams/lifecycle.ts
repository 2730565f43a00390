/**
 * The exam lifecycle, and what the exam hub gets in each state. Pure functions of an
 * `ExamSnapshot` (built by lib/exams/exams.ts from the database); no cluster code.
 *
 *   draft ──schedule──▶ scheduled ──open──▶ open ──close──▶ closed ──archive──▶ archived
 *         ◀─unschedule─                         ◀──reopen───
 *
 * What the hub holds per state (`examHubData`):
 *   draft, archived  nothing
 *   scheduled        participants' accounts (windows incl. extra time, room networks, password
 *                    hashes) staged, `accepting: false`: no one can sign in yet
 *   open             the same, `accepting: true`: sign-in inside each participant's window
 *   closed           no accounts (every password revoked), `accepting: false`
 * The cluster step renders this into the exam profiles and the password Secret and pushes it
 * *before* the transition is committed (open: data first, then the state).
 *
 * Exports:
 *   TRANSITIONS, EDITABLE, canEdit, ExamSnapshot, readiness, transitionProblems,
 *   examHubData, ExamHubData, transitionEffects
 */
import type { Capability } from "@/lib/auth/capabilities";
import type { ExamStatus, ParticipantKind } from "@/lib/db/schema/exams";
import { fmt, t } from "@/lib/i18n/t";
import { freeSeats, participantWindow } from "./rules";

export const TRANSITIONS = {
  schedule: { from: ["draft"], to: "scheduled", capability: "exam.manage" },
  unschedule: { from: ["scheduled"], to: "draft", capability: "exam.manage" },
  open: { from: ["scheduled"], to: "open", capability: "exam.run" },
  close: { from: ["open"], to: "closed", capability: "exam.run" },
  reopen: { from: ["closed"], to: "open", capability: "exam.run" },
  archive: { from: ["closed"], to: "archived", capability: "exam.manage" },
} as const satisfies Record<string, { from: readonly ExamStatus[]; to: ExamStatus; capability: Capability }>;
export type TransitionName = keyof typeof TRANSITIONS;
export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as TransitionName[];

/** What may change in which state. Archived exams are read-only; their records stay. */
export const EDITABLE = {
  details: ["draft", "scheduled", "open"],
  rooms: ["draft", "scheduled"],
  participants: ["draft", "scheduled"],
  supervisors: ["draft", "scheduled", "open", "closed"],
  seating: ["draft", "scheduled", "open"],
  extraTime: ["draft", "scheduled", "open"],
  passwords: ["scheduled", "open"],
  unlock: ["open"],
} as const satisfies Record<string, readonly ExamStatus[]>;
export type EditArea = keyof typeof EDITABLE;

export function canEdit(status: ExamStatus, area: EditArea): boolean {
  return (EDITABLE[area] as readonly ExamStatus[]).includes(status);
}

export interface ExamSnapshot {
  exam: {
    id: number;
    status: ExamStatus;
    title: string;
    period: string;
    startsAt: Date;
    endsAt: Date;
    graceMinutes: number;
    passwordsVersion: number;
    revision: number;
  };
  courseCode: string;
  term: string;
  rooms: { id: number; name: string; seats: number; blockedSeats: number[]; cidrs: string[] }[];
  participants: {
    id: number;
    kind: ParticipantKind;
    username: string;
    roomId: number | null;
    seat: number | null;
    extraMinutes: number;
    passwordHash: string | null;
    /** Sign-in locks a supervisor lifted (the hub lifts its lock when this rises). */
    unlocks: number;
  }[];
  supervisors: number;
  /** The pre-flight's probe account (lib/exam-day/probe.ts): its room and current password hash. */
  probe?: { username: string; roomId: number | null; passwordHash: string | null } | null;
  /** Other exams in the same rooms at overlapping times, as messages. */
  conflicts: string[];
  /** Other scheduled or open exams that hold some of the same logins, as messages. */
  loginConflicts?: string[];
}

export interface Problem {
  /** Which page fixes it. */
  area: "details" | "rooms" | "participants" | "seating" | "sheets" | "supervisors";
  message: string;
  /** Warnings do not block a transition. */
  warning?: boolean;
}

/** What keeps the exam from being scheduled (and opened). */
export function readiness(s: ExamSnapshot, now = new Date()): Problem[] {
  const out: Problem[] = [];
  const students = s.participants.filter((p) => p.kind === "student");
  if (students.length === 0) out.push({ area: "participants", message: t("lifecycle.noParticipants") });
  const seatedRooms = s.rooms.filter((r) => r.seats > 0);
  if (seatedRooms.length === 0) out.push({ area: "rooms", message: t("lifecycle.noSeatedRoom") });
  const capacity = s.rooms.reduce((n, r) => n + freeSeats(r), 0);
  if (s.participants.length > capacity) {
    out.push({ area: "rooms", message: t("lifecycle.overCapacity", { count: s.participants.length, seats: capacity }) });
  }
  for (const r of seatedRooms) if (r.cidrs.length === 0) out.push({ area: "rooms", message: t("lifecycle.roomNoNetwork", { room: r.name }) });
  const unseated = s.participants.filter((p) => p.roomId === null || p.seat === null).length;
  if (unseated > 0) out.push({ area: "seating", message: t("lifecycle.unseated", { count: unseated }) });
  for (const c of s.conflicts) out.push({ area: "rooms", message: c });
  for (const c of s.loginConflicts ?? []) out.push({ area: "participants", message: c });
  if (s.supervisors === 0) out.push({ area: "supervisors", message: t("lifecycle.noSupervisor"), warning: true });
  if (s.exam.startsAt.getTime() < now.getTime() && s.exam.status === "draft") out.push({ area: "details", message: t("lifecycle.startsInPast"), warning: true });
  return out;
}

/** Why a transition is refused now (empty = allowed). */
export function transitionProblems(s: ExamSnapshot, name: TransitionName, now = new Date()): Problem[] {
  const step = TRANSITIONS[name];
  if (!(step.from as readonly ExamStatus[]).includes(s.exam.status)) {
    return [{ area: "details", message: t("lifecycle.cannotMove", { from: t(`examStatus.${s.exam.status}`), to: t(`examStatus.${step.to}`) }) }];
  }
  if (name === "schedule" || name === "open") {
    const blocking = readiness(s, now).filter((p) => !p.warning);
    if (name === "open") {
      const missing = s.participants.filter((p) => !p.passwordHash).length;
      if (missing > 0) blocking.push({ area: "sheets", message: t("lifecycle.noPassword", { count: missing }) });
    }
    return blocking;
  }
  return [];
}

export interface ExamHubAccount {
  username: string;
  /** "probe": the pre-flight's test sign-in account (no seat, never on a sheet). */
  kind: ParticipantKind | "probe";
  room: string;
  seat: number | null;
  /** ISO instants: sign-in is accepted from notBefore to notAfter (extra time and grace included). */
  notBefore: string;
  notAfter: string;
  extraMinutes: number;
  /** Networks of the participant's room. */
  cidrs: string[];
  /** scrypt$N$r$p$salt$key (lib/exams/OTP.md). */
  passwordHash: string;
  /** Unlocks so far: the hub lifts a sign-in lock when it sees this rise. */
  unlocks: number;
}

export interface ExamHubData {
  examId: number;
  courseCode: string;
  term: string;
  /** nbgrader course id `<course>-<term>`. */
  courseId: string;
  period: string;
  title: string;
  status: ExamStatus;
  /** Whether the hub accepts sign-ins at all (only while open). */
  accepting: boolean;
  revision: number;
  passwordsVersion: number;
  window: { startsAt: string; endsAt: string; graceMinutes: number };
  /** Every room network of the exam (pool rooms, laptop pool, staff VPN), sorted, unique. */
  networks: string[];
  /** The rooms with their networks, in the exam's order. */
  rooms: { name: string; cidrs: string[] }[];
  accounts: ExamHubAccount[];
  /** Participants left out because they have no password or no room yet. */
  withoutPassword: number;
  unseated: number;
}

/** The exam hub's data for an exam in its current state, or null when the hub holds nothing. */
export function examHubData(s: ExamSnapshot): ExamHubData | null {
  const { exam } = s;
  if (exam.status === "draft" || exam.status === "archived") return null;
  const rooms = new Map(s.rooms.map((r) => [r.id, r]));
  const networks = [...new Set(s.rooms.flatMap((r) => r.cidrs))].sort();
  const live = exam.status === "scheduled" || exam.status === "open";
  const accounts: ExamHubAccount[] = [];
  let withoutPassword = 0;
  let unseated = 0;
  if (live) {
    for (const p of [...s.participants].sort((a, b) => a.username.localeCompare(b.username))) {
      const room = p.roomId === null ? undefined : rooms.get(p.roomId);
      if (!room) {
        unseated++;
        continue;
      }
      if (!p.passwordHash) {
        withoutPassword++;
        continue;
      }
      const w = participantWindow(exam, p.extraMinutes);
      accounts.push({
        username: p.username,
        kind: p.kind,
        room: room.name,
        seat: p.seat,
        notBefore: w.notBefore.toISOString(),
        notAfter: w.notAfter.toISOString(),
        extraMinutes: p.extraMinutes,
        cidrs: [...room.cidrs],
        passwordHash: p.passwordHash,
        unlocks: p.unlocks,
      });
    }
    const probeRoom = s.probe?.roomId == null ? undefined : rooms.get(s.probe.roomId);
    if (s.probe?.passwordHash && probeRoom) {
      const w = participantWindow(exam, 0);
      accounts.push({ username: s.probe.username, kind: "probe", room: probeRoom.name, seat: null, notBefore: w.notBefore.toISOString(), notAfter: w.notAfter.toISOString(), extraMinutes: 0, cidrs: [...probeRoom.cidrs], passwordHash: s.probe.passwordHash, unlocks: 0 });
    }
  }
  return {
    examId: exam.id,
    courseCode: s.courseCode,
    term: s.term,
    courseId: `${s.courseCode}-${s.term}`,
    period: exam.period,
    title: exam.title,
    status: exam.status,
    accepting: exam.status === "open",
    revision: exam.revision,
    passwordsVersion: exam.passwordsVersion,
    window: { startsAt: exam.startsAt.toISOString(), endsAt: exam.endsAt.toISOString(), graceMinutes: exam.graceMinutes },
    networks,
    rooms: s.rooms.map((r) => ({ name: r.name, cidrs: [...r.cidrs] })),
    accounts,
    withoutPassword,
    unseated,
  };
}

/** In plain words: what a transition changes on the exam hub (shown before confirming). */
export function transitionEffects(s: ExamSnapshot, name: TransitionName, now: Date = new Date()): string[] {
  const before = examHubData(s);
  const after = examHubData({ ...s, exam: { ...s.exam, status: TRANSITIONS[name].to } });
  const out: string[] = [];
  const n = (d: ExamHubData | null) => d?.accounts.length ?? 0;
  // closing before the last window ends (grace and extra time included): said first
  if (name === "close" && before?.accepting) {
    const people = before.accounts.filter((a) => a.kind !== "probe");
    const last = people.reduce((m, a) => Math.max(m, Date.parse(a.notAfter)), 0);
    if (now.getTime() < last) out.push(t("lifecycle.effect.early", { until: fmt().dateTime(last), extra: people.filter((a) => a.extraMinutes > 0 && Date.parse(a.notAfter) > now.getTime()).length }));
  }
  if (!before && after) {
    out.push(t("lifecycle.effect.stages", { count: n(after) }));
    out.push(after.networks.length ? t("lifecycle.effect.networks", { networks: after.networks.join(", ") }) : t("lifecycle.effect.noNetwork"));
  }
  if (after?.accepting && !before?.accepting) {
    out.push(t("lifecycle.effect.opens", { count: n(after) }));
  }
  if (before?.accepting && !after?.accepting) out.push(t("lifecycle.effect.stops", { count: n(before) }));
  if (before && !after) out.push(before.accounts.length ? t("lifecycle.effect.removes", { count: n(before) }) : t("lifecycle.effect.removesExam"));
  if (name === "archive") out.push(t("lifecycle.effect.keeps"));
  if (out.length === 0) out.push(t("lifecycle.effect.nothing"));
  return out;
}
