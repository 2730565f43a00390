"use client";
import { Shuffle, SortAsc } from "lucide-react";
import { createContext, useActionState, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { ActionForm, shown, type Action } from "./action-form";
import type { ParticipantRow } from "./participants-panel";

export interface SeatRoomView {
  id: number;
  name: string;
  seats: number;
  blockedSeats: number[];
}

const initials = (p: ParticipantRow) => `${(p.lastName ?? p.username)[0] ?? ""}${(p.firstName ?? "")[0] ?? ""}`;

/** How a seat of the room map looks, the same in its legend. */
const SEAT_TONE = {
  taken: "border-brand-100 bg-brand-50 text-brand-700",
  backup: "border-violet-200 bg-violet-50 text-violet-800",
  free: "border-dashed border-slate-300 text-slate-500",
  blocked: "border-slate-200 bg-slate-100 text-slate-500 line-through",
} as const;

/** `tooFew`: why nobody can be seated automatically (more people than usable seats), said before the button is pressed. */
export function AutoSeat({ examId, seated, printed = 0, auto, clear, tooFew }: { examId: number; seated: number; printed?: number; auto: Action; clear: Action; tooFew?: string }) {
  const [order, setOrder] = useState<"alphabetical" | "random">("alphabetical");
  const t = useTranslations("seating");
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <ActionForm action={auto} hidden={{ examId }} id="auto-seat" className="space-y-3">
        {() => (
          <div className="flex flex-wrap items-center gap-4">
            {tooFew && (
              <p role="alert" className="w-full rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
                {tooFew}
              </p>
            )}
            <fieldset className="flex items-center gap-4 text-sm">
              <legend className="sr-only">{t("order")}</legend>
              <label className="flex items-center gap-1.5">
                <input type="radio" name="order" value="alphabetical" checked={order === "alphabetical"} onChange={() => setOrder("alphabetical")} /> <SortAsc className="size-4" aria-hidden /> {t("alphabetical")}
              </label>
              <label className="flex items-center gap-1.5">
                <input type="radio" name="order" value="random" checked={order === "random"} onChange={() => setOrder("random")} /> <Shuffle className="size-4" aria-hidden /> {t("random")}
              </label>
            </fieldset>
            <ConfirmButton
              variant="primary"
              disabled={!!tooFew}
              title={t("autoTitle")}
              body={t("autoBody", { seated }) + (printed ? ` ${t("printedWarning", { count: printed })}` : "")}
              confirmLabel={t("autoConfirm")}
              form="auto-seat"
            >
              {t("autoConfirm")}
            </ConfirmButton>
          </div>
        )}
      </ActionForm>
      <ActionForm action={clear} hidden={{ examId }} id="clear-seating" className="flex items-center gap-2">
        {() => (
          <ConfirmButton disabled={seated === 0} title={t("clearTitle")} body={t("clearBody")} confirmLabel={t("clearConfirm")} form="clear-seating">
            {t("clearConfirm")}
          </ConfirmButton>
        )}
      </ActionForm>
    </div>
  );
}

/** The seats of one room as a grid: who sits where, blocked seats struck out. */
export function SeatMap({ room, people }: { room: SeatRoomView; people: ParticipantRow[] }) {
  const bySeat = new Map(people.filter((p) => p.seat !== null).map((p) => [p.seat!, p]));
  const blocked = new Set(room.blockedSeats);
  const t = useTranslations("seating");
  const seats = Array.from({ length: room.seats }, (_, i) => i + 1).map((s) => {
    const p = bySeat.get(s);
    const state: keyof typeof SEAT_TONE = blocked.has(s) ? "blocked" : p ? (p.kind === "backup" ? "backup" : "taken") : "free";
    return { s, p, state };
  });
  const n = (state: keyof typeof SEAT_TONE) => seats.filter((x) => x.state === state).length;
  return (
    <>
      <ol className="grid grid-cols-[repeat(auto-fill,minmax(4.5rem,1fr))] gap-1.5" aria-label={t("seatsOf", { room: room.name })}>
        {seats.map(({ s, p, state }) => (
          <li
            key={s}
            title={p ? `${s}: ${p.kind === "backup" ? t("backupTitle", { username: p.username }) : `${p.lastName ?? ""}, ${p.firstName ?? ""} (${p.username})`}` : blocked.has(s) ? `${s}: ${t("blocked")}` : `${s}: ${t("free")}`}
            className={`rounded border px-1.5 py-1 text-xs ${SEAT_TONE[state]}`}
          >
            <span className="font-mono font-semibold">{s}</span> <span>{p ? (p.kind === "backup" ? t("backupShort") : initials(p)) : blocked.has(s) ? "" : t("free")}</span>
          </li>
        ))}
      </ol>
      {/* what the colours and letters mean, with how many seats each (backups and blocked seats when the room has any) */}
      <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1.5 text-xs text-slate-600" aria-label={t("legend")} data-testid="seat-legend">
        {(["taken", "backup", "free", "blocked"] as const).filter((state) => n(state) > 0 || state === "taken" || state === "free").map((state) => (
          <li key={state} className="flex items-center gap-1.5">
            <span className={`inline-block h-3.5 w-5 rounded border ${SEAT_TONE[state]}`} aria-hidden />
            {t(`legendItems.${state}`, { count: n(state) })}
          </li>
        ))}
      </ul>
    </>
  );
}

