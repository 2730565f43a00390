"use client";
import { keepPreviousData, QueryClient, QueryClientProvider, useQuery, useQueryClient } from "@tanstack/react-query";
import { Maximize2, Minimize2, WifiOff, X } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm, type Action } from "@/components/exams/action-form";
import { HubStep } from "@/components/exams/hub-step";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Field, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { Board, BoardRoom, BoardSeat, SeatState } from "@/lib/exam-day/views";

const STATE: Record<SeatState, { tile: string; dot: string }> = {
  empty: { tile: "border-dashed border-slate-300 bg-white text-slate-600", dot: "bg-slate-200" },
  "not-signed-in": { tile: "border-slate-300 bg-slate-100 text-slate-700", dot: "bg-slate-400" },
  "signed-in": { tile: "border-sky-400 bg-sky-50 text-sky-950", dot: "bg-sky-500" },
  starting: { tile: "border-indigo-400 bg-indigo-50 text-indigo-950", dot: "bg-indigo-500" },
  running: { tile: "border-emerald-500 bg-emerald-50 text-emerald-950", dot: "bg-emerald-600" },
  idle: { tile: "border-amber-400 bg-amber-50 text-amber-950", dot: "bg-amber-500" },
  submitted: { tile: "border-violet-500 bg-violet-100 text-violet-950", dot: "bg-violet-600" },
  problem: { tile: "border-red-600 bg-red-50 text-red-900", dot: "bg-red-600" },
  moved: { tile: "border-slate-400 bg-white text-slate-600", dot: "bg-slate-300" },
};
const ORDER: SeatState[] = ["not-signed-in", "signed-in", "starting", "running", "idle", "submitted", "problem", "moved"];

type Tr = ReturnType<typeof useTranslations<"board">>;

/** A seat's state in words, in the page's language (the board's data is shared by every reader). */
function noteOf(a: BoardSeat, t: Tr): string {
  switch (a.state) {
    case "moved":
      return t("note.moved");
    case "submitted":
      return a.hashcode ? t("note.submitted", { hashcode: a.hashcode }) : t("note.submittedNoHash");
    case "not-signed-in":
      return t("note.notSignedIn");
    case "signed-in":
      return t("note.signedIn");
    case "starting":
      return t("note.starting");
    case "problem":
      return a.minutes !== undefined ? t("note.notStarted", { minutes: a.minutes }) : t("note.stopping");
    case "idle":
      return t("note.idle", { minutes: a.minutes ?? 0 });
    case "running":
      return t("note.running");
    default:
      return a.note;
  }
}

async function getBoard(url: string, answered: (status: number) => string): Promise<Board> {
  performance.mark("board-fetch");
  const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  performance.mark("board-data");
  if (!res.ok) throw new Error((body as { error?: string }).error ?? answered(res.status));
  return body as Board;
}

export interface BoardActions {
  revision: number;
  /** May act on seats (the exam's supervisors, and whoever else runs it); the actions also need the exam open. */
  supervises: boolean;
  /** May print password sheets (a re-issue prints one). */
  mayPrint: boolean;
  unlock: Action;
  preview: Action;
  extraTime: Action;
  move: Action;
}

/** What the address asks for: the projector view, one room. */
export interface BoardView {
  projector: boolean;
  room: string | null;
}

export function RoomBoard(props: { examId: number; initial?: Board | null; zone: string; intervalMs?: number; actions: BoardActions; view?: BoardView }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <BoardPanel {...props} />
    </QueryClientProvider>
  );
}

