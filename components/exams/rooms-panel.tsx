"use client";
import { ArrowDown, ArrowUp, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { ConfirmButton } from "@/components/ui/confirm";
import { Field, Input } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { ActionForm, shown, type Action } from "./action-form";

export interface RoomView {
  id: number;
  name: string;
  seats: number;
  blockedSeats: number[];
  cidrs: string[];
  free: number;
  assigned: number;
  backups: number;
}

function RoomFields({ state, room, idPrefix }: { state: Parameters<Parameters<typeof ActionForm>[0]["children"]>[0]; room?: RoomView; idPrefix: string }) {
  const e = state.fieldErrors ?? {};
  const t = useTranslations("rooms");
  const f = (name: string) => `${idPrefix}-${name}`;
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_7rem_1fr_1.4fr]">
      <Field label={t("room")} name="name" id={f("name")} error={e.name}>
        <Input name="name" id={f("name")} defaultValue={shown(state, "name", room?.name)} error={e.name} placeholder="H-0102" autoComplete="off" />
      </Field>
      <Field label={t("seats")} name="seats" id={f("seats")} error={e.seats} hint={t("seatsHint")}>
        <Input name="seats" id={f("seats")} type="number" min={0} defaultValue={shown(state, "seats", room?.seats)} error={e.seats} />
      </Field>
      <Field label={t("blocked")} name="blockedSeats" id={f("blockedSeats")} error={e.blockedSeats} hint={t("blockedHint")}>
        <Input name="blockedSeats" id={f("blockedSeats")} defaultValue={shown(state, "blockedSeats", room?.blockedSeats.join(", "))} error={e.blockedSeats} autoComplete="off" />
      </Field>
      <Field label={t("networks")} name="cidrs" id={f("cidrs")} error={e.cidrs} hint={t("networksHint")}>
        <Input name="cidrs" id={f("cidrs")} defaultValue={shown(state, "cidrs", room?.cidrs.join(", "))} error={e.cidrs} autoComplete="off" spellCheck={false} />
      </Field>
    </div>
  );
}

/**
 * Earlier or later in the fill order: two small buttons, the room's name in their labels. After a
 * move the focus stays on the pressed button (or the other one, at the list's end).
 */
function MoveButtons({ r, examId, place, count, move }: { r: RoomView; examId: number; place: number; count: number; move: Action }) {
  const t = useTranslations("rooms");
  const id = (d: "up" | "down") => `room-${d}-${r.id}`;
  const refocus = (d: "up" | "down") => () => {
    const b = document.getElementById(id(d)) as HTMLButtonElement | null;
    (b && !b.disabled ? b : document.getElementById(id(d === "up" ? "down" : "up")))?.focus();
  };
  return (
    <div className="flex items-center gap-1">
      {(["up", "down"] as const).map((d) => (
        <ActionForm key={d} action={move} hidden={{ examId, roomId: r.id, direction: d }} showMessage={false} onState={(s) => s.status === "ok" && requestAnimationFrame(refocus(d))}>
          {(state) => (
            <>
              <SubmitButton id={id(d)} variant="secondary" className="px-2 py-1" disabled={d === "up" ? place === 1 : place === count} aria-label={t(d === "up" ? "moveUp" : "moveDown", { name: r.name })} title={t(d === "up" ? "moveUp" : "moveDown", { name: r.name })} pendingText="…">
                {d === "up" ? <ArrowUp className="size-4" aria-hidden /> : <ArrowDown className="size-4" aria-hidden />}
              </SubmitButton>
              {state.status === "error" && <span role="alert" className="text-xs text-red-600">{state.message}</span>}
            </>
          )}
        </ActionForm>
      ))}
    </div>
  );
}

