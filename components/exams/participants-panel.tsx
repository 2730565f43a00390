"use client";
import { Check, Search, Trash2, UserPlus } from "lucide-react";
import { useActionState, useMemo, useState } from "react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm";
import { Field, FieldError, FormMessage, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td, Th } from "@/components/ui/table";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { ActionForm, shown, type Action } from "./action-form";

export interface Candidate {
  id: number;
  username: string;
  firstName: string | null;
  lastName: string | null;
  matrikel: string | null;
}

export interface ParticipantRow {
  id: number;
  kind: "student" | "backup";
  username: string;
  rosterUsername: string | null;
  firstName: string | null;
  lastName: string | null;
  matrikel: string | null;
  roomId: number | null;
  room: string | null;
  seat: number | null;
  extraMinutes: number;
  hasPassword: boolean;
  onRoster: boolean;
}

const name = (p: { firstName: string | null; lastName: string | null }) => [p.lastName, p.firstName].filter(Boolean).join(", ");

/** Pick students of the term's roster: all at once, or a searchable selection. */
export function RosterPicker({ examId, candidates, add }: { examId: number; candidates: Candidate[]; add: Action }) {
  const [q, setQ] = useState("");
  const t = useTranslations("participants");
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [state, action] = useActionState(add, idleState as ActionState<never>);
  const list = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return needle ? candidates.filter((c) => `${c.username} ${c.firstName ?? ""} ${c.lastName ?? ""} ${c.matrikel ?? ""}`.toLowerCase().includes(needle)) : candidates;
  }, [q, candidates]);
  if (candidates.length === 0) {
    return (
      <div className="space-y-3">
        <FormMessage state={state} />
        <p className="text-sm text-slate-600">{t("everyone")}</p>
      </div>
    );
  }
  const allShown = list.length > 0 && list.every((c) => picked.has(c.id));
  return (
    <div className="space-y-3">
      <FormMessage state={state} />
      <form action={action} className="flex flex-wrap items-center gap-3">
        <input type="hidden" name="examId" value={examId} />
        <input type="hidden" name="mode" value="all" />
        <SubmitButton pendingText={t("adding")}>
          <UserPlus className="size-4" aria-hidden /> {t("addAll", { count: candidates.length })}
        </SubmitButton>
        <span className="text-sm text-slate-600">{t("orChoose")}</span>
      </form>
      <form action={action} className="space-y-2" onSubmit={() => setTimeout(() => setPicked(new Set()), 0)}>
        <input type="hidden" name="examId" value={examId} />
        <input type="hidden" name="mode" value="selected" />
        <div className="flex flex-wrap items-center gap-3">
          <label htmlFor="roster-search" className="sr-only">{t("search")}</label>
          <div className="relative w-full sm:w-auto">
            <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-slate-500" aria-hidden />
            <input id="roster-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t("searchPlaceholder")} className="w-full rounded-md sm:w-72 border-0 py-2 pl-8 pr-3 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500" />
          </div>
          <SubmitButton variant="secondary" disabled={picked.size === 0} pendingText={t("adding")}>
            {t("addSelected", { count: picked.size })}
          </SubmitButton>
        </div>
        <FieldError id="studentIds-error" error={state.fieldErrors?.studentIds} />
        {[...picked].map((id) => (
          <input key={id} type="hidden" name="studentIds" value={id} />
        ))}
        <div className="max-h-72 overflow-y-auto rounded-md border border-slate-200">
          <table className="min-w-full text-sm">
            <thead className="sticky top-0 bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th className="w-10 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label={t("selectShown")}
                    checked={allShown}
                    onChange={() => setPicked((s) => {
                      const n = new Set(s);
                      for (const c of list) {
                        if (allShown) n.delete(c.id);
                        else n.add(c.id);
                      }
                      return n;
                    })}
                  />
                </th>
                <th className="px-3 py-2">{t("name")}</th>
                <th className="px-3 py-2">{t("username")}</th>
                <th className="px-3 py-2">{t("matrikel")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.slice(0, 500).map((c) => (
                <tr key={c.id} className="hover:bg-slate-50">
                  <td className="px-3 py-1.5">
                    <input
                      type="checkbox"
                      aria-label={t("select", { username: c.username })}
                      checked={picked.has(c.id)}
                      onChange={() => setPicked((s) => {
                        const n = new Set(s);
                        if (!n.delete(c.id)) n.add(c.id);
                        return n;
                      })}
                    />
                  </td>
                  <td className="px-3 py-1.5">{name(c) || "—"}</td>
                  <td className="px-3 py-1.5 font-mono">{c.username}</td>
                  <td className="px-3 py-1.5 tabular-nums">{c.matrikel ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.length > 500 && <p className="px-3 py-2 text-xs text-slate-600">{t("showing", { count: list.length })}</p>}
          {list.length === 0 && <p className="px-3 py-4 text-center text-sm text-slate-600">{t("noMatch", { q })}</p>}
        </div>
      </form>
    </div>
  );
}

export function BackupsForm({ examId, rooms, add }: { examId: number; rooms: { id: number; name: string }[]; add: Action }) {
  const t = useTranslations("participants");
  if (rooms.length === 0) return <p className="text-sm text-slate-600">{t("roomFirst")}</p>;
  return (
    <ActionForm action={add} hidden={{ examId }} className="space-y-3">
      {(state) => (
        <div className="grid grid-cols-[1fr_6rem] items-end gap-3">
          <Field label={t("room")} name="roomId" id="backup-room" error={state.fieldErrors?.roomId}>
            <Select name="roomId" id="backup-room" defaultValue={shown(state, "roomId", rooms[0].id)}>
              {rooms.map((r) => (
                <option key={r.id} value={r.id}>{r.name}</option>
              ))}
            </Select>
          </Field>
          <Field label={t("howMany")} name="count" id="backup-count" error={state.fieldErrors?.count}>
            <Input name="count" id="backup-count" type="number" min={1} max={50} defaultValue={shown(state, "count", 2)} error={state.fieldErrors?.count} />
          </Field>
          <SubmitButton variant="secondary" className="col-span-2 justify-self-end" pendingText={t("adding")}>{t("addBackups")}</SubmitButton>
        </div>
      )}
    </ActionForm>
  );
}

function ExtraTime({ examId, p, save, canEdit }: { examId: number; p: ParticipantRow; save: Action; canEdit: boolean }) {
  const t = useTranslations("participants");
  if (!canEdit) return <span className="tabular-nums">{p.extraMinutes ? `+${p.extraMinutes} min` : "—"}</span>;
  return (
    <ActionForm action={save} hidden={{ examId, participantId: p.id }} className="flex items-center gap-1.5" showMessage={false}>
      {(state) => (
        <>
          <label htmlFor={`extra-${p.id}`} className="sr-only">{t("extraFor", { username: p.username })}</label>
          <input
            id={`extra-${p.id}`}
            name="extraMinutes"
            type="number"
            min={0}
            max={600}
            step={5}
            defaultValue={shown(state, "extraMinutes", p.extraMinutes)}
            aria-invalid={state.fieldErrors?.extraMinutes ? true : undefined}
            className="w-16 rounded-md border-0 px-2 py-1 text-sm tabular-nums ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500 aria-[invalid=true]:ring-red-500"
          />
          <span className="text-xs text-slate-600" aria-hidden>
            min
          </span>
          <SubmitButton variant="ghost" className="px-2 py-1 text-xs" pendingText="…">{t("save")}</SubmitButton>
          {state.status === "error" && <span role="alert" className="text-xs text-red-600">{state.fieldErrors?.extraMinutes?.[0] ?? state.message}</span>}
          {/* the saved value says so in the row (the whole sentence for screen readers and on hover) */}
          {state.status === "ok" && (
            <span role="status" className="inline-flex items-center gap-1 text-xs text-emerald-700" title={state.message}>
              <Check className="size-3.5" aria-hidden /> {t("savedShort")}
              <span className="sr-only">: {state.message}</span>
            </span>
          )}
        </>
      )}
    </ActionForm>
  );
}

export function ParticipantsTable({ examId, rows, canEdit, canEditTime, remove, saveExtra }: { examId: number; rows: ParticipantRow[]; canEdit: boolean; canEditTime: boolean; remove: Action; saveExtra: Action }) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [state, action] = useActionState(remove, idleState as ActionState<never>);
  const t = useTranslations("participants");
  const all = rows.length > 0 && rows.every((r) => selected.has(r.id));
  return (
    <div className="space-y-3">
      <form id="remove-participants" action={action} onSubmit={() => setTimeout(() => setSelected(new Set()), 0)}>
        <input type="hidden" name="examId" value={examId} />
        {[...selected].map((id) => (
          <input key={id} type="hidden" name="ids" value={id} />
        ))}
        <FormMessage state={state} />
        {canEdit && (
          <div className="mt-2 flex min-h-9 flex-wrap items-center gap-3 text-sm text-slate-600">
            <span aria-live="polite">{selected.size ? t("selected", { count: selected.size }) : t("selectHint")}</span>
            <ConfirmButton disabled={selected.size === 0} title={t("removeTitle", { count: selected.size })} body={t("removeBody")} confirmLabel={t("remove")} form="remove-participants">
              <Trash2 className="size-4" aria-hidden /> {t("remove")}
            </ConfirmButton>
          </div>
        )}
      </form>
      <Table>
        <thead>
          <tr>
            {canEdit && (
              <Th className="w-10">
                <input type="checkbox" aria-label={t("selectAll")} checked={all} onChange={() => setSelected(all ? new Set() : new Set(rows.map((r) => r.id)))} />
              </Th>
            )}
            <Th>{t("name")}</Th>
            <Th>{t("examLogin")}</Th>
            <Th>{t("matrikel")}</Th>
            <Th>{t("roomSeat")}</Th>
            <Th>{t("extraTime")}</Th>
            <Th>{t("password")}</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((p) => (
            <tr key={p.id} data-testid="participant-row">
              {canEdit && (
                <Td>
                  <input
                    type="checkbox"
                    aria-label={t("select", { username: p.username })}
                    checked={selected.has(p.id)}
                    onChange={() => setSelected((s) => {
                      const n = new Set(s);
                      if (!n.delete(p.id)) n.add(p.id);
                      return n;
                    })}
                  />
                </Td>
              )}
              <Td>
                {p.kind === "backup" ? <Badge tone="violet">{t("backup")}</Badge> : name(p) || "—"}
                {!p.onRoster && <span className="ml-2"><Badge tone="amber">{t("leftRoster")}</Badge></span>}
              </Td>
              <Td className="whitespace-nowrap font-mono text-xs" translate="no">{p.username}</Td>
              <Td className="tabular-nums">{p.matrikel ?? ""}</Td>
              <Td>{p.room ? `${p.room} / ${p.seat ?? "–"}` : <span className="text-slate-600">{t("notSeated")}</span>}</Td>
              <Td>
                <ExtraTime examId={examId} p={p} save={saveExtra} canEdit={canEditTime && p.kind === "student"} />
              </Td>
              <Td>{p.hasPassword ? <Badge tone="green">{t("issued")}</Badge> : <span className="text-slate-600">—</span>}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
