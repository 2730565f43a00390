"use client";
import { Loader2, Printer, RotateCcw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

interface Job {
  scope: "all" | "room" | "missing" | "reissue";
  roomId?: number;
  /** Confirmed in the dialog: during the exam, the sheets on the desks stop working. */
  whileOpen?: boolean;
  participantId?: number;
  label: string;
  count: number;
}

/**
 * Prints password sheets: POSTs to the sheets route, which issues the passwords and returns
 * the PDF in the same response; the browser saves it. Nothing is printed twice by a reload.
 */
export function SheetsPanel({
  examId,
  revision,
  examOpen = false,
  canPrint,
  blockedReason,
  total,
  rooms,
  participants,
}: {
  examId: number;
  revision: number;
  /** The exam is running: sheets for all or a room replace passwords already on the desks. */
  examOpen?: boolean;
  canPrint: boolean;
  blockedReason?: string;
  total: number;
  rooms: { id: number; name: string; count: number }[];
  participants: { id: number; label: string; issued: boolean }[];
}) {
  const router = useRouter();
  const t = useTranslations("sheets");
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [pick, setPick] = useState<string>("");
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState<Job | null>(null);
  const [understood, setUnderstood] = useState(false);

  async function run(job: Job) {
    setBusy(job.label);
    setResult(null);
    const form = new FormData();
    form.set("scope", job.scope);
    form.set("revision", String(revision));
    if (job.roomId) form.set("roomId", String(job.roomId));
    if (job.participantId) form.set("participantId", String(job.participantId));
    if (job.whileOpen) form.set("whileOpen", "yes");
    try {
      const res = await fetch(`/api/exams/${examId}/sheets`, { method: "POST", body: form });
      if (!res.ok) {
        const body = await res.json().catch(() => ({ error: t("answered", { status: res.status }) }));
        setResult({ ok: false, text: body.error ?? t("answered", { status: res.status }) });
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "sheets.pdf";
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const hub = res.headers.get("x-exam-hub");
      // the server says how many printed passwords this print replaced; else the sheets printed before (if any) stay valid
      const replaced = Number(res.headers.get("x-sheets-replaced") ?? 0);
      const saved = t(replaced > 0 ? "saved" : participants.some((p) => p.issued) ? "savedNew" : "savedFirst", { name, count: Number(res.headers.get("x-sheets") ?? 0), version: res.headers.get("x-passwords-version") ?? "" });
      setResult({ ok: true, text: `${saved} ${hub ? decodeURIComponent(hub) : t("hubLater")}` });
      router.refresh();
    } catch {
      setResult({ ok: false, text: t("unreachable") });
    } finally {
      setBusy(null);
    }
  }

  const ask = (job: Job) => {
    setPending(job);
    setUnderstood(false);
    dialog.current?.showModal();
  };

  const disabled = !canPrint || busy !== null;
  // sheets for all or a room replace passwords on the desks; the missing ones and one re-issue do not
  const many = examOpen && (pending?.scope === "all" || pending?.scope === "room");
  const missing = participants.filter((p) => !p.issued).length;
  // some have a sheet, some not: the missing ones are what is left to print
  const late = missing > 0 && missing < participants.length;
  const chosen = participants.find((p) => String(p.id) === pick);
  // a first password (nobody printed one yet) replaces nothing: the dialog does not say it does
  const first = pending?.scope === "reissue" && !participants.find((p) => p.id === pending.participantId)?.issued;
  return (
    <div className="space-y-5" data-testid="sheets-panel">
      {blockedReason && <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">{blockedReason}</p>}
      <div className="flex flex-wrap items-center gap-3">
        {/* whoever came later (a backup, a student added after printing): only their sheets, the main button then */}
        {late && (
          <Button type="button" variant="primary" disabled={disabled} onClick={() => ask({ scope: "missing", label: t("missingLabel"), count: missing })}>
            <Printer className="size-4" aria-hidden /> {t("printMissing", { count: missing })}
          </Button>
        )}
        {/* during the exam, one re-issue is the everyday step; printing many is not the main button */}
        <Button type="button" variant={examOpen || late ? "secondary" : "primary"} disabled={disabled || total === 0} onClick={() => ask({ scope: "all", label: t("allRooms"), count: total })}>
          <Printer className="size-4" aria-hidden /> {t("printAll", { count: total })}
        </Button>
        {rooms.map((r) => (
          <Button key={r.id} type="button" variant="secondary" disabled={disabled || r.count === 0} onClick={() => ask({ scope: "room", roomId: r.id, label: t("roomLabel", { room: r.name }), count: r.count })}>
            <Printer className="size-4" aria-hidden /> {t("printRoom", { room: r.name, count: r.count })}
          </Button>
        ))}
      </div>
      <div className="flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-slate-50 p-3">
        <div className="w-full sm:w-auto">
          <label htmlFor="reissue-who" className="mb-1 block text-sm font-medium text-slate-700">{t("reissueOne")}</label>
          <select id="reissue-who" value={pick} onChange={(e) => setPick(e.target.value)} className="w-full max-w-80 rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500">
            <option value="">{t("choose")}</option>
            {participants.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
                {p.issued ? "" : t("noPassword")}
              </option>
            ))}
          </select>
        </div>
        <Button type="button" variant="secondary" className="max-w-full whitespace-normal text-left" disabled={disabled || !chosen} onClick={() => chosen && ask({ scope: "reissue", participantId: chosen.id, label: chosen.label, count: 1 })}>
          <RotateCcw className="size-4" aria-hidden /> {t("reissueButton")}
        </Button>
      </div>
      <div aria-live="polite" role={result && !result.ok ? "alert" : "status"}>
        {busy && (
          <p className="flex items-center gap-2 text-sm text-slate-700">
            <Loader2 className="size-4 animate-spin" aria-hidden /> {t("making", { what: busy })}
          </p>
        )}
        {result && <p className={cn("rounded-md px-3 py-2 text-sm ring-1", result.ok ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-red-50 text-red-700 ring-red-200")}>{result.text}</p>}
      </div>
      <dialog ref={dialog} className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl" aria-labelledby="print-title">
        <div className="p-5">
          <h2 id="print-title" className="text-base font-semibold text-slate-900">
            {pending?.scope === "reissue" ? t(first ? "issueTitle" : "reissueTitle", { who: pending.label }) : t("printTitle", { count: pending?.count ?? 0, what: pending?.label ?? "" })}
          </h2>
          <p className="mt-2 text-sm text-slate-600">
            {pending?.scope === "reissue"
              ? (first ? t("issueBody", { who: pending.label }) : t("reissueBody"))
              : pending?.scope === "missing"
                ? t("missingBody")
                : t("printBody")}
          </p>
          {many && (
            <div className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200" data-testid="print-while-open">
              <p className="font-medium">{t("whileOpen", { count: pending?.count ?? 0 })}</p>
              <label className="mt-2 flex items-start gap-2">
                <input type="checkbox" className="mt-0.5" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} />
                <span>{t("whileOpenConfirm", { count: pending?.count ?? 0 })}</span>
              </label>
            </div>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">
          <Button type="button" variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
            {t("cancel")}
          </Button>
          <Button
            type="button"
            variant={many ? "danger" : "primary"}
            disabled={many && !understood}
            onClick={() => {
              dialog.current?.close();
              if (pending) void run({ ...pending, whileOpen: many });
            }}
          >
            {pending?.scope === "reissue" ? t(first ? "issueConfirm" : "reissueConfirm") : t("printConfirm")}
          </Button>
        </div>
      </dialog>
    </div>
  );
}