function RoomItem({ r, examId, canEdit, save, remove, move, place, count }: { r: RoomView; examId: number; canEdit: boolean; save: Action; remove: Action; move?: Action; place?: number; count?: number }) {
  const t = useTranslations("rooms");
  return (
    <li className="px-4 py-3" data-testid={`room-${r.name}`}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          {place !== undefined && <span className="mr-1.5 inline-block min-w-6 font-semibold tabular-nums text-slate-500" data-testid="room-place">{t("place", { place })}</span>}
          <span className="font-medium text-slate-900">{r.name}</span>{" "}
          {r.seats > 0 && (
            <span className="text-sm text-slate-600">
              {t("free", { free: r.free, seats: r.seats, blocked: r.blockedSeats.length ? t("blockedList", { list: r.blockedSeats.join(", ") }) : "", used: t("inUse", { count: r.assigned }) + (r.backups ? t("backups", { count: r.backups }) : "") })}
            </span>
          )}
          <div className="mt-0.5 font-mono text-xs text-slate-600">{r.cidrs.join(", ") || t("noNetwork")}</div>
        </div>
        {canEdit && (
          <div className="flex items-center gap-3">
          {move && place !== undefined && count !== undefined && count > 1 && <MoveButtons r={r} examId={examId} place={place} count={count} move={move} />}
          <ActionForm action={remove} hidden={{ examId, roomId: r.id }} id={`remove-room-${r.id}`} className="flex items-center gap-2">
            {() => (
              <ConfirmButton title={t("removeTitle", { name: r.name })} body={t("removeBody")} confirmLabel={t("removeConfirm")} form={`remove-room-${r.id}`}>
                <Trash2 className="size-4" aria-hidden /> <span className="sr-only">{t("removeLabel", { name: r.name })}</span>
              </ConfirmButton>
            )}
          </ActionForm>
          </div>
        )}
      </div>
      {canEdit && (
        <details className="mt-2">
          <summary className="cursor-pointer text-sm text-brand-700">{t("edit", { name: r.name })}</summary>
          <ActionForm action={save} hidden={{ examId, roomId: r.id }} className="mt-3 space-y-3">
            {(state) => (
              <>
                <RoomFields state={state} room={r} idPrefix={`room-${r.id}`} />
                <div className="flex justify-end">
                  <SubmitButton variant="secondary" pendingText={t("saving")}>{t("save", { name: r.name })}</SubmitButton>
                </div>
              </>
            )}
          </ActionForm>
        </details>
      )}
    </li>
  );
}

export function RoomsPanel({ examId, rooms, canEdit, save, remove, move }: { examId: number; rooms: RoomView[]; canEdit: boolean; save: Action; remove: Action; move: Action }) {
  const t = useTranslations("rooms");
  const seated = rooms.filter((r) => r.seats > 0);
  const networks = rooms.filter((r) => r.seats === 0);
  return (
    <div className="space-y-4">
      {rooms.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">{t("none")}</p>
      ) : (
        <>
          {/* the rooms in the order seating fills them; networks without seats (the staff VPN) apart */}
          {seated.length > 0 && (
            <ol className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="room-list">
              {seated.map((r, i) => (
                <RoomItem key={r.id} r={r} examId={examId} canEdit={canEdit} save={save} remove={remove} move={move} place={i + 1} count={seated.length} />
              ))}
            </ol>
          )}
          {networks.length > 0 && (
            <section aria-labelledby="networks-only">
              <h3 id="networks-only" className="mb-1 text-sm font-semibold text-slate-900">{t("networksOnlyTitle")}</h3>
              <p className="mb-2 text-sm text-slate-600">{t("networksOnlyHint")}</p>
              <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="network-list">
                {networks.map((r) => (
                  <RoomItem key={r.id} r={r} examId={examId} canEdit={canEdit} save={save} remove={remove} />
                ))}
              </ul>
            </section>
          )}
        </>
      )}
      {canEdit && (
        <ActionForm action={save} hidden={{ examId }} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4">
          {(state) => (
            <>
              <h3 className="text-sm font-semibold text-slate-900">{t("addTitle")}</h3>
              <RoomFields state={state} idPrefix="new-room" />
              <div className="flex justify-end">
                <SubmitButton pendingText={t("adding")}>{t("add")}</SubmitButton>
              </div>
            </>
          )}
        </ActionForm>
      )}
    </div>
  );
}
