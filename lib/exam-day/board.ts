/**
 * The live room board: per room a seat map, each seat in one state, from the exam hub's REST API
 * (users, servers, last activity) and the exchange (submissions with their hashcodes). Read on
 * the server only (the hub token never reaches a browser), at most once per `minAgeMs` for all
 * viewers of an exam; when the hub does not answer, the last known state stays and the board
 * says since when the hub is unreachable.
 *
 * Exports: seatState, readBoard, firstReading, forgetBoard, SEAT_STATES, Board, BoardSeat
 */
import fsp from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { examMoves } from "@/lib/db/schema";
import { exchangeRoot } from "@/lib/grading/exchange";
import { getExam, listParticipants } from "@/lib/exams/exams";
import { participantWindow } from "@/lib/exams/rules";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { t } from "@/lib/i18n/t";
import { hashcodeOfSha1sumText, SHA1SUM_FILE } from "@/lib/submissions/hash";
import { parseSubmissionFolderName } from "@/lib/submissions/scan";
import { HubApiError, openHubApi, type HubApi, type HubApiSetupCode, type HubUser } from "./hub-api";
import { SEAT_STATES, type Board, type BoardRoom, type BoardSeat, type SeatState } from "./views";

export { SEAT_STATES, type Board, type BoardRoom, type BoardSeat, type SeatState };

/** Minutes without activity after which a running server counts as idle. */
const IDLE_MINUTES = 10;
/** A server that has not started after this long is a problem. */
const START_PROBLEM_MINUTES = 5;

export interface Submission {
  key: string;
  at: string | null;
  hashcode: string | null;
}

export interface SeatInput {
  user: HubUser | undefined;
  submission: Submission | undefined;
  moved: boolean;
  now: number;
}

/** One seat's state and its words, from what the hub and the exchange say. */
export function seatState({ user, submission, moved, now }: SeatInput): { state: SeatState; note: string; idleMinutes?: number; minutes?: number } {
  if (moved) return { state: "moved", note: "moved to a backup account" };
  if (submission) return { state: "submitted", note: submission.hashcode ? `submitted, hashcode ${submission.hashcode}` : "submitted (no SHA1SUM.txt: no hashcode)" };
  if (!user) return { state: "not-signed-in", note: "not signed in" };
  const srv = user.servers?.[""];
  if (!srv) {
    if (user.pending === "spawn") return { state: "starting", note: "server starting" };
    return { state: "signed-in", note: "signed in, no server" };
  }
  if (srv.pending === "spawn" || !srv.ready) {
    const since = srv.started ? Date.parse(srv.started) : NaN;
    const minutes = Number.isFinite(since) ? Math.floor((now - since) / 60_000) : 0;
    if (minutes >= START_PROBLEM_MINUTES) return { state: "problem", note: `server not started after ${minutes} min`, minutes };
    return { state: "starting", note: "server starting" };
  }
  if (srv.pending === "stop") return { state: "problem", note: "server stopping" };
  const last = Date.parse(srv.last_activity ?? user.last_activity ?? "");
  const idle = Number.isFinite(last) ? Math.floor((now - last) / 60_000) : 0;
  if (idle >= IDLE_MINUTES) return { state: "idle", note: `idle ${idle} min`, idleMinutes: idle };
  return { state: "running", note: "running" };
}

const zero = (): Record<SeatState, number> => Object.fromEntries(SEAT_STATES.map((s) => [s, 0])) as Record<SeatState, number>;

