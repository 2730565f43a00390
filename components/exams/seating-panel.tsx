"use client";
import { Shuffle, SortAsc } from "lucide-react";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm";
import { SubmitButton } from "@/components/ui/submit-button";
import { ActionForm, shown, type Action } from "./action-form";
import type { ParticipantRow } from "./participants-panel";

export interface SeatRoomView {
  id: number;
  name: string;
  seats: number;
  blockedSeats: number[];
}

const initials = (p: ParticipantRow) => (p.kind === "backup" ? "B" : `${(p.lastName ?? p.username)[0] ?? ""}${(p.firstName ?? "")[0] ?? ""}`);

/** `tooFew`: why nobody can be seated automatically (more people than usable seats), said before the button is pressed. */
export function AutoSeat({ examId, seated, auto, clear, tooFew }: { examId: number; seated: number; auto: Action; clear: Action; tooFew?: string }) {
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
              body={t("autoBody", { seated })}
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
  return (
    <ol className="grid grid-cols-[repeat(auto-fill,minmax(4.5rem,1fr))] gap-1.5" aria-label={t("seatsOf", { room: room.name })}>
      {Array.from({ length: room.seats }, (_, i) => i + 1).map((s) => {
        const p = bySeat.get(s);
        return (
          <li
            key={s}
            title={p ? `${s}: ${p.kind === "backup" ? t("backupTitle", { username: p.username }) : `${p.lastName ?? ""}, ${p.firstName ?? ""} (${p.username})`}` : blocked.has(s) ? `${s}: ${t("blocked")}` : `${s}: ${t("free")}`}
            className={`rounded border px-1.5 py-1 text-xs ${blocked.has(s) ? "border-slate-200 bg-slate-100 text-slate-500 line-through" : p ? (p.kind === "backup" ? "border-violet-200 bg-violet-50 text-violet-800" : "border-brand-100 bg-brand-50 text-brand-700") : "border-dashed border-slate-300 text-slate-500"}`}
          >
            <span className="font-mono font-semibold">{s}</span> <span>{p ? initials(p) : blocked.has(s) ? "" : t("free")}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** One row per participant: room and seat fields, keyboard only. A taken seat swaps the two. */
export function SeatRow({ examId, p, rooms, save, canEdit }: { examId: number; p: ParticipantRow; rooms: SeatRoomView[]; save: Action; canEdit: boolean }) {
  const label = p.kind === "backup" ? p.username : `${p.lastName ?? ""}, ${p.firstName ?? ""}`;
  const t = useTranslations("seating");
  return (
    <tr data-testid="seat-row">
      <td className="px-4 py-2 text-sm">
        {p.kind === "backup" ? <Badge tone="violet">{t("backup")}</Badge> : label}
        <div className="font-mono text-xs text-slate-600">{p.username}</div>
      </td>
      <td className="px-4 py-2" colSpan={2}>
        {canEdit ? (
          <ActionForm action={save} hidden={{ examId, participantId: p.id }} className="flex flex-wrap items-center gap-2" showMessage={false}>
            {(state) => (
              <>
                <label htmlFor={`room-${p.id}`} className="sr-only">{t("roomOf", { name: label })}</label>
                <select id={`room-${p.id}`} name="roomId" defaultValue={shown(state, "roomId", p.roomId ?? "")} className="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" aria-invalid={state.fieldErrors?.roomId ? true : undefined}>
                  {p.kind === "student" && <option value="">{t("noSeat")}</option>}
                  {rooms.map((r) => (
                    <option key={r.id} value={r.id}>{r.name}</option>
                  ))}
                </select>
                <label htmlFor={`seat-${p.id}`} className="sr-only">{t("seatOf", { name: label })}</label>
                <input id={`seat-${p.id}`} name="seat" type="number" min={1} defaultValue={shown(state, "seat", p.seat ?? "")} className="w-20 rounded-md border-0 px-2 py-1 text-sm tabular-nums ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500 aria-[invalid=true]:ring-red-500" aria-invalid={state.fieldErrors?.seat ? true : undefined} />
                <SubmitButton variant="secondary" className="px-2.5 py-1 text-xs" pendingText="…">{t("move")}</SubmitButton>
                {state.status !== "idle" && (
                  <span role={state.status === "error" ? "alert" : "status"} className={`text-xs ${state.status === "error" ? "text-red-600" : "text-emerald-700"}`}>
                    {state.fieldErrors?.seat?.[0] ?? state.fieldErrors?.roomId?.[0] ?? state.message}
                  </span>
                )}
              </>
            )}
          </ActionForm>
        ) : (
          <span className="text-sm">{p.room ? `${p.room} / ${p.seat}` : t("notSeatedShort")}</span>
        )}
      </td>
    </tr>
  );
}