type SeatState = ActionState<never> & { who?: string };
const Seats = createContext<{ state: SeatState; action: (form: FormData) => void } | null>(null);

/**
 * The list of who sits where, with one line for the last seat change. The seat forms of all rows
 * share one action state here: a row that changed its seat is drawn anew (or leaves this room's
 * list), so what it said is said below the list, where it stays in sight while the list scrolls,
 * and the focus goes back to the person's seat field (or to that line when they left the list).
 */
export function SeatList({ save, children }: { save: Action; children: ReactNode }) {
  const [state, action] = useActionState<SeatState, FormData>(async (prev, form) => ({ ...(await save(prev as ActionState<never>, form)), who: String(form.get("participantId")) }), idleState as SeatState);
  const said = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.status !== "ok") return;
    (document.getElementById(`seat-${state.who}`) ?? said.current)?.focus();
  }, [state]);
  return (
    <Seats.Provider value={{ state, action }}>
      {children}
      <p ref={said} tabIndex={-1} role="status" data-testid="seat-said" className={state.status === "ok" ? "sticky bottom-0 -mx-5 -mb-4 mt-3 border-t border-emerald-200 bg-emerald-50 px-5 py-2.5 text-sm text-emerald-800 outline-none" : "sr-only"}>
        {state.status === "ok" ? state.message : ""}
      </p>
    </Seats.Provider>
  );
}

/** One row per participant: room and seat fields, keyboard only. A taken seat swaps the two. */
export function SeatRow({ examId, p, rooms, canEdit }: { examId: number; p: ParticipantRow; rooms: SeatRoomView[]; canEdit: boolean }) {
  const label = p.kind === "backup" ? p.username : `${p.lastName ?? ""}, ${p.firstName ?? ""}`;
  const t = useTranslations("seating");
  const seats = useContext(Seats);
  // this row's refusal, if the last answer was one (the row keeps its seat and shows what was typed)
  const mine: ActionState<never> = seats && seats.state.status === "error" && seats.state.who === String(p.id) ? seats.state : (idleState as ActionState<never>);
  const ref = useFocusFirstError(mine);
  return (
    <tr data-testid="seat-row">
      <td className="px-4 py-2 text-sm">
        {p.kind === "backup" ? <Badge tone="violet">{t("backup")}</Badge> : label}
        <div className="font-mono text-xs text-slate-600">{p.username}</div>
      </td>
      <td className="px-4 py-2" colSpan={2}>
        {canEdit && seats ? (
          <form ref={ref} action={seats.action} className="flex flex-wrap items-center gap-2" noValidate>
            <input type="hidden" name="examId" value={examId} />
            <input type="hidden" name="participantId" value={p.id} />
            <label htmlFor={`room-${p.id}`} className="sr-only">{t("roomOf", { name: label })}</label>
            <select id={`room-${p.id}`} name="roomId" defaultValue={shown(mine, "roomId", p.roomId ?? "")} className="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" aria-invalid={mine.fieldErrors?.roomId ? true : undefined}>
              {p.kind === "student" && <option value="">{t("noSeat")}</option>}
              {rooms.map((r) => (
                <option key={r.id} value={r.id}>{r.name}</option>
              ))}
            </select>
            <label htmlFor={`seat-${p.id}`} className="sr-only">{t("seatOf", { name: label })}</label>
            <input id={`seat-${p.id}`} name="seat" type="number" min={1} defaultValue={shown(mine, "seat", p.seat ?? "")} className="w-20 rounded-md border-0 px-2 py-1 text-sm tabular-nums ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500 aria-[invalid=true]:ring-red-500" aria-invalid={mine.fieldErrors?.seat ? true : undefined} />
            <SubmitButton variant="secondary" className="px-2.5 py-1 text-xs" pendingText="…">{t("move")}</SubmitButton>
            {mine.status === "error" && (
              <span role="alert" className="text-xs text-red-600">
                {mine.fieldErrors?.seat?.[0] ?? mine.fieldErrors?.roomId?.[0] ?? mine.message}
              </span>
            )}
          </form>
        ) : (
          <span className="text-sm">{p.room ? `${p.room} / ${p.seat}` : t("notSeatedShort")}</span>
        )}
      </td>
    </tr>
  );
}