/** The submissions of each login in the course's exchange (personalized-inbound/<user>/...), the newest per login. */
async function readExchange(root: string, courseId: string, usernames: readonly string[], cache: Map<string, Submission | null>): Promise<Map<string, Submission>> {
  const out = new Map<string, Submission>();
  const base = path.join(root, courseId, "personalized-inbound");
  await Promise.all(
    usernames.map(async (u) => {
      let names: string[];
      try {
        names = (await fsp.readdir(path.join(base, u), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
      } catch {
        return;
      }
      const parsed = names.map((n) => ({ n, p: parseSubmissionFolderName(n) })).filter((x) => x.p && x.p.student === u);
      if (!parsed.length) return;
      parsed.sort((a, b) => (a.p!.timestamp < b.p!.timestamp ? 1 : -1));
      const newest = parsed[0];
      const key = `personalized-inbound/${u}/${newest.n}`;
      let sub = cache.get(key);
      if (sub === undefined) {
        let hashcode: string | null = null;
        try {
          hashcode = hashcodeOfSha1sumText(await fsp.readFile(path.join(base, u, newest.n, SHA1SUM_FILE)));
        } catch {
          // no SHA1SUM.txt (yet)
        }
        sub = { key, at: newest.p!.timestamp, hashcode };
        if (hashcode) cache.set(key, sub);
      }
      if (sub) out.set(u, sub);
    }),
  );
  return out;
}

interface Memo {
  at: number;
  board: Board;
  lastOkAt: string | null;
  unreachableSince: string | null;
  users: Map<string, HubUser> | null;
  version?: string;
  submissions: Map<string, Submission | null>;
}
/**
 * One store per process, on globalThis: the server actions that forget a reading and the route
 * handler that serves it are bundled apart, and module state is not shared between bundles.
 */
const holder = globalThis as unknown as { __e2xBoard?: { memo: Map<number, Memo>; inflight: Map<number, { p: Promise<Board>; gen: number }>; generation: Map<number, number> } };
const store = (holder.__e2xBoard ??= { memo: new Map(), inflight: new Map(), generation: new Map() });
const memo = store.memo;
/** The reading under way per exam: viewers arriving meanwhile (the first one included) wait for it. */
const inflight = store.inflight;
/**
 * Bumped by forgetBoard: a reading that began before a supervisor's action is neither joined nor
 * shared after it, so the board read right after the action shows it.
 */
const generation = store.generation;
const genOf = (examId: number) => generation.get(examId) ?? 0;

export interface ReadBoardOptions {
  /** Readings younger than this are shared by every viewer (default 2 s). */
  minAgeMs?: number;
  api?: HubApi | { error: string; code?: HubApiSetupCode };
  root?: string;
  now?: () => number;
}

/** The board of an exam now (or the shared reading of the last `minAgeMs`). */
export async function readBoard(db: DbOrTx, examId: number, opts: ReadBoardOptions = {}): Promise<Board> {
  const m = memo.get(examId);
  const now = opts.now?.() ?? Date.now();
  if (m && now - m.at < (opts.minAgeMs ?? 2_000)) return { ...m.board, stats: { ...m.board.stats, cached: true, hubCalls: 0 } };
  const running = inflight.get(examId);
  if (running && running.gen === genOf(examId)) return running.p;
  const gen = genOf(examId);
  const p = buildBoard(db, examId, opts, m, gen).finally(() => {
    if (inflight.get(examId)?.p === p) inflight.delete(examId);
  });
  inflight.set(examId, { p, gen });
  return p;
}

async function buildBoard(db: DbOrTx, examId: number, opts: ReadBoardOptions, prev: Memo | undefined, gen: number): Promise<Board> {
  const started = performance.now();
  const now = opts.now?.() ?? Date.now();
  const d = getExam(db, examId);
  if (!d) throw new Error(t("routes.noExam"));
  const people = listParticipants(db, examId);
  const moves = db.select({ participantId: examMoves.participantId, backupId: examMoves.backupId }).from(examMoves).where(eq(examMoves.examId, examId)).all();
  const byId = new Map(people.map((p) => [p.id, p]));
  const movedTo = new Map(moves.map((m) => [m.participantId, byId.get(m.backupId)?.username ?? "?"]));
  const holds = new Map(moves.map((m) => [m.backupId, byId.get(m.participantId)]));

  // the hub: every user and server, page by page
  const conn = opts.api ?? (() => {
    const c = openHubApi(db);
    return "error" in c ? c : c.api;
  })();
  let users: Map<string, HubUser> | null = prev?.users ?? null;
  let error: string | null = null;
  let errorCode: HubApiSetupCode | undefined;
  let calls = 0;
  let version = prev?.version;
  let lastOkAt = prev?.lastOkAt ?? null;
  let unreachableSince = prev?.unreachableSince ?? null;
  if ("error" in conn) {
    error = conn.error;
    if ("code" in conn) errorCode = conn.code;
  } else {
    const before = conn.calls;
    try {
      const list = await conn.users();
      users = new Map(list.map((u) => [u.name, u]));
      if (!version) version = await conn.version().catch(() => undefined);
      lastOkAt = new Date(now).toISOString();
      unreachableSince = null;
    } catch (e) {
      error = e instanceof HubApiError ? e.message : String(e);
      unreachableSince ??= new Date(now).toISOString();
    }
    calls = conn.calls - before;
  }
  const reachable = error === null;

  const submissionsCache = prev?.submissions ?? new Map<string, Submission | null>();
  const subs = await readExchange(opts.root ?? exchangeRoot(), nbgraderCourseId(d.course.code, d.term.term), people.map((p) => p.username), submissionsCache);

  const rooms = new Map<number | null, BoardRoom>();
  for (const r of d.rooms) rooms.set(r.id, { id: r.id, name: r.name, seats: r.seats, blocked: r.blockedSeats, accounts: [], counts: zero() });
  const totals = zero();
  for (const p of people) {
    const s = seatState({ user: users?.get(p.username), submission: subs.get(p.username), moved: movedTo.has(p.id), now });
    const w = participantWindow(d.exam, p.extraMinutes);
    const holder = holds.get(p.id);
    const seat: BoardSeat = {
      participantId: p.id,
      kind: p.kind,
      username: p.username,
      name: p.kind === "backup" ? (holder ? `${holder.firstName ?? ""} ${holder.lastName ?? ""}`.trim() : "Backup") : `${p.firstName ?? ""} ${p.lastName ?? ""}`.trim(),
      seat: p.seat,
      state: s.state,
      note: s.note,
      ...(s.idleMinutes !== undefined || s.minutes !== undefined ? { minutes: s.idleMinutes ?? s.minutes } : {}),
      hashcode: subs.get(p.username)?.hashcode ?? null,
      extraMinutes: p.extraMinutes,
      until: w.notAfter.toISOString(),
      ...(holder ? { holdsWorkOf: holder.username } : {}),
      ...(movedTo.has(p.id) ? { movedTo: movedTo.get(p.id) } : {}),
    };
    // a backup account nobody moved to and nobody signed in with is a spare seat, not someone missing
    let room = rooms.get(p.roomId);
    if (!room) {
      room = { id: null, name: "Without a room", seats: 0, blocked: [], accounts: [], counts: zero() };
      rooms.set(p.roomId, room);
    }
    room.accounts.push(seat);
    if (!(p.kind === "backup" && !holder && seat.state === "not-signed-in")) {
      room.counts[seat.state]++;
      totals[seat.state]++;
    }
  }
  for (const r of rooms.values()) r.accounts.sort((a, b) => (a.seat ?? 1e9) - (b.seat ?? 1e9) || a.username.localeCompare(b.username));
  const board: Board = {
    examId,
    title: d.exam.title,
    status: d.exam.status,
    rooms: [...rooms.values()].filter((r) => r.seats > 0 || r.accounts.length > 0),
    totals,
    hub: { reachable, checkedAt: new Date(now).toISOString(), lastOkAt, unreachableSince, error, ...(errorCode ? { errorCode } : {}), version },
    stats: { hubCalls: calls, serverMs: Math.round(performance.now() - started), cached: false },
  };
  // a reading that an action overtook is kept (its hub state, its caches) but not shared as fresh
  memo.set(examId, { at: genOf(examId) === gen ? now : 0, board, lastOkAt, unreachableSince, users, version, submissions: submissionsCache });
  return board;
}

/**
 * The reading a board page is rendered with: the shared one, or a fresh one when it comes within
 * `budgetMs`; otherwise null, and the page asks for it from the browser, joining the reading
 * still under way (a slow or unreachable hub does not hold the page back).
 */
export async function firstReading(db: DbOrTx, examId: number, budgetMs = 1_500, opts: ReadBoardOptions = {}): Promise<Board | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
  });
  try {
    return await Promise.race([readBoard(db, examId, opts).catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Forgets the shared reading of an exam (after a supervisor's action, the next reading is fresh). */
export function forgetBoard(examId: number): void {
  generation.set(examId, genOf(examId) + 1);
  const m = memo.get(examId);
  if (m) m.at = 0;
}
