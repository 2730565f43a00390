"use client";
import { ArrowDown, ArrowUp, Trash2 } from "lucide-react";
import Link from "next/link";
import { useActionState, useEffect, useState } from "react";
import { toast } from "sonner";
import { useTranslations } from "next-intl";
import { ConfirmButton } from "@/components/ui/confirm";
import { Table, Td, Th } from "@/components/ui/table";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;
interface Row {
  id: number;
  username: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  matrikel: string | null;
  room: string | null;
  seat: string | null;
  examDate: string | null;
  isBackup: boolean | null;
}

export function StudentTable({ termId, rows, canEdit, remove, sortLinks, sort, dir }: { termId: number; rows: Row[]; canEdit: boolean; remove: Action; sortLinks: Record<string, string>; sort: string; dir: "asc" | "desc" }) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const t = useTranslations("roster.table");
  const [state, action] = useActionState(remove, idleState as ActionState<never>);
  useEffect(() => {
    if (state.status === "ok") {
      toast.success(state.message);
      setSelected(new Set());
    } else if (state.status === "error") toast.error(state.message);
  }, [state]);
  const all = rows.length > 0 && rows.every((r) => selected.has(r.id));
  // who is removed, by name in the question (the first five of this page's selection)
  const picked = rows.filter((r) => selected.has(r.id)).map((r) => r.username);
  const removing = picked.length > 5 ? t("andMore", { list: picked.slice(0, 5).join(", "), count: picked.length - 5 }) : picked.join(", ");
  const hasRooms = rows.some((r) => r.room || r.seat || r.isBackup);
  const hasDates = rows.some((r) => r.examDate);
  const SortTh = ({ col, children }: { col: string; children: React.ReactNode }) => (
    <Th aria-sort={sort === col ? (dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={sortLinks[col]} className="inline-flex items-center gap-1 hover:text-slate-900">
        {children}
        {sort === col && (dir === "asc" ? <ArrowUp className="size-3" aria-hidden /> : <ArrowDown className="size-3" aria-hidden />)}
      </Link>
    </Th>
  );
  return (
    <form id="remove-students" action={action}>
      <input type="hidden" name="termId" value={termId} />
      {canEdit && (
        <div className="no-print mb-3 flex min-h-9 flex-wrap items-center gap-3 text-sm text-slate-600">
          <span aria-live="polite">{selected.size ? t("selected", { count: selected.size }) : t("selectHint")}</span>
          <ConfirmButton
            disabled={selected.size === 0}
            title={t("removeTitle", { count: selected.size })}
            body={t("removeBody", { count: selected.size, names: removing })}
            confirmLabel={t("remove")}
            form="remove-students"
          >
            <Trash2 className="size-4" aria-hidden /> {t("remove")}
          </ConfirmButton>
        </div>
      )}
      <Table>
        <thead>
          <tr>
            {canEdit && (
              <Th className="no-print w-10">
                <input type="checkbox" aria-label={t("selectAll")} checked={all} onChange={() => setSelected(all ? new Set() : new Set(rows.map((r) => r.id)))} />
              </Th>
            )}
            <SortTh col="username">{t("username")}</SortTh>
            <SortTh col="lastName">{t("name")}</SortTh>
            <SortTh col="matrikel">{t("matrikel")}</SortTh>
            {hasRooms && <Th>{t("roomSeat")}</Th>}
            {hasDates && <Th>{t("examDate")}</Th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} className="hover:bg-slate-50">
              {canEdit && (
                <Td className="no-print">
                  <input
                    type="checkbox"
                    name="ids"
                    value={r.id}
                    aria-label={t("select", { username: r.username })}
                    checked={selected.has(r.id)}
                    onChange={(e) => {
                      const next = new Set(selected);
                      if (e.target.checked) next.add(r.id);
                      else next.delete(r.id);
                      setSelected(next);
                    }}
                  />
                </Td>
              )}
              <Td className="font-mono">
                {/* a plain link: fifty of them would each prefetch a student's page in view */}
                <a href={`/students/${encodeURIComponent(r.username)}`} className="text-brand-700 underline-offset-2 hover:underline" translate="no">
                  {r.username}
                </a>
              </Td>
              <Td>{[r.firstName, r.lastName].filter(Boolean).join(" ") || r.displayName || <span className="text-slate-500">—</span>}</Td>
              <Td className="tabular-nums">{r.matrikel ?? <span className="text-slate-500">—</span>}</Td>
              {hasRooms && (
                <Td>
                  {[r.room, r.seat].filter(Boolean).join(" / ")}
                  {r.isBackup && <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">{t("backup")}</span>}
                </Td>
              )}
              {hasDates && <Td className="tabular-nums">{r.examDate ?? ""}</Td>}
            </tr>
          ))}
        </tbody>
      </Table>
    </form>
  );
}
