"use client";
import { AlertTriangle, Download, FileUp, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm";
import { FieldError, FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { ColumnMapping, type Mapping, type MappingStepData, type Meaning } from "./column-mapping";

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

const SOURCE_LABEL: Record<PreviewData["mappingSource"], string> = {
  detected: "columns read from the header",
  remembered: "columns as remembered for this course",
  chosen: "columns as you mapped them",
};

const NOT_KEPT: Record<NotKept["reason"], (n: NotKept) => string> = {
  password: (n) => `passwords are never stored${n.values ? ` (${n.values} value${n.values === 1 ? "" : "s"} dropped)` : ""}`,
  "exam-login": (n) => `exam logins (${n.values}); the portal derives them as <course>-<FB02UID>`,
  "no-meaning": (n) => `no meaning chosen (${n.values} value${n.values === 1 ? "" : "s"})`,
};

const ENCODING: Record<string, string> = { "utf-8": "UTF-8", "windows-1252": "Windows-1252", "utf-16le": "UTF-16", "utf-16be": "UTF-16 (big-endian)" };
const SEPARATOR: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

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
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"merge" | "replace">("merge");
  const [state, setState] = useState<ActionState<Data>>(idleState as ActionState<Data>);
  /** The mapping sent with the last preview (absent: the server chose). */
  const [mapping, setMapping] = useState<Mapping | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [pending, start] = useTransition();
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
    setState(idleState as ActionState<Data>);
    setMapping(undefined);
    setEditing(false);
    if (f && f.size > MAX) {
      setFile(null);
      setState({ status: "error", message: `${f.name} is ${(f.size / 1024 / 1024).toFixed(1)} MB; files over 10 MB are refused.`, fieldErrors: { file: ["Files over 10 MB are refused. Split the roster or remove unused columns."] } });
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
        toast.success(res.message);
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
      else toast.error(res.message ?? "The rejected rows could not be written.");
    });

  const changes = p ? p.counts.added + p.counts.removed + p.counts.updated : 0;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="roster-file" className="mb-1 block text-sm font-medium text-slate-700">CSV file</label>
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
        <fieldset className="flex gap-3 text-sm">
          <legend className="sr-only">Import mode</legend>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="mode" value="merge" checked={mode === "merge"} onChange={() => { setMode("merge"); if (p) runPreview({ mode: "merge" }); }} /> Add and update
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="mode" value="replace" checked={mode === "replace"} onChange={() => { setMode("replace"); if (p) runPreview({ mode: "replace" }); }} /> Replace roster
          </label>
        </fieldset>
        <Button type="button" variant="secondary" disabled={!file || pending} onClick={() => runPreview({ mapping: undefined })}>
          {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <FileUp className="size-4" aria-hidden />} Preview
        </Button>
      </div>
      <p className="text-xs text-slate-600">
        Columns are matched by their names in German or English (Username, FB02UID, Kennung, Name, Vorname, Matrikel, Raum, Platz …), in any order. A file without a header gets a step to say which column is which.{" "}
        <a href={sampleHref} className="font-medium text-brand-700 underline" download>
          Download a sample CSV
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
            <span className="text-slate-600">Read as:</span> <Badge tone="blue">{p.formatLabel}</Badge>
            <span className="text-slate-600">
              {SOURCE_LABEL[p.mappingSource]} · {SEPARATOR[p.delimiter] ?? p.delimiter}-separated · {ENCODING[p.encoding] ?? p.encoding}
            </span>
            <Button type="button" variant="ghost" className="ml-auto px-2 py-1 text-xs" onClick={() => setEditing(true)}>
              Change columns
            </Button>
          </div>
          {p.warnings.map((w) => (
            <p key={w} className="text-sm text-amber-800">{w}</p>
          ))}
          {p.notKept.length > 0 && (
            <div className="rounded-md bg-white p-3 text-sm ring-1 ring-slate-200" data-testid="not-kept">
              <p className="font-medium text-slate-800">Not kept from this file</p>
              <ul className="mt-1 list-inside list-disc text-slate-700">
                {p.notKept.map((n) => (
                  <li key={`${n.column}-${n.reason}`}>
                    <span className="font-medium">{n.column}</span>: {NOT_KEPT[n.reason](n)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <dl className="grid grid-cols-4 gap-2 text-center text-sm sm:grid-cols-7">
            {(
              [
                ["valid", "Valid rows", "text-slate-900"],
                ["added", "Added", "text-emerald-700"],
                ["removed", "Removed", "text-red-700"],
                ["updated", "Updated", "text-brand-700"],
                ["unchanged", "Unchanged", "text-slate-700"],
                ["duplicates", "Duplicates", "text-amber-700"],
                ["invalid", "Rejected", "text-red-700"],
              ] as const
            ).map(([k, label, tone]) => (
              <div key={k} className="rounded-md bg-white px-2 py-2 ring-1 ring-slate-200">
                <dt className="text-xs text-slate-600">{label}</dt>
                <dd className={`text-lg font-semibold tabular-nums ${tone}`} data-testid={`count-${k}`}>{p.counts[k]}</dd>
              </div>
            ))}
          </dl>
          {p.counts.invalid > 0 && (
            <div role="alert" className="rounded-md bg-red-50 p-3 ring-1 ring-red-200">
              <div className="flex flex-wrap items-center gap-2">
                <p className="flex flex-1 items-center gap-2 text-sm font-medium text-red-800">
                  <AlertTriangle className="size-4" aria-hidden /> {p.counts.invalid} rejected row{p.counts.invalid === 1 ? "" : "s"}. Fix {p.counts.invalid === 1 ? "it" : "them"} in the file and preview again, or import only the valid rows.
                </p>
                <Button type="button" variant="secondary" className="py-1 text-xs" onClick={runRejected} disabled={pending}>
                  <Download className="size-3.5" aria-hidden /> Download rejected rows (CSV)
                </Button>
              </div>
              <table className="mt-2 w-full text-left text-sm">
                <thead>
                  <tr className="text-xs text-red-900">
                    <th className="py-1 pr-3">Row</th>
                    <th className="py-1 pr-3">Reason</th>
                    <th className="py-1">Content</th>
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
              </table>
              {p.counts.invalid > p.invalid.length && <p className="mt-1 text-xs text-red-800">… and {p.counts.invalid - p.invalid.length} more in the download.</p>}
            </div>
          )}
          {p.duplicates.length > 0 && (
            <details className="text-sm">
              <summary className="cursor-pointer text-amber-800">{p.counts.duplicates} duplicate row{p.counts.duplicates === 1 ? "" : "s"} with the same data, kept once</summary>
              <ul className="mt-1 list-inside list-disc text-slate-700">
                {p.duplicates.map((d) => (
                  <li key={d.row}>Row {d.row}: {d.username} (first on row {d.firstRow})</li>
                ))}
              </ul>
            </details>
          )}
          <ChangeList title="Added" items={p.added.map((a) => `${a.username}${a.name ? ` — ${a.name}` : ""}${a.matrikel ? ` (${a.matrikel})` : ""}`)} total={p.counts.added} />
          <ChangeList title="Removed" items={p.removed.map((a) => `${a.username}${a.name ? ` — ${a.name}` : ""}`)} total={p.counts.removed} />
          <ChangeList title="Updated" items={p.updated.map((u) => `${u.username}${u.changes.length ? `: ${u.changes.join(", ")}` : ""}`)} total={p.counts.updated} />
          {p.mode === "replace" && <ChangeList title="Kept because their row was rejected" items={p.kept.map((a) => a.username)} total={p.counts.kept} />}
          <div className="flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 pt-3">
            <span className="mr-auto text-xs text-slate-600">{p.mode === "replace" ? "Students missing from the file will be removed." : "Students missing from the file stay on the roster."}</span>
            {p.counts.invalid > 0 && p.counts.valid > 0 && (
              <ConfirmButton
                variant="secondary"
                disabled={pending || changes === 0}
                title={`Import the ${p.counts.valid} valid row${p.counts.valid === 1 ? "" : "s"}?`}
                body={
                  <>
                    {p.counts.invalid} rejected row{p.counts.invalid === 1 ? " is" : "s are"} not imported{p.mode === "replace" && p.counts.kept ? `; ${p.counts.kept} student${p.counts.kept === 1 ? "" : "s"} whose row was rejected stay on the roster` : ""}. Download the rejected rows to fix them and import them later.
                  </>
                }
                confirmLabel={`Import ${p.counts.valid} valid row${p.counts.valid === 1 ? "" : "s"}`}
                onConfirm={() => runApply(true)}
              >
                Import {p.counts.valid} valid row{p.counts.valid === 1 ? "" : "s"} only
              </ConfirmButton>
            )}
            <Button type="button" onClick={() => runApply(false)} disabled={pending || p.counts.invalid > 0 || changes === 0}>
              {pending && <Loader2 className="size-4 animate-spin" aria-hidden />} Apply import
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

function ChangeList({ title, items, total }: { title: string; items: string[]; total: number }) {
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
        {total > items.length && <li className="text-slate-600">… and {total - items.length} more</li>}
      </ul>
    </details>
  );
}
