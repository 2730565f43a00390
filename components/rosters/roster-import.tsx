"use client";
import { AlertTriangle, CheckCircle2, Download, FileUp, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm";
import { FieldError, FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { ColumnMapping, type Mapping, type MappingStepData, type Meaning } from "./column-mapping";
import { TableScroll } from "@/components/ui/table";

const MAX = 10 * 1024 * 1024;

interface Person {
  username: string;
  name: string;
  matrikel: string;
}

interface NotKept {
  column: string;
  reason: "password" | "exam-login" | "no-meaning";
  values: number;
}

export interface PreviewData {
  kind: "preview";
  fileHash: string;
  version: string;
  mode: "merge" | "replace";
  formatLabel: string;
  delimiter: string;
  encoding: string;
  mapping: Mapping;
  mappingSource: "detected" | "remembered" | "chosen";
  step: MappingStepData;
  meanings: Meaning[];
  warnings: string[];
  notKept: NotKept[];
  counts: { valid: number; added: number; removed: number; updated: number; unchanged: number; kept: number; invalid: number; duplicates: number };
  invalid: { row: number; raw: string; reason: string }[];
  duplicates: { row: number; username: string; firstRow: number }[];
  added: Person[];
  removed: Person[];
  kept: Person[];
  updated: { username: string; changes: string[] }[];
}

export interface MappingData {
  kind: "needs-mapping";
  fileHash: string;
  step: MappingStepData;
  meanings: Meaning[];
  message: string;
}

type Data = PreviewData | MappingData;
type Action<T> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;

const ENCODING: Record<string, string> = { "utf-8": "UTF-8", "windows-1252": "Windows-1252", "utf-16le": "UTF-16", "utf-16be": "UTF-16 (big-endian)" };
const SEPARATOR: Record<string, "comma" | "semicolon" | "tab"> = { ",": "comma", ";": "semicolon", "\t": "tab" };

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function RosterImport({
  termId,
  courseCode,
  sampleHref,
  preview,
  apply,
  rejected,
}: {
  termId: number;
  courseCode: string;
  sampleHref: string;
  preview: Action<Data>;
  apply: Action<unknown>;
  rejected: Action<{ csv: string; filename: string }>;
}) {
  const router = useRouter();
  const t = useTranslations("rosterImport");
  const tr = useTranslations("roster.msg");
  const fmt = useFormatter();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"merge" | "replace">("merge");
  const [state, setState] = useState<ActionState<Data>>(idleState as ActionState<Data>);
  /** The mapping sent with the last preview (absent: the server chose). */
  const [mapping, setMapping] = useState<Mapping | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [pending, start] = useTransition();
  /** What the last import did; it stays in the card (and takes the focus) until the next file. */
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  const data = state.status === "ok" ? state.data : undefined;
  const p = data?.kind === "preview" ? data : undefined;
  const step = data?.kind === "needs-mapping" ? data : undefined;

  function form(extra: Record<string, string> = {}, m = mapping) {
    const fd = new FormData();
    fd.set("termId", String(termId));
    fd.set("mode", mode);
    if (file) fd.set("file", file);
    if (m) fd.set("mapping", JSON.stringify(m));
    for (const [k, v] of Object.entries(extra)) fd.set(k, v);
    return fd;
  }

  function choose(f: File | null) {
    setDone(null);
    setState(idleState as ActionState<Data>);
    setMapping(undefined);
    setEditing(false);
    if (f && f.size > MAX) {
      setFile(null);
      setState({ status: "error", message: t("tooBigFile", { name: f.name, size: fmt.number(f.size / 1024 / 1024, { maximumFractionDigits: 1, minimumFractionDigits: 1 }) }), fieldErrors: { file: [tr("tooBig")] } });
      return;
    }
    setFile(f);
  }

  const runPreview = (opts: { mode?: "merge" | "replace"; mapping?: Mapping } = {}) =>
    start(async () => {
      const m = "mapping" in opts ? opts.mapping : mapping;
      const fd = form({}, m);
      fd.set("mode", opts.mode ?? mode);
      const res = await preview(idleState as ActionState<Data>, fd);
      setState(res);
      if (res.status === "ok") {
        setMapping(m);
        setEditing(false);
      }
    });

  const runApply = (partial: boolean) =>
    start(async () => {
      if (!p) return;
      const res = await apply(idleState as ActionState<unknown>, form({ fileHash: p.fileHash, version: p.version, partial: partial ? "1" : "0" }, p.mapping));
      if (res.status === "ok") {
        // said in the card, where the preview's button was: the focus does not fall back to the page's start
        setDone(res.message ?? null);
        setFile(null);
        setMapping(undefined);
        setState(idleState as ActionState<Data>);
        if (fileRef.current) fileRef.current.value = "";
        router.refresh();
      } else {
        setState({ ...state, status: "error", message: res.message, data: undefined });
      }
    });

  const runRejected = () =>
    start(async () => {
      if (!p) return;
      const res = await rejected(idleState as ActionState<{ csv: string; filename: string }>, form({}, p.mapping));
      if (res.status === "ok" && res.data) download(res.data.filename, res.data.csv);
      else toast.error(res.message ?? t("rejectedFailed"));
    });

  const changes = p ? p.counts.added + p.counts.removed + p.counts.updated : 0;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 sm:min-w-64">
          <label htmlFor="roster-file" className="mb-1 block text-sm font-medium text-slate-700">{t("file")}</label>
          <input
            ref={fileRef}
            id="roster-file"
            name="file"
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
            className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-brand-700 hover:file:bg-brand-100"
          />
          <FieldError id="file-error" error={state.fieldErrors?.file} />
        </div>
        <fieldset className="flex flex-wrap gap-3 text-sm">
          <legend className="sr-only">{t("mode")}</legend>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="mode" value="merge" checked={mode === "merge"} onChange={() => { setMode("merge"); if (p) runPreview({ mode: "merge" }); }} /> {t("merge")}
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="mode" value="replace" checked={mode === "replace"} onChange={() => { setMode("replace"); if (p) runPreview({ mode: "replace" }); }} /> {t("replace")}
          </label>
        </fieldset>
        <Button type="button" variant="secondary" disabled={!file || pending} onClick={() => runPreview({ mapping: undefined })}>
          {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <FileUp className="size-4" aria-hidden />} {t("preview")}
        </Button>
      </div>
      {done && (
        <p ref={doneRef} tabIndex={-1} role="status" data-testid="import-done" className="flex items-start gap-2 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200 outline-none focus-visible:ring-2 focus-visible:ring-emerald-500">
          <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden /> {done}
        </p>
      )}
      <p className="text-xs text-slate-600">
        {t("columnsHint")}{" "}
        <a href={sampleHref} className="font-medium text-brand-700 underline" download>
          {t("sample")}
        </a>
      </p>
      {state.status === "error" && !state.fieldErrors?.file && <FormMessage state={state} />}
      {step && (
        <ColumnMapping key={`${step.fileHash}-need`} step={step.step} meanings={step.meanings} initial={step.step.suggestion} message={step.message} courseCode={courseCode} pending={pending} onSubmit={(m) => runPreview({ mapping: m })} />
      )}
      {p && editing && (
        <ColumnMapping key={`${p.fileHash}-edit`} step={p.step} meanings={p.meanings} initial={p.mapping} courseCode={courseCode} pending={pending} onSubmit={(m) => runPreview({ mapping: m })} onCancel={() => setEditing(false)} />
      )}
      {p && !editing && (
        <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" data-testid="import-preview">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-600">{t("readAs")}</span> <Badge tone="blue">{p.formatLabel}</Badge>
            <span className="text-slate-600">
              {t(`source.${p.mappingSource}`)} · {SEPARATOR[p.delimiter] ? t(`separator.${SEPARATOR[p.delimiter]!}`) : t("separator.other", { sep: p.delimiter })} · {ENCODING[p.encoding] ?? p.encoding}
            </span>
            <Button type="button" variant="ghost" className="ml-auto px-2 py-1 text-xs" onClick={() => setEditing(true)}>
              {t("changeColumns")}
            </Button>
          </div>
          {p.warnings.map((w) => (
            <p key={w} className="text-sm text-amber-800">{w}</p>
          ))}
          {p.notKept.length > 0 && (
            <div className="rounded-md bg-white p-3 text-sm ring-1 ring-slate-200" data-testid="not-kept">
              <p className="font-medium text-slate-800">{t("notKeptTitle")}</p>
              <ul className="mt-1 list-inside list-disc text-slate-700">
                {p.notKept.map((n) => (
                  <li key={`${n.column}-${n.reason}`}>
                    <span className="font-medium">{n.column}</span>: {t(`notKept.${n.reason}`, { n: n.values, pattern: t("examLoginPattern") })}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {/* as many counters in a row as fit their labels ("Unverändert" whole), whatever the card's width */}
          <dl className="grid grid-cols-[repeat(auto-fit,minmax(6.5rem,1fr))] gap-2 text-center text-sm">
            {(
              [
                ["valid", "text-slate-900"],
                ["added", "text-emerald-700"],
                ["removed", "text-red-700"],
                ["updated", "text-brand-700"],
                ["unchanged", "text-slate-700"],
                ["duplicates", "text-amber-800"],
                ["invalid", "text-red-700"],
              ] as const
            ).map(([k, tone]) => (
              <div key={k} className="rounded-md bg-white px-2 py-2 ring-1 ring-slate-200">
                <dt className="text-xs text-slate-600">{t(`counts.${k}`)}</dt>
                <dd className={`text-lg font-semibold tabular-nums ${tone}`} data-testid={`count-${k}`}>{p.counts[k]}</dd>
              </div>
            ))}
          </dl>
          {p.counts.invalid > 0 && (
            <div role="alert" className="rounded-md bg-red-50 p-3 ring-1 ring-red-200">
              <div className="flex flex-wrap items-center gap-2">
                <p className="flex flex-1 items-center gap-2 text-sm font-medium text-red-800">
                  <AlertTriangle className="size-4" aria-hidden /> {t("rejectedRows", { count: p.counts.invalid })}
                </p>
                <Button type="button" variant="secondary" className="py-1 text-xs" onClick={runRejected} disabled={pending}>
                  <Download className="size-3.5" aria-hidden /> {t("downloadRejected")}
                </Button>
              </div>
              <TableScroll><table className="mt-2 w-full text-left text-sm">
                <thead>
                  <tr className="text-xs text-red-900">
                    <th className="py-1 pr-3">{t("row")}</th>
                    <th className="py-1 pr-3">{t("reason")}</th>
                    <th className="py-1">{t("content")}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.invalid.map((r) => (
                    <tr key={r.row} className="align-top text-red-900" data-testid="invalid-row">
                      <td className="py-0.5 pr-3 tabular-nums">{r.row}</td>
                      <td className="py-0.5 pr-3">{r.reason}</td>
                      <td className="py-0.5 font-mono text-xs">{r.raw}</td>
                    </tr>
                  ))}
                </tbody>
              </table></TableScroll>
              {p.counts.invalid > p.invalid.length && <p className="mt-1 text-xs text-red-800">{t("moreInDownload", { count: p.counts.invalid - p.invalid.length })}</p>}
            </div>
          )}
          {p.duplicates.length > 0 && (
            <details className="text-sm">
              <summary className="cursor-pointer text-amber-800">{t("duplicatesSummary", { count: p.counts.duplicates })}</summary>
              <ul className="mt-1 list-inside list-disc text-slate-700">
                {p.duplicates.map((d) => (
                  <li key={d.row}>{t("duplicateRow", { row: d.row, username: d.username, first: d.firstRow })}</li>
                ))}
              </ul>
            </details>
          )}
          <ChangeList title={t("listAdded")} items={p.added.map((a) => `${a.username}${a.name ? ` — ${a.name}` : ""}${a.matrikel ? ` (${a.matrikel})` : ""}`)} total={p.counts.added} />
          <ChangeList title={t("listRemoved")} items={p.removed.map((a) => `${a.username}${a.name ? ` — ${a.name}` : ""}`)} total={p.counts.removed} />
          <ChangeList title={t("listUpdated")} items={p.updated.map((u) => `${u.username}${u.changes.length ? `: ${u.changes.join(", ")}` : ""}`)} total={p.counts.updated} />
          {p.mode === "replace" && <ChangeList title={t("listKept")} items={p.kept.map((a) => a.username)} total={p.counts.kept} />}
          <div className="flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 pt-3">
            <span className="mr-auto text-xs text-slate-600">{p.mode === "replace" ? t("replaceNote") : t("mergeNote")}</span>
            {p.counts.invalid > 0 && p.counts.valid > 0 && (
              <ConfirmButton
                variant="secondary"
                disabled={pending || changes === 0}
                title={t("partialTitle", { count: p.counts.valid })}
                body={t("partialBody", { invalid: p.counts.invalid, kept: p.mode === "replace" ? p.counts.kept : 0 })}
                confirmLabel={t("partialConfirm", { count: p.counts.valid })}
                onConfirm={() => runApply(true)}
              >
                {t("partialButton", { count: p.counts.valid })}
              </ConfirmButton>
            )}
            <Button type="button" onClick={() => runApply(false)} disabled={pending || p.counts.invalid > 0 || changes === 0}>
              {pending && <Loader2 className="size-4 animate-spin" aria-hidden />} {t("apply")}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

function ChangeList({ title, items, total }: { title: string; items: string[]; total: number }) {
  const t = useTranslations("rosterImport");
  if (total === 0) return null;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-slate-700">
        {title}: {total}
      </summary>
      <ul className="mt-1 max-h-48 overflow-auto rounded bg-white p-2 font-mono text-xs ring-1 ring-slate-200">
        {items.map((i) => (
          <li key={i}>{i}</li>
        ))}
        {total > items.length && <li className="text-slate-600">{t("andMore", { count: total - items.length })}</li>}
      </ul>
    </details>
  );
}