function BoardPanel({ examId, initial, zone, intervalMs = 5_000, actions, view }: { examId: number; initial?: Board | null; zone: string; intervalMs?: number; actions: BoardActions; view?: BoardView }) {
  const [projector, setProjector] = useState(view?.projector ?? false);
  const [roomName, setRoomName] = useState<string | null>(view?.room ?? null);
  const [picked, setPicked] = useState<number | null>(null);
  const t = useTranslations("board");
  const th = useTranslations("hubApi");
  const { data, error, dataUpdatedAt } = useQuery({ queryKey: ["board", examId], queryFn: () => getBoard(`/api/exams/${examId}/board`, (status) => t("fetchFailed", { status })), refetchInterval: intervalMs, placeholderData: keepPreviousData, ...(initial ? { initialData: initial, initialDataUpdatedAt: Date.parse(initial.hub.checkedAt), staleTime: intervalMs } : {}) });
  // for bench/exam-day: how long a refresh takes in the browser, from its data to the painted board
  useEffect(() => {
    if (!data) return;
    requestAnimationFrame(() => {
      performance.mark("board-painted");
      try {
        performance.measure("board-render", "board-data", "board-painted");
        performance.measure("board-refresh", "board-fetch", "board-painted");
      } catch {
        // first render without a fetch mark
      }
    });
  }, [data]);
  // the view is in the address too: the projector's browser opens (and reloads) into it, with its room
  useEffect(() => {
    const url = new URL(window.location.href);
    if (projector) url.searchParams.set("view", "projector");
    else url.searchParams.delete("view");
    if (roomName) url.searchParams.set("room", roomName);
    else url.searchParams.delete("room");
    if (url.href !== window.location.href) window.history.replaceState(null, "", url);
  }, [projector, roomName]);
  // Escape leaves the projector view, as it leaves a full screen
  useEffect(() => {
    if (!projector) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setProjector(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [projector]);
  const time = useMemo(() => new Intl.DateTimeFormat("de-DE", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }), [zone]);
  const seconds = useMemo(() => new Intl.DateTimeFormat("de-DE", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }), [zone]);
  if (!data) return <p className="text-slate-600">{error ? t("cannotRead", { error: (error as Error).message }) : t("reading")}</p>;
  const seatOf = (id: number | null) => data.rooms.flatMap((r) => r.accounts).find((a) => a.participantId === id) ?? null;
  const seatOfName = (username: string) => data.rooms.flatMap((r) => r.accounts).find((a) => a.username === username) ?? null;
  const chosen = projector ? null : seatOf(picked);
  const freeBackups = data.rooms.flatMap((r) => r.accounts.map((a) => ({ ...a, room: r.name }))).filter((a) => a.kind === "backup" && !a.holdsWorkOf && a.state === "not-signed-in");
  // one room when the address names one that is there, else all of them
  const one = data.rooms.find((r) => r.name === roomName) ?? null;
  const rooms = one ? [one] : data.rooms;
  const totals = one ? one.counts : data.totals;
  const nameOf = (r: BoardRoom) => (r.id === null ? t("withoutRoom") : r.name);
  const acting = actions.supervises && data.status === "open";
  // why a seat has no actions: the exam is over, not the viewer's to run, or not open yet
  const why = data.status === "closed" ? t("whyClosed") : data.status === "archived" ? t("whyArchived") : !actions.supervises ? t("onlySupervisors") : t("whyNotOpen");
  const pick = (a: BoardSeat) => setPicked(a.participantId);
  const closeActions = () => {
    const seat = chosen;
    setPicked(null);
    // back to the seat the panel was opened from
    if (seat) document.querySelector<HTMLButtonElement>(`[data-testid="seat-${CSS.escape(seat.username)}"] button`)?.focus();
  };
  return (
    <div className={cn(projector && "fixed inset-0 z-50 overflow-auto bg-white p-6")} data-testid="room-board" data-view={projector ? "projector" : "board"}>
      {projector && (
        <h1 className="mb-3 text-3xl font-bold text-slate-900">
          {data.title}
          {one && <span className="font-normal text-slate-600"> · {nameOf(one)}</span>}
        </h1>
      )}
      <div className="mb-4 flex flex-wrap items-center gap-x-6 gap-y-3">
        <ul className="flex flex-wrap gap-x-5 gap-y-1 text-base" aria-label={t("totals")} data-testid="board-totals">
          {ORDER.map((s) => (
            <li key={s} className="flex items-center gap-2">
              <span className={cn("inline-block size-3.5 rounded-full", STATE[s].dot)} aria-hidden />
              <span className="font-semibold tabular-nums">{totals[s]}</span> {t(`state.${s}`)}
            </li>
          ))}
        </ul>
        <div className="ml-auto flex flex-wrap items-center gap-3 text-sm text-slate-600">
          {/* with no reading of the hub, the time is that of the last try, not of a state */}
          <span data-testid="board-updated">{t(data.hub.reachable ? "updated" : "tried", { time: seconds.format(new Date(dataUpdatedAt)) })}</span>
          {data.rooms.length > 1 && (
            <div role="group" aria-label={t("roomChoice")} className="no-print flex flex-wrap gap-1">
              <Button type="button" variant={one ? "secondary" : "primary"} className="px-2.5 py-1.5" aria-pressed={!one} onClick={() => setRoomName(null)}>
                {t("allRooms")}
              </Button>
              {data.rooms.map((r) => (
                <Button key={r.name} type="button" variant={one === r ? "primary" : "secondary"} className="px-2.5 py-1.5" aria-pressed={one === r} onClick={() => setRoomName(r.name)}>
                  {nameOf(r)}
                </Button>
              ))}
            </div>
          )}
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              setPicked(null);
              setProjector(!projector);
            }}
            aria-pressed={projector}
          >
            {projector ? <Minimize2 className="size-4" aria-hidden /> : <Maximize2 className="size-4" aria-hidden />} {projector ? t("leaveProjector") : t("projector")}
          </Button>
        </div>
      </div>
      {!data.hub.reachable && projector && (
        // in front of the room: a quiet line that the picture may be old, not the supervisors' alarm
        <p data-testid="hub-unreachable" className="mb-4 flex items-center gap-2 text-base text-slate-600">
          <WifiOff className="size-5 shrink-0" aria-hidden />
          {data.hub.lastOkAt ? t("projectorStale", { time: time.format(new Date(data.hub.lastOkAt)) }) : t("projectorNoState")}
        </p>
      )}
      {!data.hub.reachable && !projector && (
        <div role="alert" data-testid="hub-unreachable" className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg bg-red-600 px-4 py-3 text-lg font-semibold text-white sm:px-5 sm:text-xl print:bg-transparent print:p-0 print:text-base print:text-red-700">
          <WifiOff className="size-6 shrink-0" aria-hidden />
          {data.hub.unreachableSince ? t("unreachableSince", { time: time.format(new Date(data.hub.unreachableSince)) }) : t("notConnected")}
          <span className="basis-full text-base font-normal">
            {data.hub.lastOkAt ? t("lastKnown", { time: time.format(new Date(data.hub.lastOkAt)) }) : t("noState")} {data.hub.errorCode ? th(data.hub.errorCode) : data.hub.error}
          </span>
        </div>
      )}
      {error && <p role="alert" className="mb-4 rounded-md bg-amber-50 px-4 py-2 text-amber-900 ring-1 ring-amber-200">{t("portalSilent", { error: (error as Error).message })}</p>}
      <div className={cn("grid gap-6", rooms.length > 1 && "xl:grid-cols-2 print:grid-cols-1")}>
        {rooms.map((room, i) => {
          const bySeat = new Map(room.accounts.filter((a) => a.seat !== null).map((a) => [a.seat!, a]));
          const unseated = room.accounts.filter((a) => a.seat === null);
          const seats = Array.from({ length: room.seats }, (_, i) => i + 1);
          return (
            <section key={room.name} aria-label={t("room", { name: nameOf(room) })} data-testid={`board-room-${room.name}`} className={cn("rounded-lg border border-slate-200 bg-white p-4 shadow-sm print:border-0 print:p-0", i > 0 && "print:break-before-page")}>
              <header className="mb-3 flex flex-wrap items-baseline gap-x-4 print:break-after-avoid">
                <h2 className="text-2xl font-bold text-slate-900">{nameOf(room)}</h2>
                <p className="text-base text-slate-600">
                  {ORDER.filter((s) => room.counts[s])
                    .map((s) => `${room.counts[s]} ${t(`state.${s}`)}`)
                    .join(" · ") || t("nobodyYet")}
                </p>
              </header>
              {/* a projector's tile is two lines (a room of 40 without scrolling), an A4 page has five seats a row (40 to a page) */}
              <ol className="grid grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))] gap-2 print:grid-cols-5 print:gap-1.5">
                {seats.map((n) => {
                  const a = bySeat.get(n);
                  if (room.blocked.includes(n)) return <li key={n} className="rounded-md border border-slate-200 bg-[repeating-linear-gradient(45deg,#f1f5f9,#f1f5f9_6px,#e2e8f0_6px,#e2e8f0_12px)] p-2 text-slate-600 print:break-inside-avoid print:p-1.5"><span className="text-lg font-bold print:text-[11pt]">{n}</span> {t("blocked")}</li>;
                  if (!a) return <li key={n} className={cn("rounded-md border p-2 print:break-inside-avoid print:p-1.5", STATE.empty.tile)}><span className="text-lg font-bold print:text-[11pt]">{n}</span></li>;
                  return projector ? <RoomTile key={n} a={a} /> : <SeatTile key={n} a={a} picked={picked === a.participantId} onPick={() => pick(a)} />;
                })}
                {unseated.map((a) => (projector ? <RoomTile key={a.username} a={a} /> : <SeatTile key={a.username} a={a} picked={picked === a.participantId} onPick={() => pick(a)} />))}
              </ol>
            </section>
          );
        })}
      </div>
      {chosen && <SeatActions key={chosen.participantId} examId={examId} seat={chosen} freeBackups={freeBackups} actions={actions} acting={acting} over={data.status === "closed" || data.status === "archived"} why={why} time={time} onClose={closeActions} onOpen={(username) => setPicked(seatOfName(username)?.participantId ?? null)} />}
    </div>
  );
}

/** What a seat tile says of its state: idle for how long, an unused backup, or the state. */
function stateLabel(a: BoardSeat, t: Tr): string {
  // a backup account nobody uses yet is a spare, not someone missing (the totals leave it out too)
  return a.state === "idle" ? noteOf(a, t) : a.kind === "backup" && !a.holdsWorkOf && a.state === "not-signed-in" ? t("spare") : t(`state.${a.state}`);
}

/** A seat on the supervisors' board: who sits there, their state and extra time; a click opens its actions. */
function SeatTile({ a, picked, onPick }: { a: BoardSeat; picked: boolean; onPick: () => void }) {
  const s = STATE[a.state];
  const t = useTranslations("board");
  return (
    <li data-testid={`seat-${a.username}`} data-state={a.state} className="print:break-inside-avoid">
      {/* printed too (print styles hide other buttons): the printed board is every seat with its person */}
      <button type="button" data-print="show" onClick={onPick} aria-haspopup="dialog" className={cn("h-full w-full rounded-md border-2 p-2 text-left focus:outline-none focus-visible:ring-4 focus-visible:ring-brand-500 print:p-1.5", s.tile, picked && "ring-4 ring-brand-500 print:ring-0")}>
        <span className="flex items-baseline justify-between gap-2 print:gap-1">
          <span className="text-lg font-bold print:text-[11pt]">{a.seat ?? "–"}</span>
          <span className="text-xs font-semibold uppercase tracking-wide print:text-right print:text-[6.5pt] print:tracking-normal">{stateLabel(a, t)}</span>
        </span>
        <span className={cn("block break-words text-base font-semibold leading-snug [hyphens:auto] print:text-[9pt]", a.state === "moved" && "line-through decoration-1")}>{a.kind === "backup" && !a.holdsWorkOf ? t("backup") : a.name || a.username}</span>
        <span className={cn("block break-all text-xs opacity-80 print:text-[7pt] print:opacity-100", a.state === "moved" && "line-through decoration-1")} translate="no">{a.username}</span>
        {a.hashcode && <span className="mt-1 block font-mono text-base font-bold tracking-wider print:text-[8pt]">{a.hashcode.toUpperCase()}</span>}
        {a.holdsWorkOf && <span className="block text-xs">{t("workOf", { who: a.holdsWorkOf })}</span>}
        {a.movedTo && <span className="block text-xs font-semibold">{t("nowOn", { account: a.movedTo })}</span>}
        {a.extraMinutes > 0 && <span className="block text-xs">{t("plusMin", { minutes: a.extraMinutes })}</span>}
        {a.state === "problem" && <span className="block text-xs font-semibold">{noteOf(a, t)}</span>}
      </button>
    </li>
  );
}

/**
 * A seat on the projector, in front of the room: its number, state, login and hashcode, which the
 * student at the seat knows from their sheet and screen. No name, no extra time (a
 * Nachteilsausgleich is no one else's business), nothing to click.
 */
function RoomTile({ a }: { a: BoardSeat }) {
  const s = STATE[a.state];
  const t = useTranslations("board");
  const spare = a.kind === "backup" && !a.holdsWorkOf;
  return (
    <li data-testid={`seat-${a.username}`} data-state={a.state} className={cn("rounded-md border-2 px-2 py-1.5", s.tile)}>
      <span className="flex items-baseline justify-between gap-1">
        <span className="text-2xl font-bold leading-none">{a.seat ?? "–"}</span>
        <span className="text-right text-[0.6875rem] font-semibold uppercase leading-tight">{stateLabel(a, t)}</span>
      </span>
      {spare && <span className="block text-xs font-semibold">{t("backup")}</span>}
      <span className={cn("mt-1 block break-all text-xs leading-snug", a.state === "moved" && "line-through decoration-1")} translate="no">
        {a.username}
      </span>
      {a.hashcode && <span className="mt-1 block font-mono text-lg font-bold tracking-wider">{a.hashcode.toUpperCase()}</span>}
      {a.holdsWorkOf && <span className="block text-sm">{t("workOf", { who: a.holdsWorkOf })}</span>}
      {a.movedTo && <span className="block text-sm font-semibold">{t("nowOn", { account: a.movedTo })}</span>}
      {a.state === "problem" && <span className="block text-sm font-semibold">{noteOf(a, t)}</span>}
    </li>
  );
}

/**
 * A seat's actions, in a sheet over the board (from the right; from below on a phone): it takes
 * the focus when it opens and gives it back to the seat when it closes (Escape, the close button,
 * a click beside it).
 */
function SeatActions({ examId, seat, freeBackups, actions, acting, over, why, time, onClose, onOpen }: { examId: number; seat: BoardSeat; freeBackups: (BoardSeat & { room: string })[]; actions: BoardActions; acting: boolean; over: boolean; why: string; time: Intl.DateTimeFormat; onClose: () => void; onOpen: (username: string) => void }) {
  const [confirmReissue, setConfirmReissue] = useState(false);
  // the move asks once more, naming both accounts: it cannot be taken back
  const [moveTo, setMoveTo] = useState("");
  const [confirmMove, setConfirmMove] = useState(false);
  const [moveError, setMoveError] = useState<string[] | undefined>();
  const target = freeBackups.find((b) => String(b.participantId) === moveTo);
  // after an action the board is read again at once: the seat shows its new end or its move
  const queryClient = useQueryClient();
  const reread = () => void queryClient.invalidateQueries({ queryKey: ["board", examId] });
  const ref = useRef<HTMLDialogElement>(null);
  // a click that began on the backdrop, not a text selection that ended there
  const downOnBackdrop = useRef(false);
  const t = useTranslations("board");
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const titleId = `seat-actions-title-${seat.participantId}`;
  return (
    <dialog
      ref={ref}
      aria-label={t("actionsFor", { username: seat.username })}
      aria-describedby={titleId}
      data-testid="seat-actions"
      // the unlock's own dialog inside closes too: only this one's close closes the panel
      onClose={(e) => e.target === e.currentTarget && onClose()}
      onPointerDown={(e) => (downOnBackdrop.current = e.target === e.currentTarget)}
      onClick={(e) => {
        if (downOnBackdrop.current && e.target === e.currentTarget) ref.current?.close();
        downOnBackdrop.current = false;
      }}
      className="no-print mx-0 mb-0 mt-auto max-h-[88dvh] w-full max-w-none overflow-y-auto overscroll-contain rounded-t-xl border-0 bg-white p-0 text-slate-900 shadow-2xl sm:my-0 sm:ml-auto sm:mr-0 sm:h-dvh sm:max-h-dvh sm:w-[34rem] sm:max-w-[calc(100vw-3rem)] sm:rounded-none sm:rounded-l-xl"
    >
      <div className="sticky top-0 z-10 flex items-start justify-between gap-4 border-b border-slate-200 bg-white px-5 py-4">
        <div className="min-w-0">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {seat.kind === "backup" && !seat.holdsWorkOf ? t("backup") : seat.name || seat.username} <span className="font-normal text-slate-600">{t("seatOf", { username: seat.username, seat: seat.seat ?? "–" })}</span>
          </h2>
          <p className="text-sm text-slate-600">
            {/* after closing nobody signs in any more: the seat's last state, without a time to sign in by */}
            {/* moved: the person signs in with the backup account now; its panel says until when */}
            {over || seat.movedTo ? noteOf(seat, t) : t("mayUntil", { note: noteOf(seat, t), time: time.format(new Date(seat.until)) })}
            {seat.extraMinutes && !seat.movedTo ? t("extraSuffix", { minutes: seat.extraMinutes }) : ""}.
          </p>
        </div>
        <Button type="button" variant="secondary" className="shrink-0" onClick={() => ref.current?.close()}>
          <X className="size-4" aria-hidden /> {t("close")}
        </Button>
      </div>
      <div className="px-5 py-5">
        {!acting ? (
          <p className="text-sm text-slate-700" data-testid="seat-actions-why">{why}</p>
        ) : seat.kind === "student" && seat.movedTo ? (
          // the person works on the backup account now: its password, lock and time are theirs
          <section>
            <h3 className="mb-2 font-medium text-slate-800">{t("moveTitle")}</h3>
            <p className="text-sm text-slate-700" data-testid="seat-moved">{t("movedNote", { student: seat.username, backup: seat.movedTo })}</p>
            <p className="mt-2 text-sm text-slate-600">{t("movedActions")}</p>
            <Button type="button" variant="secondary" className="mt-3" onClick={() => onOpen(seat.movedTo!)}>
              {t("openBackup", { backup: seat.movedTo })}
            </Button>
          </section>
        ) : (
          <div className="space-y-6">
            {actions.mayPrint && (
              <section>
                <h3 className="mb-2 font-medium text-slate-800">{t("reissueTitle")}</h3>
                {!confirmReissue ? (
                  <Button type="button" variant="secondary" onClick={() => setConfirmReissue(true)}>{t("reissueOpen")}</Button>
                ) : (
                  <form method="post" action={`/api/exams/${examId}/sheets`} target="_blank" className="space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200" onSubmit={() => setTimeout(() => setConfirmReissue(false), 500)}>
                    <p className="text-sm text-amber-900">{t("reissueNote")}</p>
                    <input type="hidden" name="scope" value="reissue" />
                    <input type="hidden" name="participantId" value={seat.participantId} />
                    <input type="hidden" name="revision" value={actions.revision} />
                    <div className="flex flex-wrap gap-2">
                      <Button type="submit">{t("reissueSubmit")}</Button>
                      <Button type="button" variant="secondary" onClick={() => setConfirmReissue(false)}>{t("cancel")}</Button>
                    </div>
                  </form>
                )}
              </section>
            )}
            <section>
              <h3 className="mb-2 font-medium text-slate-800">{t("lockTitle")}</h3>
              <HubStep
                variant="secondary"
                title={t("unlockTitle", { username: seat.username })}
                confirmLabel={t("unlock")}
                effects={[t("unlockEffect")]}
                fields={{ examId, step: "unlock", revision: actions.revision, participantId: seat.participantId }}
                preview={actions.preview as never}
                apply={actions.unlock}
                testId="board-unlock"
              >
                {t("unlock")}
              </HubStep>
            </section>
            <section>
              <h3 className="mb-2 font-medium text-slate-800">{t("extraTitle")}</h3>
              <ActionForm action={actions.extraTime} hidden={{ examId, participantId: seat.participantId }} className="space-y-2" onState={(s) => s.status === "ok" && reread()}>
                {(state) => (
                  <div className="flex flex-wrap items-end gap-2">
                    <Field label={t("extraMinutes")} name="extraMinutes" id={`extra-${seat.participantId}`} error={state.fieldErrors?.extraMinutes}>
                      <Input name="extraMinutes" id={`extra-${seat.participantId}`} inputMode="numeric" defaultValue={String(seat.extraMinutes)} className="w-28" error={state.fieldErrors?.extraMinutes} />
                    </Field>
                    <SubmitButton variant="secondary" pendingText={t("saving")}>{t("setExtra")}</SubmitButton>
                  </div>
                )}
              </ActionForm>
            </section>
            {seat.kind === "student" && (
              <section>
                <h3 className="mb-2 font-medium text-slate-800">{t("moveTitle")}</h3>
                <ActionForm
                  action={actions.move}
                  hidden={{ examId, participantId: seat.participantId }}
                  className="space-y-2"
                  onState={(s) => {
                    setConfirmMove(false);
                    if (s.status === "ok") reread();
                  }}
                >
                  {(state) => (
                    <>
                      <Field label={t("backupAccount")} name="backupId" id={`move-${seat.participantId}`} error={moveError ?? state.fieldErrors?.backupId}>
                        <Select
                          name="backupId"
                          id={`move-${seat.participantId}`}
                          value={moveTo}
                          onChange={(e) => {
                            setMoveTo(e.target.value);
                            setMoveError(undefined);
                            setConfirmMove(false);
                          }}
                          error={moveError ?? state.fieldErrors?.backupId}
                        >
                          <option value="">{t("chooseBackup")}</option>
                          {freeBackups.map((b) => (
                            <option key={b.participantId} value={b.participantId}>
                              {t("backupOption", { username: b.username, room: b.room, seat: b.seat ?? "–" })}
                            </option>
                          ))}
                        </Select>
                      </Field>
                      <Field label={t("reason")} name="reason" id={`reason-${seat.participantId}`} error={state.fieldErrors?.reason}>
                        <Input name="reason" id={`reason-${seat.participantId}`} placeholder={t("reasonPlaceholder")} error={state.fieldErrors?.reason} />
                      </Field>
                      {!confirmMove || !target ? (
                        <Button
                          type="button"
                          variant="secondary"
                          onClick={() => {
                            if (!target) return setMoveError([t("pickBackupFirst")]);
                            setConfirmMove(true);
                          }}
                        >
                          {t("move")}
                        </Button>
                      ) : (
                        <div className="space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="move-confirm">
                          <p className="text-sm text-amber-900">{t("moveConfirm", { name: seat.name || seat.username, username: seat.username, backup: target.username, room: target.room, seat: target.seat ?? "–" })}</p>
                          <div className="flex flex-wrap gap-2">
                            <SubmitButton pendingText={t("moving")}>{t("moveSubmit")}</SubmitButton>
                            <Button type="button" variant="secondary" onClick={() => setConfirmMove(false)}>{t("cancel")}</Button>
                          </div>
                        </div>
                      )}
                    </>
                  )}
                </ActionForm>
              </section>
            )}
          </div>
        )}
      </div>
    </dialog>
  );
}
